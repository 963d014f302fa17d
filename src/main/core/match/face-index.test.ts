import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { FaceIndex } from './face-index';
import { randomVectors, SyntheticFaces } from './synthetic';
import type { FaceSource, Metric, ScanKind, SearchHit } from './types';

interface Row {
  id: string;
  v: Float32Array;
  source: FaceSource;
  subjectId?: string;
}

/** Brute force in float64 on the raw vectors: the reference every scan must equal. */
function bruteForce(
  rows: Row[],
  q: Float32Array,
  k: number,
  metric: Metric,
  keep: (r: Row) => boolean = () => true,
) {
  let qq = 0;
  for (const x of q) qq += x * x;
  return rows
    .filter(keep)
    .map((r) => {
      let dot = 0;
      let vv = 0;
      let ss = 0;
      for (let j = 0; j < q.length; j++) {
        dot += q[j]! * r.v[j]!;
        vv += r.v[j]! * r.v[j]!;
        ss += (q[j]! - r.v[j]!) ** 2;
      }
      const den = Math.sqrt(qq * vv);
      return { id: r.id, similarity: den > 0 ? dot / den : 0, distance: Math.sqrt(ss) };
    })
    .sort((a, b) => (metric === 'cosine' ? b.similarity - a.similarity : a.distance - b.distance))
    .slice(0, k);
}

function build(rows: Row[], scan: ScanKind, dim: number): FaceIndex {
  const index = new FaceIndex({ dim, scan });
  for (const r of rows) index.add(r.id, r.v, { source: r.source, subjectId: r.subjectId });
  return index;
}

function randomRows(count: number, dim: number, seed: number): Row[] {
  return randomVectors(count, dim, seed).map((v, i) => ({
    id: `f${i}`,
    v,
    source: i % 3 === 0 ? 'watchlist' : 'seen',
    subjectId: i % 3 === 0 ? `s${i % 7}` : undefined,
  }));
}

function expectSame(got: SearchHit[], want: ReturnType<typeof bruteForce>) {
  expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
  got.forEach((h, i) => {
    expect(h.similarity).toBeCloseTo(want[i]!.similarity, 5);
    expect(h.distance).toBeCloseTo(want[i]!.distance, 3);
  });
}

const recall = (got: SearchHit[], want: { id: string }[]) => {
  const ids = new Set(want.map((h) => h.id));
  return got.filter((h) => ids.has(h.id)).length;
};

