import { VigilError } from '../../../shared/errors';
import type { Thresholds, Verdict } from '../../../shared/match-schemas';
import {
  combinedScore,
  DEFAULT_CALIBRATION,
  distinctFaces,
  scoreOf,
  similarity,
  verdictOf,
} from '../match/calibration';
import { COARSE_MIN_ROWS, FaceIndex } from '../match/index';
import type { Store } from '../store/store';

export interface SubjectCandidate {
  subjectId: string;
  similarity: number;
  score: number;
}

export interface MatchHit {
  id: string;
  kind: 'watchlist' | 'seen';
  subjectId: string | null;
  similarity: number;
  distance: number;
  score: number;
}

/**
 * Everything matching needs in memory: the search index over enrolled and seen faces, and each
 * subject's enrolled vectors for scoring a subject as a whole (calibrated, see calibration.ts).
 */
export class Matcher {
  private readonly index: FaceIndex;
  private readonly watchFaces = new Map<string, { subjectId: string; vector: Float32Array }>();
  private readonly bySubject = new Map<string, Set<string>>();
  /** Distinct enrolled faces per subject (near-duplicates merged), for the score correction. */
  private readonly distinct = new Map<string, number>();

  private constructor(
    private readonly store: Store,
    dim: number,
  ) {
    this.index = new FaceIndex({ dim });
  }

  static async load(store: Store): Promise<Matcher> {
    const m = new Matcher(store, store.watchlistVectors.dim);
    const dim = store.watchlistVectors.dim;
    const wl = await store.watchlistVectors.readAll();
    for (const s of store.watchlist.data.subjects) {
      for (const f of s.faces) {
        if ((f.row + 1) * dim > wl.length) continue;
        m.addWatchlistFace(f.id, s.id, wl.slice(f.row * dim, (f.row + 1) * dim));
      }
    }
    const seen = await store.vectors.readAll();
    for (const f of store.faces.values()) {
      if ((f.row + 1) * dim > seen.length) continue;
      m.addSeen(f.id, seen.subarray(f.row * dim, (f.row + 1) * dim));
    }
    return m;
  }

  addWatchlistFace(id: string, subjectId: string, vector: Float32Array): void {
    this.watchFaces.set(id, { subjectId, vector });
    let set = this.bySubject.get(subjectId);
    if (!set) this.bySubject.set(subjectId, (set = new Set()));
    set.add(id);
    this.distinct.delete(subjectId);
    this.index.add(id, vector, { source: 'watchlist', subjectId });
  }

  removeWatchlistFace(id: string): void {
    const f = this.watchFaces.get(id);
    if (!f) return;
    this.watchFaces.delete(id);
    this.bySubject.get(f.subjectId)?.delete(id);
    this.distinct.delete(f.subjectId);
    this.index.remove(id);
  }

  addSeen(id: string, vector: Float32Array): void {
    if (!this.index.has(id)) this.index.add(id, vector, { source: 'seen' });
  }

  removeSeen(id: string): void {
    if (!this.watchFaces.has(id)) this.index.remove(id);
  }

  get watchlistFaceCount(): number {
    return this.watchFaces.size;
  }

  thresholds(): Thresholds {
    return this.store.settings.data.thresholds ?? DEFAULT_CALIBRATION.thresholds;
  }

  verdict(score: number): {
    verdict: Verdict;
    threshold: 'match' | 'possible' | null;
    thresholds: Thresholds;
  } {
    const thresholds = this.thresholds();
    const verdict = verdictOf(score, thresholds);
    return {
      verdict,
      threshold: verdict === 'match' ? 'match' : verdict === 'possible' ? 'possible' : null,
      thresholds,
    };
  }

  /** One subject against one face: its enrolled faces combined as calibrated (best-of, corrected). */
  scoreSubject(descriptor: Float32Array, subjectId: string): { similarity: number; score: number } | null {
    const ids = this.bySubject.get(subjectId);
    if (!ids || ids.size === 0) return null;
    const vectors = [...ids].map((id) => this.watchFaces.get(id)!.vector);
    let distinct = this.distinct.get(subjectId);
    if (distinct === undefined) this.distinct.set(subjectId, (distinct = distinctFaces(vectors)));
    const c = combinedScore(
      vectors.map((v) => similarity(descriptor, v)),
      DEFAULT_CALIBRATION,
      'best',
      distinct,
    );
    return { similarity: c.similarity, score: c.score };
  }

  /** The best watchlist subjects for one face, best first. */
  candidates(descriptor: Float32Array, limit = 5): SubjectCandidate[] {
    if (this.watchFaces.size === 0) return [];
    // The index shortlists subjects by their closest faces; each is then scored as a whole.
    const hits = this.index.search(descriptor, {
      k: Math.min(this.watchFaces.size, Math.max(50, limit * 10)),
      metric: 'cosine',
      source: 'watchlist',
    });
    const subjects = [...new Set(hits.map((h) => h.subjectId).filter((s): s is string => !!s))];
    return subjects
      .map((subjectId) => ({ subjectId, ...this.scoreSubject(descriptor, subjectId)! }))
      .sort((a, b) => b.score - a.score || b.similarity - a.similarity)
      .slice(0, limit);
  }

  /** Top-k faces; exact unless asked otherwise or the index is large (COARSE_MIN_ROWS and up). */
  search(
    descriptor: Float32Array,
    opts: {
      k: number;
      metric: 'cosine' | 'euclidean';
      source: 'watchlist' | 'seen' | 'all';
      exact?: boolean;
    },
  ): { exact: boolean; hits: MatchHit[] } {
    if (descriptor.length !== this.store.watchlistVectors.dim) {
      throw new VigilError('BAD_INPUT', `descriptor has ${descriptor.length} values`);
    }
    const exact = opts.exact ?? this.index.size < COARSE_MIN_ROWS;
    const hits = this.index.search(descriptor, { ...opts, exact }).map((h) => ({
      id: h.id,
      kind: h.source,
      subjectId: h.subjectId ?? null,
      similarity: h.similarity,
      distance: h.distance,
      score: scoreOf(h.similarity),
    }));
    return { exact, hits };
  }
}
