import { readSync } from 'node:fs';
import { VigilError } from '../../../shared/errors';
import type { VectorReader } from './types';

/** EmbeddingFile's layout (store/embeddings.ts): a 16-byte header, then float32 rows. */
const HEADER_BYTES = 16;

/**
 * Reads re-rank rows straight from an open embeddings file, so a large index keeps only its 1-byte
 * codes in memory. A search reads ~k + 32 rows (plus near-ties), which the page cache serves.
 */
export class EmbeddingRowReader implements VectorReader {
  constructor(
    private readonly fd: number,
    private readonly dim: number,
    private readonly rowOf: (id: string) => number | undefined,
  ) {}

  read(id: string, out: Float32Array): void {
    const row = this.rowOf(id);
    if (row === undefined) throw new VigilError('NOT_FOUND', `no embedding row for ${id}`);
    const bytes = this.dim * 4;
    const view = new Uint8Array(out.buffer, out.byteOffset, bytes);
    const got = readSync(this.fd, view, 0, bytes, HEADER_BYTES + row * bytes);
    if (got !== bytes) throw new VigilError('STORE_CORRUPT', `embedding row ${row} is truncated`);
  }
}
