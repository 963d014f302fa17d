import { openSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddingFile } from '../store/embeddings';
import { FaceIndex } from './face-index';
import { EmbeddingRowReader } from './file-vectors';
import { randomVectors } from './synthetic';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('EmbeddingRowReader', () => {
  it('re-ranks from the store’s embeddings file with the same results as in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-match-'));
    dirs.push(dir);
    const file = join(dir, 'emb.bin');
    const vectors = randomVectors(500, 64, 31);
    const store = await EmbeddingFile.open(file, 64);
    const first = await store.append(vectors);
    await store.close();
    const rowOf = new Map(vectors.map((_, i) => [`f${i}`, first + i]));
    const fd = openSync(file, 'r');
    try {
      const onDisk = new FaceIndex({
        dim: 64,
        vectors: new EmbeddingRowReader(fd, 64, (id) => rowOf.get(id)),
      });
      const inMemory = new FaceIndex({ dim: 64 });
      vectors.forEach((v, i) => {
        onDisk.add(`f${i}`, v);
        inMemory.add(`f${i}`, v);
      });
      for (const q of randomVectors(5, 64, 32))
        for (const metric of ['cosine', 'euclidean'] as const)
          expect(onDisk.search(q, { k: 8, metric })).toEqual(inMemory.search(q, { k: 8, metric }));
      onDisk.add('stray', vectors[0]!);
      expect(() => onDisk.search(vectors[0]!, { k: 2, metric: 'cosine' })).toThrow(/no embedding row/);
    } finally {
      closeSync(fd);
    }
  });
});
