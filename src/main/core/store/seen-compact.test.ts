import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSeenPhoto, tempDir } from '../test-support';
import { openSeenFaces } from './seen-compact';

const DIM = 8;
const spec = (dir: string) => ({ dir, dim: DIM, model: 'test-model' });
const vector = (k: number) => new Float32Array(DIM).map((_, j) => k + j / 10);
const photo = (p: number) => String(p % 10).repeat(64);

/** 30 faces on 6 photos (5 each), then the faces of photos 0-4 deleted as a release does. */
async function fillThenDelete(dir: string) {
  const { faces, vectors } = await openSeenFaces(spec(dir));
  for (let p = 0; p < 6; p++) {
    const batch = [0, 1, 2, 3, 4].map((k) => vector(p * 5 + k));
    await addSeenPhoto(faces, vectors, photo(p), batch, (k) => `p${p}f${k}`);
  }
  const gone = await faces.removePhotos(new Set([0, 1, 2, 3, 4].map(photo)));
  await vectors.erase(...gone.map((f) => f.row));
  await Promise.all([faces.close(), vectors.close()]);
}

async function contents(dir: string, minDead: number) {
  const { faces, vectors, compacted } = await openSeenFaces(spec(dir), minDead);
  const out = [];
  for (const f of faces.values())
    out.push({ id: f.id, row: f.row, v: Array.from(await vectors.read(f.row)) });
  const rows = vectors.rows;
  await Promise.all([faces.close(), vectors.close()]);
  return { compacted, rows, faces: out.sort((a, b) => a.id.localeCompare(b.id)) };
}

const survivors = [0, 1, 2, 3, 4].map((k) => ({ id: `p5f${k}`, v: Array.from(vector(25 + k)) }));

describe('openSeenFaces', () => {
  it('reclaims the rows of deleted faces once they dominate, keeping each live face’s vector', async () => {
    const dir = tempDir();
    await fillThenDelete(dir);
    const before = statSync(join(dir, 'faces.vec')).size;
    expect(await contents(dir, 100)).toMatchObject({ compacted: false, rows: 30 });
    const after = await contents(dir, 10);
    expect(after).toMatchObject({ compacted: true, rows: 5 });
    expect(after.faces.map(({ id, v }) => ({ id, v }))).toEqual(survivors);
    expect(after.faces.map((f) => f.row).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(statSync(join(dir, 'faces.vec')).size).toBeLessThan(before / 5);
    expect(await contents(dir, 10)).toMatchObject({ compacted: false, rows: 5 });
  });

  it('finishes a compaction cut off between its two renames, and undoes one cut off before them', async () => {
    const old = tempDir();
    await fillThenDelete(old);
    const done = tempDir();
    await fillThenDelete(done);
    await contents(done, 10);

    // faces.vec already renamed over, faces.jsonl not yet: the new list must be used.
    const midway = tempDir();
    copyFileSync(join(done, 'faces.vec'), join(midway, 'faces.vec'));
    copyFileSync(join(old, 'faces.jsonl'), join(midway, 'faces.jsonl'));
    copyFileSync(join(done, 'faces.jsonl'), join(midway, 'faces.jsonl.next'));
    const finished = await contents(midway, 10);
    expect(finished).toMatchObject({ compacted: false, rows: 5 });
    expect(finished.faces.map(({ id, v }) => ({ id, v }))).toEqual(survivors);
    expect(existsSync(join(midway, 'faces.jsonl.next'))).toBe(false);

    // Both new files written, neither renamed: the old pair stays as it was.
    const before = tempDir();
    for (const f of ['faces.vec', 'faces.jsonl']) copyFileSync(join(old, f), join(before, f));
    copyFileSync(join(done, 'faces.vec'), join(before, 'faces.vec.next'));
    copyFileSync(join(done, 'faces.jsonl'), join(before, 'faces.jsonl.next'));
    const undone = await contents(before, 100);
    expect(undone).toMatchObject({ compacted: false, rows: 30 });
    expect(undone.faces.map(({ id, v }) => ({ id, v }))).toEqual(survivors);
    expect(['faces.vec.next', 'faces.jsonl.next'].filter((f) => existsSync(join(before, f)))).toEqual([]);
  });
});
