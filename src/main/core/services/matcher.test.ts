import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyntheticFaces } from '../match/synthetic';
import { DESCRIPTOR_DIM, openStore, type Store } from '../store/store';
import { addSeenPhoto, enrolledSubject, tempDir } from '../test-support';
import { Matcher } from './matcher';

const photo = (p: number) => p.toString(16).padStart(64, '0');

/** A store with `n` seen faces (5 per photo) of synthetic people, and their vectors. */
async function storeWithSeen(n: number): Promise<{ store: Store; vectors: Float32Array[] }> {
  const store = await openStore(join(tempDir(), 'data'));
  const faces = new SyntheticFaces({ dim: DESCRIPTOR_DIM, identities: 200, seed: 3 });
  const vectors: Float32Array[] = [];
  for (let p = 0; p < n / 5; p++) {
    const batch = Array.from({ length: 5 }, () => faces.sample(faces.pick()).slice());
    vectors.push(...batch);
    await addSeenPhoto(store.faces, store.vectors, photo(p), batch, (k) => `s${p * 5 + k}`);
  }
  return { store, vectors };
}

describe('Matcher', () => {
  // Written over an enrolled face's row on disk (after the 16-byte header). Zeros: blocks a crash
  // left zero-filled on some file systems; every face would otherwise be a silent no_match.
  it.each([
    ['a NaN', Buffer.from(new Float32Array([Number.NaN]).buffer), /not a finite number/],
    ['all zeros', Buffer.alloc(DESCRIPTOR_DIM * 4), /all zeros/],
  ])(
    'reports a stored descriptor holding %s as STORE_CORRUPT naming its file and row',
    async (_, bytes, why) => {
      const { openSync, writeSync, closeSync } = await import('node:fs');
      const { store, vectors } = await storeWithSeen(5);
      const row = await store.watchlistVectors.append([vectors[0]!]);
      store.watchlist.data.subjects.push(enrolledSubject(row));
      try {
        const fd = openSync(store.watchlistVectors.file, 'r+');
        writeSync(fd, bytes, 0, bytes.length, 16 + row * DESCRIPTOR_DIM * 4);
        closeSync(fd);
        await expect(Matcher.load(store)).rejects.toMatchObject({
          code: 'STORE_CORRUPT',
          message: expect.stringMatching(why) as unknown,
          details: { file: store.watchlistVectors.file, row },
        });
      } finally {
        await store.close();
      }
    },
  );

  it('fills the seen index after load, and a search of seen faces waits for it', async () => {
    const { store, vectors } = await storeWithSeen(12_000);
    try {
      const m = await Matcher.load(store);
      // Released while the index fills: never found.
      await store.faces.removePhotos(new Set([photo(2000)]));
      const r = await m.search(vectors[5_000]!, { k: 3, metric: 'cosine', source: 'seen' });
      expect(r.hits[0]).toMatchObject({ id: 's5000', kind: 'seen' });
      expect(r.exact).toBe(true);
      const gone = await m.search(vectors[10_002]!, { k: 3, metric: 'cosine', source: 'seen' });
      expect(gone.hits.map((h) => h.id)).not.toContain('s10002');
      m.stop();
    } finally {
      await store.close();
    }
  });

  it('ranks watchlist and seen faces together for source all, and identify looks at the watchlist only', async () => {
    const { store, vectors } = await storeWithSeen(50);
    try {
      const m = await Matcher.load(store);
      const probe = vectors[7]!;
      // A subject enrolled with a copy of seen face s7, and another with s20.
      m.addWatchlistFace('w1', 'subject-1', probe);
      m.addWatchlistFace('w2', 'subject-2', vectors[20]!);
      const all = await m.search(probe, { k: 3, metric: 'cosine', source: 'all' });
      expect(
        all.hits
          .slice(0, 2)
          .map((h) => h.id)
          .sort(),
      ).toEqual(['s7', 'w1']);
      expect(all.hits[0]!.similarity).toBeGreaterThan(0.999);
      const far = await m.search(probe, { k: 3, metric: 'euclidean', source: 'all' });
      expect(far.hits[0]!.distance).toBeLessThan(1e-3);
      expect(
        (await m.search(probe, { k: 5, metric: 'cosine', source: 'watchlist' })).hits.map((h) => h.id),
      ).toEqual(['w1', 'w2']);
      expect(m.candidates(probe, 5).map((c) => c.subjectId)).toEqual(['subject-1', 'subject-2']);
    } finally {
      await store.close();
    }
  });
});
