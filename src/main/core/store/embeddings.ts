import { open, stat, type FileHandle } from 'node:fs/promises';
import { VigilError } from '../../../shared/errors';

const MAGIC = 'VGEMB001';
const HEADER = 16;

/** How many rows a list of faces needs its vector file to hold: its highest row + 1. */
export function rowsPointedAt(faces: Iterable<{ row: number }>): number {
  let needed = 0;
  for (const f of faces) needed = Math.max(needed, f.row + 1);
  return needed;
}

/**
 * Fixed-size float32 vectors in one binary file: a 16-byte header (magic, dimension), then one
 * record per row. Appends are serialised and synced; a torn last record (crash mid-append) is
 * cut off on open, since no JSON record can point at it yet.
 */
export class EmbeddingFile {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
    readonly dim: number,
    private rowCount: number,
  ) {}

  /** The file's header: magic and dimension (rows follow it). */
  static header(dim: number): Buffer {
    const header = Buffer.alloc(HEADER);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(dim, 8);
    return header;
  }

  /**
   * `needed`: how many rows the documents point at (highest row + 1). A file missing, empty or
   * shorter than that has lost rows, and the next append would reuse a row an old face still
   * points to: STORE_CORRUPT, the file untouched.
   */
  static async open(file: string, dim: number, needed = 0): Promise<EmbeddingFile> {
    await refuseLostRows(file, dim, needed);
    // 'r+' (not 'a+'): on Linux O_APPEND ignores write offsets, so a failed partial write would
    // shift every later row. Create the file first when it is new.
    await open(file, 'wx').then(
      (f) => f.close(),
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      },
    );
    const fh = await open(file, 'r+');
    try {
      const { size } = await fh.stat();
      if (size === 0) {
        await fh.write(EmbeddingFile.header(dim), 0, HEADER, 0);
        await fh.datasync();
        return new EmbeddingFile(fh, file, dim, 0);
      }
      await checkHeader(fh, size, file, dim);
      const record = dim * 4;
      const rows = Math.floor((size - HEADER) / record);
      if (HEADER + rows * record !== size) await fh.truncate(HEADER + rows * record);
      return new EmbeddingFile(fh, file, dim, rows);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Whole rows the file holds by its size (0 when it is missing), without opening it. */
  static async rowsIn(file: string, dim: number): Promise<number> {
    const size = await stat(file).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return 0;
        throw err;
      },
    );
    return Math.max(0, Math.floor((size - HEADER) / (dim * 4)));
  }

  /**
   * What open() checks, for a reader that does not own the data folder: the file holds the
   * `needed` rows and is a Vigil embedding file of `dim`, with the same errors; it is opened for
   * reading only, and nothing is created, repaired or written. A file missing or empty holds no
   * rows (open() would write its header). Rows are only ever appended or zeroed in place, and
   * descriptors are appended before a document points at them: checked after that document was
   * read, the rows it points at are there.
   */
  static async check(file: string, dim: number, needed = 0): Promise<void> {
    await refuseLostRows(file, dim, needed);
    const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!fh) return;
    try {
      const { size } = await fh.stat();
      if (size > 0) await checkHeader(fh, size, file, dim);
    } finally {
      await fh.close();
    }
  }

  get rows(): number {
    return this.rowCount;
  }

  /** Appends vectors and returns the row of the first one. */
  append(vectors: Float32Array[]): Promise<number> {
    return this.serial(async () => {
      for (const v of vectors) {
        if (v.length !== this.dim)
          throw new VigilError('BAD_INPUT', `vector has ${v.length} values, expected ${this.dim}`);
      }
      const first = this.rowCount;
      const buf = Buffer.alloc(vectors.length * this.dim * 4);
      vectors.forEach((v, i) =>
        Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, i * this.dim * 4),
      );
      await this.fh.write(buf, 0, buf.length, HEADER + first * this.dim * 4);
      await this.fh.datasync();
      this.rowCount += vectors.length;
      return first;
    });
  }

  /**
   * Overwrites the rows with zeros, synced once: a deleted face's descriptor must not stay
   * readable on disk. The rows stay (rows are addressed by number); nothing points at them.
   */
  erase(...rows: number[]): Promise<void> {
    return this.serial(async () => {
      rows.forEach((row) => this.checkRow(row));
      if (rows.length === 0) return;
      const zeros = Buffer.alloc(this.dim * 4);
      for (const row of rows) await this.fh.write(zeros, 0, zeros.length, HEADER + row * this.dim * 4);
      await this.fh.datasync();
    });
  }

  /** Runs writes one after another; a failed one does not stop those queued behind it. */
  private serial<T>(write: () => Promise<T>): Promise<T> {
    const run = this.tail.then(write);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.rowCount)
      throw new VigilError('NOT_FOUND', `no embedding row ${row}`);
  }

  async read(row: number): Promise<Float32Array> {
    this.checkRow(row);
    const buf = Buffer.alloc(this.dim * 4);
    await this.fh.read(buf, 0, buf.length, HEADER + row * this.dim * 4);
    return new Float32Array(buf.buffer, buf.byteOffset, this.dim);
  }

  /** Every row at once (index building at start), in one read. */
  async readAll(): Promise<Float32Array> {
    await this.tail;
    const buf = Buffer.alloc(this.rowCount * this.dim * 4);
    if (buf.length) await this.fh.read(buf, 0, buf.length, HEADER);
    return new Float32Array(buf.buffer, buf.byteOffset, this.rowCount * this.dim);
  }

  async close(): Promise<void> {
    await this.tail;
    await this.fh.close();
  }
}

/**
 * `needed`: how many rows the documents point at (highest row + 1). A file missing, empty or
 * shorter than that has lost rows: STORE_CORRUPT, the file untouched.
 */
async function refuseLostRows(file: string, dim: number, needed: number): Promise<void> {
  if (needed <= 0) return;
  const rows = await EmbeddingFile.rowsIn(file, dim);
  if (rows >= needed) return;
  const missing = !(await stat(file).then(
    () => true,
    () => false,
  ));
  const plural = needed === 1 ? '' : 's';
  throw new VigilError(
    'STORE_CORRUPT',
    missing
      ? `${file} is missing, yet its list points at ${needed} face descriptor${plural}; nothing was changed`
      : `${file} holds ${rows} of the ${needed} face descriptor${plural} its list points at; it was left untouched`,
    { file, rows, needed },
  );
}

/** The header of a non-empty file of `size` bytes: a Vigil embedding file of `dim`, or an error. */
async function checkHeader(fh: FileHandle, size: number, file: string, dim: number): Promise<void> {
  const header = Buffer.alloc(HEADER);
  await fh.read(header, 0, HEADER, 0);
  if (size < HEADER || header.toString('latin1', 0, 8) !== MAGIC) {
    throw new VigilError('STORE_CORRUPT', `${file} is not a Vigil embedding file; it was left untouched`, {
      file,
    });
  }
  const fileDim = header.readUInt32LE(8);
  if (fileDim !== dim) {
    throw new VigilError('STORE_VERSION', `${file} holds ${fileDim}-d vectors, expected ${dim}`, {
      file,
    });
  }
}
