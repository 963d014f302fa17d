import { VigilError } from '../../../shared/errors';
import { CoarseCodes } from './coarse';
import { BATCH, JsCodeStore, WasmCodeStore, type CodeStore } from './codes';
import { loadWasmDots, MAX_KERNEL_DIM, rowBytesFor } from './kernels';
import { l2, quantizeQuery, quantizeRow } from './quantize';
import { TopK } from './topk';
import type {
  FaceIndexOptions,
  FaceMeta,
  FaceSource,
  IndexBackend,
  Metric,
  SearchHit,
  SearchOptions,
} from './types';
import { FloatRows } from './vectors';

const SOURCE_BIT: Record<FaceSource, number> = { watchlist: 1, seen: 2 };
const SOURCES: FaceSource[] = ['watchlist', 'seen'];
/** Rows re-ranked from the shortlist beyond k before the proof pass (cheap, and it raises τ early). */
const SHORTLIST_EXTRA = 32;
/**
 * From this many rows on, `exact: false` starts with a table scan of 2-bit codes and re-ranks only
 * its best candidates (the exact scan passes 20 ms here); below it the int8 scan is fast enough.
 */
export const COARSE_MIN_ROWS = 100_000;
/**
 * The 2-bit codes' per-dim statistics come from the first this many rows, and every row after is
 * coded as it is added. Training on 100 000 rows at once instead gave the same recall@10 (1.000 at
 * 100k) but held the thread for 2.6 s when the index crossed that size; this costs about 70 ms.
 */
const COARSE_TRAIN_ROWS = 2_000;
/** Candidates the 2-bit scan hands on (recall@10 measured in docs/benchmarks.md: search). */
export const COARSE_CANDIDATES = 4096;
/** Float rounding slack on the quantisation bound (cosine units); the bound itself is ~1e-2. */
const EPS = 1e-6;

// Per-query row states (a scratch byte per row).
const FILTER_OK = 1;
const FILTER_NO = 2;
const RANKED = 4;

/** One query as the scans take it: the vector and its norm, k, metric, source mask and filter. */
interface Ask {
  query: Float32Array;
  qNorm: number;
  k: number;
  metric: Metric;
  mask: number;
  filter: ((id: string) => boolean) | undefined;
}

/** Minus the squared distance of a query and a row with these norms and cosine `a`. */
function euclideanKey(q2: number, qNorm: number, v: number, a: number): number {
  return -(q2 + v * v - 2 * qNorm * v * a);
}

function grow<T extends Float64Array | Uint8Array>(a: T, min: number, make: (n: number) => T): T {
  if (a.length >= min) return a;
  const next = make(Math.max(min, Math.ceil(a.length * 1.5), 64));
  next.set(a);
  return next;
}

/**
 * In-memory face descriptor index: exact top-k by cosine similarity or euclidean distance.
 *
 * Search scans 1-byte codes of every row (WebAssembly SIMD; a quarter of the float32 bytes, and
 * memory bandwidth is what limits a scan here), re-ranks a shortlist on the raw float vectors,
 * then makes one more pass that re-ranks every row whose quantisation error bound says it could
 * still beat the k-th exact score — so results equal a brute-force float search.
 */
