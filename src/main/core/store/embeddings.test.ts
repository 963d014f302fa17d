import { access, appendFile, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { tempDir } from '../test-support';
import { EmbeddingFile } from './embeddings';

const DIM = 16;
const HEADER = 16;

/** A deterministic vector with values float32 can hold exactly and some it cannot. */
function vec(seed: number, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++)
    v[i] = Math.sin(seed * 31 + i) * (i % 3 === 0 ? 1e-3 : 1) + (i === 0 ? seed : 0);
  return v;
}

async function rejection(p: Promise<unknown>): Promise<VigilError> {
  const err = await p.then(
    () => {
      throw new Error('resolved; expected a VigilError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  return err as VigilError;
}

describe('EmbeddingFile', () => {
  it('erases a row to zeros on disk and leaves the others as they were', async () => {
    const file = join(tempDir(), 'x.vec');
    const emb = await EmbeddingFile.open(file, DIM);
    try {
      await emb.append([vec(1), vec(2), vec(3)]);
      await emb.erase(1);
      expect(Array.from(await emb.read(1))).toEqual(new Array(DIM).fill(0));
      expect(Array.from(await emb.read(0))).toEqual(Array.from(vec(1)));
      expect(Array.from(await emb.read(2))).toEqual(Array.from(vec(3)));
      const bytes = await readFile(file);
      expect(bytes.subarray(HEADER + DIM * 4, HEADER + 2 * DIM * 4).every((b) => b === 0)).toBe(true);
      expect((await rejection(emb.erase(3))).code).toBe('NOT_FOUND');
      expect(emb.rows).toBe(3);
    } finally {
      await emb.close();
    }
  });

  it('creates a file with a header and round-trips vectors exactly', async () => {
    const file = join(tempDir(), 'x.vec');
    const emb = await EmbeddingFile.open(file, DIM);
    try {
      expect(emb.rows).toBe(0);
      expect((await stat(file)).size).toBe(HEADER);
      const vs = [vec(1), vec(2), vec(3)];
      expect(await emb.append(vs)).toBe(0);
      expect(await emb.append([vec(4)])).toBe(3);
      expect(emb.rows).toBe(4);
      for (const [i, v] of [...vs, vec(4)].entries())
        expect(Array.from(await emb.read(i))).toEqual(Array.from(v));
      expect((await stat(file)).size).toBe(HEADER + 4 * DIM * 4);
    } finally {
      await emb.close();
    }
  });

  it('keeps its rows when reopened', async () => {
    const file = join(tempDir(), 'x.vec');
    const first = await EmbeddingFile.open(file, DIM);
    await first.append([vec(10), vec(11)]);
    await first.close();
    const emb = await EmbeddingFile.open(file, DIM);
    try {
      expect(emb.rows).toBe(2);
      expect(Array.from(await emb.read(1))).toEqual(Array.from(vec(11)));
      expect(await emb.append([vec(12)])).toBe(2);
      expect(Array.from(await emb.read(2))).toEqual(Array.from(vec(12)));
      expect(Array.from(await emb.read(0))).toEqual(Array.from(vec(10)));
    } finally {
      await emb.close();
    }
  });

  it('cuts a torn trailing record on reopen', async () => {
    const file = join(tempDir(), 'x.vec');
    const first = await EmbeddingFile.open(file, DIM);
    await first.append([vec(1), vec(2)]);
    await first.close();
    await appendFile(file, Buffer.alloc(DIM * 4 - 3, 0xab));
    const emb = await EmbeddingFile.open(file, DIM);
    try {
      expect(emb.rows).toBe(2);
      expect((await stat(file)).size).toBe(HEADER + 2 * DIM * 4);
      expect(await emb.append([vec(3)])).toBe(2);
      expect(Array.from(await emb.read(2))).toEqual(Array.from(vec(3)));
      expect(Array.from(await emb.read(1))).toEqual(Array.from(vec(2)));
    } finally {
      await emb.close();
    }
  });

  it('refuses a file missing, empty or shorter than the rows its list points at, and leaves it as it was', async () => {
    const file = join(tempDir(), 'x.vec');
    const first = await EmbeddingFile.open(file, DIM);
    await first.append([vec(1), vec(2)]);
    await first.close();
    // Rows 0 and 1 are named by the list: the next append must not reuse either.
    for (const size of [HEADER + DIM * 4 + 5, HEADER, 0]) {
      await truncate(file, size);
      const err = await rejection(EmbeddingFile.open(file, DIM, 2));
      expect(err.code).toBe('STORE_CORRUPT');
      expect(err.message).toContain(file);
      expect((await stat(file)).size).toBe(size);
    }
    await rm(file);
    const missing = await rejection(EmbeddingFile.open(file, DIM, 1));
    expect(missing.code).toBe('STORE_CORRUPT');
    // Not "holds 0 of the 1": a missing file is said to be missing.
    expect(missing.message).toContain('is missing, yet its list points at 1 face descriptor;');
    await expect(access(file)).rejects.toThrow();
    // Nothing pointed at: a new file, as before.
    const fresh = await EmbeddingFile.open(file, DIM, 0);
    expect(fresh.rows).toBe(0);
    await fresh.close();
  });

  it('refuses a file with the wrong magic as STORE_CORRUPT and leaves it untouched', async () => {
    const file = join(tempDir(), 'x.vec');
    const junk = Buffer.concat([Buffer.from('NOTAVEC!'), Buffer.alloc(8 + DIM * 4 + 5, 7)]);
    await writeFile(file, junk);
    const err = await rejection(EmbeddingFile.open(file, DIM));
    expect(err.code).toBe('STORE_CORRUPT');
    expect((await readFile(file)).equals(junk)).toBe(true);
  });

  it('refuses a file shorter than its header as STORE_CORRUPT', async () => {
    const file = join(tempDir(), 'x.vec');
    await writeFile(file, Buffer.from('VGEMB'));
    expect((await rejection(EmbeddingFile.open(file, DIM))).code).toBe('STORE_CORRUPT');
    expect((await stat(file)).size).toBe(5);
  });

  it('refuses a file of another dimension as STORE_VERSION and leaves it untouched', async () => {
    const file = join(tempDir(), 'x.vec');
    const first = await EmbeddingFile.open(file, DIM);
    await first.append([vec(1)]);
    await first.close();
    const before = await readFile(file);
    const err = await rejection(EmbeddingFile.open(file, DIM * 2));
    expect(err.code).toBe('STORE_VERSION');
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('gives concurrent appends distinct rows with their own vectors', async () => {
    const file = join(tempDir(), 'x.vec');
    const emb = await EmbeddingFile.open(file, DIM);
    try {
      const batches = Array.from({ length: 40 }, (_, b) =>
        Array.from({ length: 1 + (b % 3) }, (_, k) => vec(b * 10 + k)),
      );
      const firsts = await Promise.all(batches.map((vs) => emb.append(vs)));
      const rows = batches.flatMap((vs, b) => vs.map((_, k) => firsts[b]! + k));
      expect(new Set(rows).size).toBe(rows.length);
      expect(emb.rows).toBe(rows.length);
      for (const [b, vs] of batches.entries()) {
        for (const [k, v] of vs.entries())
          expect(Array.from(await emb.read(firsts[b]! + k))).toEqual(Array.from(v));
      }
    } finally {
      await emb.close();
    }
  });

  it('rejects a vector of the wrong length with BAD_INPUT and keeps working', async () => {
    const emb = await EmbeddingFile.open(join(tempDir(), 'x.vec'), DIM);
    try {
      expect((await rejection(emb.append([vec(1), vec(2, DIM - 1)]))).code).toBe('BAD_INPUT');
      expect(emb.rows).toBe(0);
      expect(await emb.append([vec(3)])).toBe(0);
      expect(Array.from(await emb.read(0))).toEqual(Array.from(vec(3)));
    } finally {
      await emb.close();
    }
  });

  it('answers NOT_FOUND for a row it does not hold', async () => {
    const emb = await EmbeddingFile.open(join(tempDir(), 'x.vec'), DIM);
    try {
      await emb.append([vec(1)]);
      for (const row of [-1, 1, 0.5, Number.NaN])
        expect((await rejection(emb.read(row))).code).toBe('NOT_FOUND');
    } finally {
      await emb.close();
    }
  });
});

describe('EmbeddingFile.check (a reader without the lock)', () => {
  it('creates, repairs and writes nothing: a missing file stays missing, a torn record stays', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.vec');
    await EmbeddingFile.check(file, DIM);
    await expect(access(file)).rejects.toThrow();
    const emb = await EmbeddingFile.open(file, DIM);
    await emb.append([vec(1), vec(2)]);
    await emb.close();
    // A record half appended (a writer mid-append): the rows before it are all a reader needs.
    await appendFile(file, Buffer.alloc(DIM * 2));
    const before = await readFile(file);
    await EmbeddingFile.check(file, DIM, 2);
    expect(await readFile(file)).toEqual(before);
    // An empty file (a writer about to write its header) holds no rows.
    await writeFile(file, '');
    await EmbeddingFile.check(file, DIM);
    expect((await stat(file)).size).toBe(0);
  });

  it("gives open()'s errors for lost rows, a foreign file and another dimension", async () => {
    const file = join(tempDir(), 'x.vec');
    const emb = await EmbeddingFile.open(file, DIM);
    await emb.append([vec(1)]);
    await emb.close();
    const same = async (dim: number, needed: number) => {
      const checked = await rejection(EmbeddingFile.check(file, dim, needed));
      const opened = await rejection(EmbeddingFile.open(file, dim, needed));
      expect([checked.code, checked.message]).toEqual([opened.code, opened.message]);
      return checked.code;
    };
    expect(await same(DIM, 2)).toBe('STORE_CORRUPT');
    expect(await same(DIM * 2, 0)).toBe('STORE_VERSION');
    await writeFile(file, 'x'.repeat(HEADER + DIM * 4));
    expect(await same(DIM, 1)).toBe('STORE_CORRUPT');
    await rm(file);
    expect(await same(DIM, 1)).toBe('STORE_CORRUPT');
  });
});
