import { VigilError } from '../../../shared/errors';

interface Entry {
  vector: Float32Array;
  norm: number;
  source: 'watchlist' | 'seen';
  subjectId?: string;
}

/** Exact top-k by scanning every vector (interim until the optimised index lands). */
export class FaceIndex {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly dim: number) {}

  add(id: string, vector: Float32Array, meta: { source: 'watchlist' | 'seen'; subjectId?: string }): void {
    if (vector.length !== this.dim)
      throw new VigilError('BAD_INPUT', `vector has ${vector.length} values, expected ${this.dim}`);
    let n = 0;
    for (let i = 0; i < vector.length; i++) n += vector[i]! * vector[i]!;
    this.entries.set(id, { vector, norm: Math.sqrt(n), ...meta });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get size(): number {
    return this.entries.size;
  }

  search(
    query: Float32Array,
    opts: { k: number; metric: 'cosine' | 'euclidean'; source?: 'watchlist' | 'seen' | 'all' },
  ): {
    id: string;
    similarity: number;
    distance: number;
    source: 'watchlist' | 'seen';
    subjectId?: string;
  }[] {
    if (query.length !== this.dim)
      throw new VigilError('BAD_INPUT', `query has ${query.length} values, expected ${this.dim}`);
    let qn = 0;
    for (let i = 0; i < query.length; i++) qn += query[i]! * query[i]!;
    qn = Math.sqrt(qn);
    const out = [];
    for (const [id, e] of this.entries) {
      if (opts.source && opts.source !== 'all' && e.source !== opts.source) continue;
      let dot = 0;
      for (let i = 0; i < query.length; i++) dot += query[i]! * e.vector[i]!;
      out.push({
        id,
        similarity: dot / (qn * e.norm || 1),
        distance: Math.sqrt(Math.max(0, qn * qn + e.norm * e.norm - 2 * dot)),
        source: e.source,
        subjectId: e.subjectId,
      });
    }
    out.sort((a, b) => (opts.metric === 'cosine' ? b.similarity - a.similarity : a.distance - b.distance));
    return out.slice(0, opts.k);
  }
}