export class FaceIndex {
  readonly dim: number;
  readonly backend: IndexBackend;
  private readonly rowBytes: number;
  private readonly codes: CodeStore | undefined;
  private readonly coarse: CoarseCodes | undefined;
  private readonly coarseFrom: number;
  private readonly coarseTrainAt: number;
  private readonly coarseCandidates: number;
  private readonly floats: FloatRows;
  private readonly rowCodes: Uint8Array;
  private ids: string[] = [];
  private subjects: (string | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private src = new Uint8Array(0);
  private norm = new Float64Array(0);
  private qmin = new Float64Array(0);
  private qstep = new Float64Array(0);
  private resid = new Float64Array(0);
  private hatNorm = new Float64Array(0);
  private approx = new Float64Array(0);
  private state = new Uint8Array(0);

  constructor(opts: FaceIndexOptions = {}) {
    const dim = opts.dim ?? 1024;
    if (!Number.isInteger(dim) || dim < 1) throw new VigilError('BAD_INPUT', `bad dimension ${dim}`);
    this.dim = dim;
    this.rowBytes = rowBytesFor(dim);
    this.rowCodes = new Uint8Array(this.rowBytes);
    this.floats = new FloatRows(dim, opts.vectors);
    this.coarseFrom = Math.max(1, opts.coarse?.from ?? COARSE_MIN_ROWS);
    this.coarseTrainAt = Math.min(COARSE_TRAIN_ROWS, this.coarseFrom);
    this.coarseCandidates = Math.max(1, opts.coarse?.candidates ?? COARSE_CANDIDATES);
    const scan = opts.scan ?? 'auto';
    if (scan === 'float') {
      if (opts.vectors)
        throw new VigilError(
          'BAD_INPUT',
          "scan 'float' reads every row per query: it needs the vectors in memory",
        );
      this.backend = { scan: 'float' };
      return;
    }
    let reason: string | undefined;
    if (scan !== 'js') {
      const loaded =
        dim <= MAX_KERNEL_DIM
          ? loadWasmDots()
          : { ok: false as const, reason: `dimension ${dim} exceeds the kernel's ${MAX_KERNEL_DIM}` };
      if (loaded.ok) {
        this.codes = new WasmCodeStore(loaded.kernel, this.rowBytes);
        // Its own kernel instance: each store owns one WebAssembly memory.
        const second = loadWasmDots();
        if (second.ok) this.coarse = new CoarseCodes(second.kernel, dim, this.rowBytes);
        this.backend = { scan: 'wasm-simd' };
        return;
      }
      if (scan === 'wasm') throw new VigilError('ENGINE_UNAVAILABLE', loaded.reason);
      reason = loaded.reason;
    }
    this.codes = new JsCodeStore(this.rowBytes);
    this.backend = reason ? { scan: 'js', reason } : { scan: 'js' };
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Bytes held for vectors, codes and per-row numbers (not ids). */
  get byteLength(): number {
    const perRow = [
      this.src,
      this.norm,
      this.qmin,
      this.qstep,
      this.resid,
      this.hatNorm,
      this.approx,
      this.state,
    ];
    return (
      this.floats.byteLength +
      (this.codes?.byteLength ?? 0) +
      (this.coarse?.byteLength ?? 0) +
      perRow.reduce((t, a) => t + a.byteLength, 0)
    );
  }

  /** Adds a descriptor, or replaces the one already stored under `id`. */
  add(id: string, vector: Float32Array, meta: FaceMeta = { source: 'watchlist' }): void {
    if (typeof id !== 'string' || id.length === 0)
      throw new VigilError('BAD_INPUT', 'face id must be a non-empty string');
    this.checkVector(vector, 'vector');
    if (!(meta.source in SOURCE_BIT))
      throw new VigilError('BAD_INPUT', `unknown source ${String(meta.source)}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.reserve(slot + 1);
      this.ids.push(id);
      this.subjects.push(meta.subjectId);
      this.slotOf.set(id, slot);
    } else {
      this.subjects[slot] = meta.subjectId;
    }
    this.src[slot] = SOURCE_BIT[meta.source];
    const norm = l2(vector);
    this.norm[slot] = norm;
    this.floats.write(slot, vector);
    if (this.codes) {
      const rc = quantizeRow(vector, norm, this.rowCodes);
      this.codes.write(slot, this.rowCodes);
      this.qmin[slot] = rc.min;
      this.qstep[slot] = rc.step;
      this.resid[slot] = rc.resid;
      this.hatNorm[slot] = rc.hatNorm;
    }
    if (this.coarse?.ready) this.coarse.write(slot, vector, norm > 0 ? 1 / norm : 0);
    else if (this.coarse && this.ids.length >= this.coarseTrainAt)
      this.coarse.start(this.ids.length, (i, out) => this.unitFromCodes(i, out));
  }

  /** Row `slot`'s unit vector as its int8 codes give it back (the floats may be on disk). */
  private unitFromCodes(slot: number, out: Float64Array): void {
    const c = this.codes!.row(slot);
    const min = this.qmin[slot]!;
    const step = this.qstep[slot]!;
    for (let j = 0; j < this.dim; j++) out[j] = min + step * c[j]!;
  }

  /** Removes `id`; false when it was not there. The last row takes its slot. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    this.slotOf.delete(id);
    if (slot !== last) {
      const moved = this.ids[last]!;
      this.ids[slot] = moved;
      this.subjects[slot] = this.subjects[last];
      this.slotOf.set(moved, slot);
      for (const a of [this.src, this.norm, this.qmin, this.qstep, this.resid, this.hatNorm])
        a[slot] = a[last]!;
      this.floats.move(last, slot);
      this.codes?.move(last, slot);
      this.coarse?.move(last, slot);
    }
    this.ids.pop();
    this.subjects.pop();
    this.floats.trim(this.ids.length);
    return true;
  }

  /** Drops every row; capacity is kept for a rebuild (WebAssembly memory never shrinks). */
  clear(): void {
    this.ids = [];
    this.subjects = [];
    this.slotOf.clear();
    this.floats.trim(0);
    this.coarse?.reset();
  }

  search(query: Float32Array, opts: SearchOptions): SearchHit[] {
    this.checkVector(query, 'query');
    const { k, metric } = opts;
    if (!Number.isInteger(k) || k < 1)
      throw new VigilError('BAD_INPUT', `k must be a positive integer, got ${k}`);
    if (metric !== 'cosine' && metric !== 'euclidean')
      throw new VigilError('BAD_INPUT', `unknown metric ${String(metric)}`);
    const source = opts.source ?? 'all';
    if (source !== 'all' && !(source in SOURCE_BIT))
      throw new VigilError('BAD_INPUT', `unknown source ${String(source)}`);
    const mask = source === 'all' ? 3 : SOURCE_BIT[source];
    const n = this.ids.length;
    if (n === 0) return [];
    const qNorm = l2(query);
    const top = this.codes
      ? this.quantisedSearch({ query, qNorm, k, metric, mask, filter: opts.filter }, opts.exact ?? true)
      : this.floatSearch({ query, qNorm, k, metric, mask, filter: opts.filter });
    return top.sorted().map(({ slot }) => this.hit(query, qNorm, slot));
  }

  private checkVector(v: Float32Array, what: string): void {
    if (!(v instanceof Float32Array)) throw new VigilError('BAD_INPUT', `${what} must be a Float32Array`);
    if (v.length !== this.dim)
      throw new VigilError('BAD_INPUT', `${what} has ${v.length} values, expected ${this.dim}`, {
        expected: this.dim,
        got: v.length,
      });
    for (let j = 0; j < v.length; j++)
      if (!Number.isFinite(v[j]))
        throw new VigilError('BAD_INPUT', `${what} holds a non-finite value at ${j}`);
  }

  private reserve(rows: number): void {
    this.src = grow(this.src, rows, (n) => new Uint8Array(n));
    this.norm = grow(this.norm, rows, (n) => new Float64Array(n));
    this.floats.reserve(rows);
    if (this.codes) {
      this.codes.reserve(rows);
      this.coarse?.reserve(rows);
      this.qmin = grow(this.qmin, rows, (n) => new Float64Array(n));
      this.qstep = grow(this.qstep, rows, (n) => new Float64Array(n));
      this.resid = grow(this.resid, rows, (n) => new Float64Array(n));
      this.hatNorm = grow(this.hatNorm, rows, (n) => new Float64Array(n));
    }
  }

  /** Exact ranking key: higher is better (cosine, or minus the squared distance). */
  private exactKey(query: Float32Array, qNorm: number, slot: number, metric: Metric): number {
    const v = this.floats.row(slot, this.ids[slot]!);
    const d = this.dim;
    if (metric === 'cosine') {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += query[j]! * v[j]!;
      const den = qNorm * this.norm[slot]!;
      return den > 0 ? dot / den : 0;
    }
    let ss = 0;
    for (let j = 0; j < d; j++) {
      const t = query[j]! - v[j]!;
      ss += t * t;
    }
    return -ss;
  }

  /** Filter verdict for `slot`, asked at most once per query. */
  private passes(filter: (id: string) => boolean, slot: number): boolean {
    const s = this.state[slot]!;
    if (s & FILTER_OK) return true;
    if (s & FILTER_NO) return false;
    const ok = filter(this.ids[slot]!);
    this.state[slot] = s | (ok ? FILTER_OK : FILTER_NO);
    return ok;
  }

  private floatSearch({ query, qNorm, k, metric, mask, filter }: Ask): TopK {
    const n = this.ids.length;
    const top = new TopK(Math.min(k, n));
    const { src } = this;
    for (let i = 0; i < n; i++) {
      if ((src[i]! & mask) === 0) continue;
      const key = this.exactKey(query, qNorm, i, metric);
      if (key <= top.threshold) continue;
      if (filter && !filter(this.ids[i]!)) continue;
      top.push(key, i);
    }
    return top;
  }

  private quantisedSearch(ask: Ask, exact: boolean): TopK {
    const { query, qNorm, k, metric, mask, filter } = ask;
    const codes = this.codes!;
    const n = this.ids.length;
    if (this.approx.length < n) this.approx = new Float64Array(this.norm.length);
    if (this.state.length < n) this.state = new Uint8Array(this.norm.length);
    const { approx, state, src, norm, qmin, qstep } = this;
    state.fill(0, 0, n);
    const qc = quantizeQuery(query, qNorm, this.rowBytes);
    codes.setQuery(qc.codes);
    const cos = metric === 'cosine';
    const q2 = qNorm * qNorm;
    const scale = qc.scale;
    const sumMin = qc.scale * qc.sum;
    if (!exact && this.coarse?.ready && this.ids.length >= this.coarseFrom)
      return this.coarseSearch(ask, (i) => {
        // The int8 estimate of one candidate, as pass 1 below computes it for every row.
        return sumMin * qmin[i]! + scale * qstep[i]! * codes.dots(i, 1)[0]!;
      });

    // Pass 1: approximate cosine of every row; shortlist the best by approximate key.
    const shortlist = new TopK(Math.min(n, k + Math.max(k, SHORTLIST_EXTRA)));
    for (let first = 0; first < n; first += BATCH) {
      const cnt = Math.min(BATCH, n - first);
      const dots = codes.dots(first, cnt);
      for (let t = 0; t < cnt; t++) {
        const i = first + t;
        const a = sumMin * qmin[i]! + scale * qstep[i]! * dots[t]!;
        approx[i] = a;
        if ((src[i]! & mask) === 0) continue;
        const key = cos ? a : euclideanKey(q2, qNorm, norm[i]!, a);
        if (key <= shortlist.threshold) continue;
        if (filter && !this.passes(filter, i)) continue;
        shortlist.push(key, i);
      }
    }

    const top = new TopK(Math.min(k, n));
    for (let e = 0; e < shortlist.size; e++) {
      const i = shortlist.slots[e]!;
      state[i]! |= RANKED;
      top.push(this.exactKey(query, qNorm, i, metric), i);
    }
    // A shortlist that is not full already holds every allowed row.
    if (!exact || shortlist.size < shortlist.cap) return top;

    // Pass 2: any row whose upper bound still beats the k-th exact key is re-ranked exactly.
    // |cos − a| ≤ |e_q|·|û| + |e_v| (|u_q| = 1), from u_q·u_v = q̂·û + e_q·û + u_q·e_v.
    const { resid, hatNorm } = this;
    const rq = qc.resid;
    let tau = top.threshold;
    for (let i = 0; i < n; i++) {
      if ((src[i]! & mask) === 0 || state[i]! & RANKED) continue;
      const hi = approx[i]! + rq * hatNorm[i]! + resid[i]! + EPS;
      let opt = hi;
      if (!cos) {
        const v = norm[i]!;
        const base = q2 + v * v;
        opt = -(base - 2 * qNorm * v * hi) + EPS * base;
      }
      if (opt <= tau) continue;
      if (filter && !this.passes(filter, i)) continue;
      state[i]! |= RANKED;
      top.push(this.exactKey(query, qNorm, i, metric), i);
      tau = top.threshold;
    }
    return top;
  }

  /**
   * Approximate top k for large indexes: the 2-bit table scan keeps `coarseCandidates` rows, their int8
   * estimates keep a shortlist, and the shortlist is ranked exactly.
   */
  private coarseSearch(
    { query, qNorm, k, metric, mask, filter }: Ask,
    int8Cosine: (slot: number) => number,
  ): TopK {
    const coarse = this.coarse!;
    const n = this.ids.length;
    const { src, norm } = this;
    const cos = metric === 'cosine';
    const q2 = qNorm * qNorm;
    const key = (i: number, a: number) => (cos ? a : euclideanKey(q2, qNorm, norm[i]!, a));
    const unit = new Float64Array(this.dim);
    const inv = qNorm > 0 ? 1 / qNorm : 0;
    for (let j = 0; j < this.dim; j++) unit[j] = query[j]! * inv;
    const { base, scale } = coarse.setQuery(unit);

    const candidates = new TopK(Math.min(n, Math.max(this.coarseCandidates, 4 * k)));
    for (let first = 0; first < n; first += BATCH) {
      const cnt = Math.min(BATCH, n - first);
      const sums = coarse.scan(first / 16, Math.ceil(cnt / 16));
      for (let t = 0; t < cnt; t++) {
        const i = first + t;
        if ((src[i]! & mask) === 0) continue;
        const c = key(i, base + scale * sums[t]!);
        if (c <= candidates.threshold) continue;
        if (filter && !this.passes(filter, i)) continue;
        candidates.push(c, i);
      }
    }
    const shortlist = new TopK(Math.min(n, k + Math.max(k, SHORTLIST_EXTRA)));
    for (let e = 0; e < candidates.size; e++) {
      const i = candidates.slots[e]!;
      shortlist.push(key(i, int8Cosine(i)), i);
    }
    const top = new TopK(Math.min(k, n));
    for (let e = 0; e < shortlist.size; e++) {
      const i = shortlist.slots[e]!;
      top.push(this.exactKey(query, qNorm, i, metric), i);
    }
    return top;
  }

  private hit(query: Float32Array, qNorm: number, slot: number): SearchHit {
    const v = this.floats.row(slot, this.ids[slot]!);
    let dot = 0;
    let ss = 0;
    for (let j = 0; j < this.dim; j++) {
      dot += query[j]! * v[j]!;
      const t = query[j]! - v[j]!;
      ss += t * t;
    }
    const den = qNorm * this.norm[slot]!;
    const similarity = den > 0 ? Math.max(-1, Math.min(1, dot / den)) : 0;
    const source = SOURCES[this.src[slot]! - 1]!;
    const subjectId = this.subjects[slot];
    const h: SearchHit = { id: this.ids[slot]!, similarity, distance: Math.sqrt(ss), source };
    if (subjectId !== undefined) h.subjectId = subjectId;
    return h;
  }
}