describe.each<ScanKind>(['auto', 'js', 'float'])('FaceIndex (scan %s)', (scan) => {
  it.each<[Metric, number]>([
    ['cosine', 100],
    ['euclidean', 100],
    ['cosine', 1024],
    ['euclidean', 1024],
  ])('returns the brute-force top k (%s, %i-d)', (metric, dim) => {
    const rows = randomRows(dim === 1024 ? 1500 : 3000, dim, dim);
    const index = build(rows, scan, dim);
    for (const [i, q] of randomVectors(8, dim, 99).entries()) {
      // Half the queries are near a stored row, as a face seen twice would be.
      const query = i % 2 ? q : Float32Array.from(rows[i * 37]!.v, (x, j) => x + 0.3 * q[j]!);
      expectSame(index.search(query, { k: 10, metric }), bruteForce(rows, query, 10, metric));
    }
  });

  it('ranks clustered face-like descriptors exactly', () => {
    const faces = new SyntheticFaces({ identities: 300, seed: 3 });
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `f${i}`,
      v: faces.sample(faces.pick()),
      source: 'watchlist' as const,
    }));
    const index = build(rows, scan, 1024);
    for (let i = 0; i < 6; i++) {
      const q = faces.sample(faces.pick());
      for (const metric of ['cosine', 'euclidean'] as const)
        expectSame(index.search(q, { k: 25, metric }), bruteForce(rows, q, 25, metric));
    }
  });

  it('proves near-ties the codes cannot tell apart (the shortlist alone would miss)', () => {
    const [base, noise] = randomVectors(2, 128, 13);
    const rand = randomVectors(300, 128, 14);
    // 300 rows within 1e-4 of one another: far below the 8-bit step, so their codes tie.
    const rows: Row[] = rand.map((r, i) => ({
      id: `f${i}`,
      v: Float32Array.from(base!, (x, j) => x + 1e-4 * r[j]!),
      source: 'seen',
    }));
    const index = build(rows, scan, 128);
    const q = Float32Array.from(base!, (x, j) => x + 0.5 * noise![j]!);
    for (const metric of ['cosine', 'euclidean'] as const)
      expectSame(index.search(q, { k: 10, metric }), bruteForce(rows, q, 10, metric));
  });

  it('filters by source and by callback, and reports source and subject', () => {
    const rows = randomRows(600, 64, 5);
    const index = build(rows, scan, 64);
    const [q] = randomVectors(1, 64, 6);
    for (const source of ['watchlist', 'seen'] as const) {
      const hits = index.search(q!, { k: 15, metric: 'cosine', source });
      expectSame(
        hits,
        bruteForce(rows, q!, 15, 'cosine', (r) => r.source === source),
      );
      expect(hits.every((h) => h.source === source)).toBe(true);
    }
    const odd = (id: string) => Number(id.slice(1)) % 2 === 1;
    let calls = 0;
    const hits = index.search(q!, {
      k: 7,
      metric: 'euclidean',
      source: 'all',
      filter: (id) => (calls++, odd(id)),
    });
    expectSame(
      hits,
      bruteForce(rows, q!, 7, 'euclidean', (r) => odd(r.id)),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const h of hits) expect(h.subjectId).toBe(byId.get(h.id)!.subjectId);
    if (scan !== 'float') expect(calls).toBeLessThan(rows.length);
  });

  it('removes rows (the moved last row stays findable) and replaces on re-add', () => {
    const rows = randomRows(200, 32, 8);
    const index = build(rows, scan, 32);
    const gone = new Set(['f0', 'f5', 'f199', 'f100']);
    for (const id of gone) expect(index.remove(id)).toBe(true);
    expect(index.remove('f0')).toBe(false);
    expect(index.size).toBe(196);
    expect(index.has('f5')).toBe(false);
    expect(index.has('f198')).toBe(true);
    const left = rows.filter((r) => !gone.has(r.id));
    for (const r of [rows[5]!, rows[199]!, rows[198]!]) {
      const want = bruteForce(left, r.v, 5, 'cosine');
      expectSame(index.search(r.v, { k: 5, metric: 'cosine' }), want);
    }
    // Re-adding an id replaces its vector and metadata.
    const moved = rows[1]!;
    index.add(moved.id, rows[0]!.v, { source: 'seen', subjectId: 'x' });
    expect(index.size).toBe(196);
    const [top] = index.search(rows[0]!.v, { k: 1, metric: 'euclidean' });
    expect(top).toMatchObject({ id: 'f1', distance: 0, source: 'seen', subjectId: 'x' });
    expect(top!.similarity).toBeCloseTo(1, 6);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.search(rows[0]!.v, { k: 3, metric: 'cosine' })).toEqual([]);
  });

  it('returns every row when k exceeds the size, and nothing from an empty index', () => {
    const empty = new FaceIndex({ dim: 16, scan });
    expect(empty.search(new Float32Array(16), { k: 10, metric: 'cosine' })).toEqual([]);
    const rows = randomRows(5, 16, 9);
    const index = build(rows, scan, 16);
    const [q] = randomVectors(1, 16, 10);
    expectSame(index.search(q!, { k: 50, metric: 'euclidean' }), bruteForce(rows, q!, 50, 'euclidean'));
    expect(index.search(q!, { k: 50, metric: 'cosine', source: 'watchlist' })).toHaveLength(2);
  });

  it('handles zero vectors without NaN', () => {
    const index = new FaceIndex({ dim: 8, scan });
    index.add('zero', new Float32Array(8));
    index.add(
      'one',
      Float32Array.from({ length: 8 }, () => 1),
    );
    const hits = index.search(new Float32Array(8), { k: 2, metric: 'euclidean' });
    expect(hits.map((h) => h.id)).toEqual(['zero', 'one']);
    expect(hits.map((h) => h.similarity)).toEqual([0, 0]);
    expect(hits[1]!.distance).toBeCloseTo(Math.sqrt(8), 6);
  });
});

describe('FaceIndex input checks', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(VigilError);
      return (err as VigilError).code;
    }
    return 'no error';
  };

  it('rejects a dimension mismatch, bad values and bad options with BAD_INPUT', () => {
    const index = new FaceIndex();
    expect(index.dim).toBe(1024);
    expect(code(() => index.add('a', new Float32Array(128)))).toBe('BAD_INPUT');
    index.add('a', new Float32Array(1024).fill(1));
    expect(code(() => index.search(new Float32Array(512), { k: 1, metric: 'cosine' }))).toBe('BAD_INPUT');
    const nan = new Float32Array(1024);
    nan[3] = NaN;
    expect(code(() => index.add('b', nan))).toBe('BAD_INPUT');
    expect(code(() => index.add('', new Float32Array(1024)))).toBe('BAD_INPUT');
    const q = new Float32Array(1024);
    expect(code(() => index.search(q, { k: 0, metric: 'cosine' }))).toBe('BAD_INPUT');
    expect(code(() => index.search(q, { k: 1.5, metric: 'cosine' }))).toBe('BAD_INPUT');
    expect(code(() => index.search(q, { k: 1, metric: 'dot' as Metric }))).toBe('BAD_INPUT');
    expect(code(() => index.search(q, { k: 1, metric: 'cosine', source: 'x' as FaceSource }))).toBe(
      'BAD_INPUT',
    );
    expect(code(() => new FaceIndex({ scan: 'float', vectors: { read: () => {} } }))).toBe('BAD_INPUT');
  });
});

