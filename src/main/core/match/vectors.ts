import type { VectorReader } from './types';

/** 1024 rows of 1024-d = 4 MiB per chunk: growth never copies what is already stored. */
const CHUNK_ROWS = 1024;

/** The raw float32 vectors, in memory (chunked) or behind a VectorReader. */
export class FloatRows {
  readonly chunks: Float32Array[] = [];
  private readonly scratch: Float32Array;

  constructor(
    readonly dim: number,
    private readonly reader?: VectorReader,
  ) {
    this.scratch = new Float32Array(dim);
  }

  get inMemory(): boolean {
    return !this.reader;
  }

  get rowsPerChunk(): number {
    return CHUNK_ROWS;
  }

  get byteLength(): number {
    return this.chunks.length * CHUNK_ROWS * this.dim * 4;
  }

  reserve(rows: number): void {
    if (this.reader) return;
    while (this.chunks.length * CHUNK_ROWS < rows) this.chunks.push(new Float32Array(CHUNK_ROWS * this.dim));
  }

  /** Releases whole chunks past `rows` (after removals). */
  trim(rows: number): void {
    while (this.chunks.length > 0 && (this.chunks.length - 1) * CHUNK_ROWS >= rows + CHUNK_ROWS)
      this.chunks.pop();
  }

  write(slot: number, v: Float32Array): void {
    if (this.reader) return;
    this.chunks[Math.floor(slot / CHUNK_ROWS)]!.set(v, (slot % CHUNK_ROWS) * this.dim);
  }

  move(from: number, to: number): void {
    if (this.reader) return;
    this.write(to, this.row(from, ''));
  }

  /** The vector in `slot`; with a reader, a scratch array overwritten by the next call. */
  row(slot: number, id: string): Float32Array {
    if (this.reader) {
      this.reader.read(id, this.scratch);
      return this.scratch;
    }
    const off = (slot % CHUNK_ROWS) * this.dim;
    return this.chunks[Math.floor(slot / CHUNK_ROWS)]!.subarray(off, off + this.dim);
  }
}
