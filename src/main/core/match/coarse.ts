import { VigilError } from '../../../shared/errors';
import { align, BATCH, growMemory } from './codes';
import type { WasmDots } from './kernels';

/** Rows sampled (evenly spread) to fix the per-dim mean and spread. */
const STATS_SAMPLE = 65536;
/** Largest |table entry|: two entries add up in one int8 lane. */
const LUT_MAX = 63;

/**
 * 2-bit codes of every row for the approximate search's first pass, scanned by table look-up.
 *
 * Each dim of the unit vector, centred on the population mean, is cut at −σ, 0 and +σ (a uniform
 * 4-level quantiser, close to the best one for bell-shaped values) and read back as
 * μ + σ·(c − 1.5). Two dims make a 4-bit code; the query turns into one 16-entry table per code,
 * and `scan_u4` looks up 16 rows per instruction. A 1280-d row costs 320 bytes against the int8
 * codes' 1280 and far fewer operations, so the scan of 1M rows is bound by reading 320 MB. The
 * ranking error it makes is what re-ranking its candidates repairs.
 *
 * Rows live in blocks of 16 (the kernel's layout); the mean and spread are fixed once, from the
 * rows present at `start`, and rows added later are coded with them: a drifting population costs
 * recall, never correctness.
 */
export class CoarseCodes {
  private mu: Float64Array | undefined;
  private sd: Float64Array | undefined;
  /** Padded dims / 4: 16-byte vectors per block, and table pairs per query. */
  private readonly vecs: number;
  private readonly lutOff = 0;
  private readonly outOff: number;
  private readonly codesOff: number;
  private readonly blockBytes: number;
  private readonly unpacked: Uint8Array;
  private readonly lut: Int8Array;
  private u8 = new Uint8Array(0);
  private out = new Int32Array(0);

  /** `dims`: the padded row length of the int8 codes (a multiple of 64). */
  constructor(
    private readonly kernel: WasmDots,
    private readonly dim: number,
    dims: number,
  ) {
    this.vecs = dims / 4;
    this.blockBytes = this.vecs * 16;
    this.outOff = align(this.vecs * 32, 64);
    this.codesOff = align(this.outOff + BATCH * 4, 64);
    this.unpacked = new Uint8Array(dims);
    this.lut = new Int8Array(this.vecs * 32);
    this.grow(this.codesOff);
    this.refresh();
  }

  get ready(): boolean {
    return this.mu !== undefined;
  }

  get byteLength(): number {
    return this.ready ? this.kernel.memory.buffer.byteLength : 0;
  }

  private refresh(): void {
    this.u8 = new Uint8Array(this.kernel.memory.buffer);
    this.out = new Int32Array(this.kernel.memory.buffer, this.outOff, BATCH);
  }

  reserve(rows: number): void {
    if (this.ready) this.grow(this.codesOff + Math.ceil(rows / 16) * this.blockBytes);
  }

  private grow(need: number): void {
    if (growMemory(this.kernel.memory, need, () => 'face index is full (approximate codes)')) this.refresh();
  }

  /** Fixes the statistics from the `n` rows that `unit(slot, out)` reads back, then codes them all. */
  start(n: number, unit: (slot: number, out: Float64Array) => void): void {
    const d = this.dim;
    const mu = new Float64Array(d);
    const sq = new Float64Array(d);
    const u = new Float64Array(d);
    const stride = Math.max(1, Math.floor(n / STATS_SAMPLE));
    let m = 0;
    for (let i = 0; i < n; i += stride, m++) {
      unit(i, u);
      for (let j = 0; j < d; j++) {
        mu[j] = mu[j]! + u[j]!;
        sq[j] = sq[j]! + u[j]! * u[j]!;
      }
    }
    const sd = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      mu[j] = mu[j]! / m;
      sd[j] = Math.sqrt(Math.max(0, sq[j]! / m - mu[j]! * mu[j]!));
    }
    this.mu = mu;
    this.sd = sd;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      unit(i, u);
      this.write(i, u, 1);
    }
  }

  /** Codes row `slot` from its vector `v` times `scale` (1/|v| gives the unit vector). */
  write(slot: number, v: ArrayLike<number>, scale: number): void {
    const { mu, sd, unpacked } = this;
    if (!mu || !sd) return;
    for (let j = 0; j < this.dim; j++) {
      const z = v[j]! * scale - mu[j]!;
      const s = sd[j]!;
      unpacked[j] = z < -s ? 0 : z < 0 ? 1 : z < s ? 2 : 3;
    }
    this.reserve(slot + 1);
    const c = unpacked;
    let p = this.codesOff + (slot >> 4) * this.blockBytes + (slot & 15);
    for (let v4 = 0; v4 < this.vecs; v4++, p += 16) {
      const j = 4 * v4;
      this.u8[p] = c[j]! | (c[j + 1]! << 2) | (c[j + 2]! << 4) | (c[j + 3]! << 6);
    }
  }

  move(from: number, to: number): void {
    if (!this.ready) return;
    let a = this.codesOff + (from >> 4) * this.blockBytes + (from & 15);
    let b = this.codesOff + (to >> 4) * this.blockBytes + (to & 15);
    for (let v = 0; v < this.vecs; v++, a += 16, b += 16) this.u8[b] = this.u8[a]!;
  }

  /** Forgets the statistics (the next `start` fixes new ones); memory is kept. */
  reset(): void {
    this.mu = undefined;
    this.sd = undefined;
  }

  /**
   * Turns the unit query `uq` into the kernel's tables. A row's approximate cosine is then
   * `base + scale · s` with `s` from `scan`.
   */
  setQuery(uq: ArrayLike<number>): { base: number; scale: number } {
    const { mu, sd, lut } = this;
    if (!mu || !sd) throw new VigilError('INTERNAL', 'approximate codes are not started');
    const d = this.dim;
    const w = (j: number) => (j < d ? uq[j]! * sd[j]! : 0);
    let base = 0;
    for (let j = 0; j < d; j++) base += uq[j]! * mu[j]! - 1.5 * w(j);
    // Table t covers dims 2t and 2t + 1: entry c0 + 4·c1 = w0·c0 + w1·c1, centred on its mid-range.
    const tables = this.vecs * 2;
    let half = 0;
    for (let t = 0; t < tables; t++)
      half = Math.max(half, 1.5 * (Math.abs(w(2 * t)) + Math.abs(w(2 * t + 1))));
    const s = half > 0 ? LUT_MAX / half : 1;
    for (let t = 0; t < tables; t++) {
      const w0 = w(2 * t);
      const w1 = w(2 * t + 1);
      const mid = 1.5 * (w0 + w1);
      base += mid;
      for (let c = 0; c < 16; c++) lut[16 * t + c] = Math.round((w0 * (c & 3) + w1 * (c >> 2) - mid) * s);
    }
    new Int8Array(this.kernel.memory.buffer, this.lutOff, lut.length).set(lut);
    return { base, scale: 1 / s };
  }

  /** Table sums of rows [16·firstBlock, …) for `blocks` blocks (≤ BATCH / 16); valid until the next call. */
  scan(firstBlock: number, blocks: number): Int32Array {
    this.kernel.scanU4(
      this.lutOff,
      this.codesOff + firstBlock * this.blockBytes,
      blocks,
      this.vecs,
      this.outOff,
    );
    return this.out;
  }
}