describe('FaceIndex backends', () => {
  it('uses the WebAssembly SIMD scan on Node', () => {
    expect(new FaceIndex().backend).toEqual({ scan: 'wasm-simd' });
  });

  it('re-ranks through a VectorReader instead of keeping floats in memory', () => {
    const rows = randomRows(2000, 256, 11);
    const byId = new Map(rows.map((r) => [r.id, r.v]));
    let reads = 0;
    const index = new FaceIndex({
      dim: 256,
      vectors: {
        read: (id, out) => {
          reads++;
          out.set(byId.get(id)!);
        },
      },
    });
    for (const r of rows) index.add(r.id, r.v, { source: r.source });
    const inMemory = build(rows, 'auto', 256);
    expect(index.byteLength).toBeLessThan(inMemory.byteLength / 2);
    for (const q of randomVectors(4, 256, 12)) {
      for (const metric of ['cosine', 'euclidean'] as const)
        expectSame(index.search(q, { k: 10, metric }), bruteForce(rows, q, 10, metric));
    }
    expect(reads).toBeLessThan(rows.length);
  });
});

describe('quantised shortlist without the proof pass (exact: false)', () => {
  it.each([
    ['random vectors', () => randomVectors(10000, 1024, 21), () => randomVectors(30, 1024, 22)],
    [
      '1000 identities × noise',
      () => {
        const f = new SyntheticFaces({ identities: 1000, seed: 23 });
        return Array.from({ length: 10000 }, () => f.sample(f.pick()));
      },
      () => {
        const f = new SyntheticFaces({ identities: 1000, seed: 23 });
        return Array.from({ length: 30 }, () => f.sample(f.pick()));
      },
    ],
  ])('keeps recall@10 ≥ 0.99 against exact float search on %s', (_name, data, queries) => {
    const vectors = data();
    const approx = new FaceIndex();
    const exact = new FaceIndex({ scan: 'float' });
    vectors.forEach((v, i) => {
      approx.add(`f${i}`, v);
      exact.add(`f${i}`, v);
    });
    for (const metric of ['cosine', 'euclidean'] as const) {
      let hits = 0;
      let total = 0;
      for (const q of queries()) {
        const want = exact.search(q, { k: 10, metric });
        hits += recall(approx.search(q, { k: 10, metric, exact: false }), want);
        total += want.length;
        expect(recall(approx.search(q, { k: 10, metric }), want)).toBe(want.length);
      }
      expect(hits / total).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe('FaceIndex approximate search (2-bit table scan)', () => {
  const dim = 256;
  function faceRows(count: number): Row[] {
    const faces = new SyntheticFaces({ dim, identities: 60, seed: 9 });
    return Array.from({ length: count }, (_, i) => ({
      id: `f${i}`,
      v: faces.sample(faces.pick()),
      source: i % 4 === 0 ? 'watchlist' : 'seen',
    }));
  }

  it('finds nearly all of the exact top 10, honours sources and filters, and forgets removed rows', () => {
    const rows = faceRows(3000);
    const index = new FaceIndex({ dim, coarse: { from: 1000, candidates: 150 } });
    for (const r of rows) index.add(r.id, r.v, { source: r.source });
    const queries = new SyntheticFaces({ dim, identities: 80, seed: 10 });
    let found = 0;
    for (let t = 0; t < 20; t++) {
      const q = queries.sample(queries.pick());
      for (const metric of ['cosine', 'euclidean'] as const) {
        const want = new Set(bruteForce(rows, q, 10, metric).map((h) => h.id));
        const got = index.search(q, { k: 10, metric, exact: false });
        expect(got).toHaveLength(10);
        found += got.filter((h) => want.has(h.id)).length;
      }
    }
    // The candidates are re-ranked exactly, so what can be missed is only a row the 2-bit pass
    // ranked below its 150 candidates (5 % of the rows here; 4096 of 1M in the app).
    expect(found / 400).toBeGreaterThan(0.9);

    const q = rows[7]!.v;
    const top = index.search(q, { k: 5, metric: 'cosine', exact: false, source: 'seen' });
    expect(top[0]!.id).toBe('f7');
    expect(top.every((h) => h.source === 'seen')).toBe(true);
    const filtered = index.search(q, { k: 5, metric: 'cosine', exact: false, filter: (id) => id !== 'f7' });
    expect(filtered.map((h) => h.id)).not.toContain('f7');

    // Removing moves the last row into the hole: its 2-bit codes move with it.
    const last = rows[rows.length - 1]!;
    expect(index.remove('f7')).toBe(true);
    expect(index.search(q, { k: 5, metric: 'cosine', exact: false }).map((h) => h.id)).not.toContain('f7');
    expect(index.search(last.v, { k: 1, metric: 'cosine', exact: false })[0]!.id).toBe(last.id);
  });

  it('starts over after clear and codes rows added after the start', () => {
    const rows = faceRows(1500);
    const index = new FaceIndex({ dim, coarse: { from: 1000, candidates: 150 } });
    for (const r of rows) index.add(r.id, r.v, { source: r.source });
    index.clear();
    expect(index.search(rows[0]!.v, { k: 3, metric: 'cosine', exact: false })).toEqual([]);
    for (const r of rows) index.add(r.id, r.v, { source: r.source });
    // Rows 1000… were coded one by one after the statistics were fixed at row 1000.
    for (const i of [3, 1200, 1499])
      expect(index.search(rows[i]!.v, { k: 1, metric: 'euclidean', exact: false })[0]!.id).toBe(`f${i}`);
  });
});
