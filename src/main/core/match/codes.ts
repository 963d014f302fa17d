import { VigilError } from '../../../shared/errors';
import { dotsU8Js, type WasmDots } from './kernels';

/** Rows scanned per kernel call: the dots buffer stays small and the codes never move. */
export const BATCH = 16384;
const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB

export const align = (x: number, a: number) => Math.ceil(x / a) * a;

/**
 * Grows a kernel's memory to hold `need` bytes, by a quarter at least (fewer grow calls while an
 * index is built row by row). False when nothing had to grow; views on the old buffer are
 * detached when it returns true. `full` says what is full when 4 GiB is not enough.
 */
export function growMemory(memory: WasmDots['memory'], need: number, full: () => string): boolean {
  const have = memory.buffer.byteLength;
  if (need <= have) return false;
  const havePages = have / PAGE;
  const pages = Math.min(MAX_PAGES, Math.max(Math.ceil(need / PAGE), Math.ceil(havePages * 1.25)));
  if (pages * PAGE < need) throw new VigilError('INTERNAL', full());
  memory.grow(pages - havePages);
  return true;
}

/** uint8 codes of every row, contiguous, plus the query and a dots buffer for one batch. */
export interface CodeStore {
  readonly kind: 'wasm-simd' | 'js';
  readonly byteLength: number;
  reserve(rows: number): void;
  write(slot: number, codes: Uint8Array): void;
  move(from: number, to: number): void;
  setQuery(q: Int16Array): void;
  /** The stored codes of `slot` (a view, valid until the store grows). */
  row(slot: number): Uint8Array;
  /** Dots of the query with rows [first, first + n), n ≤ BATCH; valid until the next call. */
  dots(first: number, n: number): Int32Array;
}

export class WasmCodeStore implements CodeStore {
  readonly kind = 'wasm-simd';
  private readonly qOff = 0;
  private readonly outOff: number;
  private readonly codesOff: number;
  private u8: Uint8Array;
  private out: Int32Array;

  constructor(
    private readonly kernel: WasmDots,
    private readonly rowBytes: number,
  ) {
    this.outOff = align(rowBytes * 2, 64);
    this.codesOff = align(this.outOff + BATCH * 4, 64);
    this.u8 = new Uint8Array(0);
    this.out = new Int32Array(0);
    this.reserve(0);
    this.refresh();
  }

  /** Growing detaches the old buffer: views must be made again. */
  private refresh(): void {
    this.u8 = new Uint8Array(this.kernel.memory.buffer);
    this.out = new Int32Array(this.kernel.memory.buffer, this.outOff, BATCH);
  }

  get byteLength(): number {
    return this.kernel.memory.buffer.byteLength;
  }

  reserve(rows: number): void {
    const full = () =>
      `face index is full: at most ${Math.floor((MAX_PAGES * PAGE - this.codesOff) / this.rowBytes)} rows`;
    if (growMemory(this.kernel.memory, this.codesOff + rows * this.rowBytes, full)) this.refresh();
  }

  write(slot: number, codes: Uint8Array): void {
    this.u8.set(codes, this.codesOff + slot * this.rowBytes);
  }

  move(from: number, to: number): void {
    const src = this.codesOff + from * this.rowBytes;
    this.u8.copyWithin(this.codesOff + to * this.rowBytes, src, src + this.rowBytes);
  }

  setQuery(q: Int16Array): void {
    new Int16Array(this.kernel.memory.buffer, this.qOff, q.length).set(q);
  }

  row(slot: number): Uint8Array {
    const off = this.codesOff + slot * this.rowBytes;
    return this.u8.subarray(off, off + this.rowBytes);
  }

  dots(first: number, n: number): Int32Array {
    this.kernel.dotsU8(this.qOff, this.codesOff + first * this.rowBytes, n, this.rowBytes, this.outOff);
    return this.out;
  }
}

export class JsCodeStore implements CodeStore {
  readonly kind = 'js';
  private codes = new Uint8Array(0);
  private q: Int16Array;
  private readonly out = new Int32Array(BATCH);

  constructor(private readonly rowBytes: number) {
    this.q = new Int16Array(rowBytes);
  }

  get byteLength(): number {
    return this.codes.byteLength;
  }

  reserve(rows: number): void {
    if (rows * this.rowBytes <= this.codes.length) return;
    const next = new Uint8Array(
      Math.max(rows, Math.ceil((this.codes.length / this.rowBytes) * 1.5)) * this.rowBytes,
    );
    next.set(this.codes);
    this.codes = next;
  }

  write(slot: number, codes: Uint8Array): void {
    this.codes.set(codes, slot * this.rowBytes);
  }

  move(from: number, to: number): void {
    const src = from * this.rowBytes;
    this.codes.copyWithin(to * this.rowBytes, src, src + this.rowBytes);
  }

  setQuery(q: Int16Array): void {
    this.q = q;
  }

  row(slot: number): Uint8Array {
    return this.codes.subarray(slot * this.rowBytes, (slot + 1) * this.rowBytes);
  }

  dots(first: number, n: number): Int32Array {
    dotsU8Js(this.q, this.codes, first, n, this.rowBytes, this.out);
    return this.out;
  }
}
