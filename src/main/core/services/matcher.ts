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
 * Seen faces indexed per turn of the event loop while the index fills at start: 10–15 ms of
 * work at 1280-d, so calls arriving meanwhile wait at most that long (bench/startup.bench.ts).
 */
const LOAD_CHUNK = 250;

/**
 * Row `row` of a vector file read whole. A value that is not a finite number was not written by
 * Vigil (descriptors are unit vectors): the file is damaged, which is STORE_CORRUPT, not bad input.
 */
function storedRow(file: string, all: Float32Array, row: number, dim: number): Float32Array {
  const v = all.subarray(row * dim, (row + 1) * dim);
  const damaged = (what: string) =>
    new VigilError('STORE_CORRUPT', `${file} row ${row} ${what}; the file was left untouched`, { file, row });
  let nonZero = false;
  for (let j = 0; j < v.length; j++) {
    if (!Number.isFinite(v[j])) throw damaged('holds a value that is not a finite number');
    if (v[j] !== 0) nonZero = true;
  }
  // No face describes to all zeros: that is an erased row or zero-filled blocks after a crash,
  // and matching against it would make every face a silent no_match.
  if (!nonZero) throw damaged('is all zeros, not a face descriptor');
  return v;
}

/**
 * Everything matching needs in memory: a search index over the enrolled faces and one over the
 * seen faces, and each subject's enrolled vectors for scoring a subject as a whole (calibrated,
 * see calibration.ts). Two indexes, so identify scans only the watchlist however many faces were
 * seen, and the seen faces (5.6 s to index at 100 000, 57 s at 1M) can fill in after start.
 */
export class Matcher {
  private readonly watchIndex: FaceIndex;
  private readonly seenIndex: FaceIndex;
  /** Settles when every stored seen face is in `seenIndex`. */
  private seenLoaded: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly watchFaces = new Map<string, { subjectId: string; vector: Float32Array }>();
  private readonly bySubject = new Map<string, Set<string>>();
  /** Distinct enrolled faces per subject (near-duplicates merged), for the score correction. */
  private readonly distinct = new Map<string, number>();

  private constructor(
    private readonly store: Store,
    dim: number,
  ) {
    this.watchIndex = new FaceIndex({ dim });
    this.seenIndex = new FaceIndex({ dim });
  }

  static async load(store: Store): Promise<Matcher> {
    const m = new Matcher(store, store.watchlistVectors.dim);
    const dim = store.watchlistVectors.dim;
    const wl = await store.watchlistVectors.readAll();
    for (const s of store.watchlist.data.subjects) {
      for (const f of s.faces) {
        if ((f.row + 1) * dim > wl.length) continue;
        m.addWatchlistFace(f.id, s.id, storedRow(store.watchlistVectors.file, wl, f.row, dim).slice());
      }
    }
    m.seenLoaded = m.loadSeen(store);
    m.seenLoaded.catch(() => undefined); // surfaced by the searches that wait for it
    return m;
  }

  /**
   * Indexes the stored seen faces a chunk at a time, yielding between chunks so calls are
   * answered meanwhile. A face released while this runs is skipped (the list is asked again per
   * face); one added meanwhile by a scan is already in.
   */
  private async loadSeen(store: Store): Promise<void> {
    const dim = store.vectors.dim;
    const all = await store.vectors.readAll();
    const faces = [...store.faces.values()];
    for (let i = 0; i < faces.length && !this.stopped; i += LOAD_CHUNK) {
      for (const f of faces.slice(i, i + LOAD_CHUNK)) {
        if (!store.faces.get(f.id) || (f.row + 1) * dim > all.length) continue;
        this.addSeen(f.id, storedRow(store.vectors.file, all, f.row, dim));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Stops filling the seen index (the store is closing). */
  stop(): void {
    this.stopped = true;
  }

  addWatchlistFace(id: string, subjectId: string, vector: Float32Array): void {
    this.watchFaces.set(id, { subjectId, vector });
    let set = this.bySubject.get(subjectId);
    if (!set) this.bySubject.set(subjectId, (set = new Set()));
    set.add(id);
    this.distinct.delete(subjectId);
    this.watchIndex.add(id, vector, { source: 'watchlist', subjectId });
  }

  removeWatchlistFace(id: string): void {
    const f = this.watchFaces.get(id);
    if (!f) return;
    this.watchFaces.delete(id);
    this.bySubject.get(f.subjectId)?.delete(id);
    this.distinct.delete(f.subjectId);
    this.watchIndex.remove(id);
  }

  addSeen(id: string, vector: Float32Array): void {
    if (!this.seenIndex.has(id)) this.seenIndex.add(id, vector, { source: 'seen' });
  }

  removeSeen(id: string): void {
    this.seenIndex.remove(id);
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
    const hits = this.watchIndex.search(descriptor, {
      k: Math.min(this.watchFaces.size, Math.max(50, limit * 10)),
      metric: 'cosine',
    });
    const subjects = [...new Set(hits.map((h) => h.subjectId).filter((s): s is string => !!s))];
    return subjects
      .map((subjectId) => ({ subjectId, ...this.scoreSubject(descriptor, subjectId)! }))
      .sort((a, b) => b.score - a.score || b.similarity - a.similarity)
      .slice(0, limit);
  }

  /**
   * Top-k faces over the watchlist, the seen faces or both (each index ranked, then merged);
   * exact unless asked otherwise or an index is large (COARSE_MIN_ROWS and up). Waits for the
   * seen faces to be indexed when they are searched.
   */
  async search(
    descriptor: Float32Array,
    opts: {
      k: number;
      metric: 'cosine' | 'euclidean';
      source: 'watchlist' | 'seen' | 'all';
      exact?: boolean;
    },
  ): Promise<{ exact: boolean; hits: MatchHit[] }> {
    if (descriptor.length !== this.store.watchlistVectors.dim) {
      throw new VigilError('BAD_INPUT', `descriptor has ${descriptor.length} values`);
    }
    const indexes: FaceIndex[] = [];
    if (opts.source !== 'seen') indexes.push(this.watchIndex);
    if (opts.source !== 'watchlist') {
      await this.seenLoaded;
      indexes.push(this.seenIndex);
    }
    let exact = true;
    const found = indexes.flatMap((index) => {
      const own = opts.exact ?? index.size < COARSE_MIN_ROWS;
      exact &&= own || index.size === 0;
      return index.size ? index.search(descriptor, { k: opts.k, metric: opts.metric, exact: own }) : [];
    });
    const better =
      opts.metric === 'cosine'
        ? (a: (typeof found)[number], b: (typeof found)[number]) => b.similarity - a.similarity
        : (a: (typeof found)[number], b: (typeof found)[number]) => a.distance - b.distance;
    const hits = found
      .sort(better)
      .slice(0, opts.k)
      .map((h) => ({
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
