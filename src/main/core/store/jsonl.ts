import { open, readFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { VigilError } from '../../../shared/errors';
import { replaceFileDurably } from './files';

/**
 * An append-only JSON-lines file: each change is one small append, however large the file, and
 * a compaction rewrites it (temp file + rename) with only the lines still needed. Hand-written:
 * lowdb rewrites the whole document on every change, which is what this avoids.
 */
export class JsonLinesFile {
  private fh: FileHandle | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  /** Lines in the file, superseded ones included (what compaction would drop). */
  lines = 0;
  /** The file's length before an append that failed and could not be cut off yet. */
  private cutTo: number | null = null;

  constructor(readonly file: string) {}

  /**
   * Calls `each` with every line's value, in order. A torn last line (a crash mid-append: the
   * start of a record, or zeros after the records, with no newline after it) is dropped and
   * reported as `torn`; damage anywhere else, a complete last line included, is STORE_CORRUPT,
   * the file untouched.
   * `each` may throw STORE_CORRUPT itself for a value that does not match its schema.
   */
  async read(each: (value: unknown, lineNo: number, line: string) => void): Promise<{ torn: boolean }> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const lines = text.split('\n');
    let torn = false;
    let read = 0;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // Only the text after the last newline can be half an append: the start of a record,
        // or the zeros a crash can leave after the last one written. Anything else there (a
        // file of zeros or garbage) is damage, reported, not cut off as if it were a torn line.
        const half = line.startsWith('{') && !line.includes('\0');
        const zerosAfterRecords = read > 0 && /^\0+$/.test(line);
        if (i === lines.length - 1 && (half || zerosAfterRecords)) {
          torn = true;
          return;
        }
        throw this.corrupt(i + 1, 'is damaged');
      }
      read++;
      each(value, i + 1, line);
      this.lines++;
    });
    return { torn };
  }

  /** Whether most lines are superseded, with `live` entries left: worth a compaction on open. */
  mostlySuperseded(live: number): boolean {
    return this.lines > 2 * live + 1000;
  }

  corrupt(lineNo: number, what: string): VigilError {
    return new VigilError(
      'STORE_CORRUPT',
      `${basename(this.file)} line ${lineNo} ${what}; the file was left untouched`,
      { file: this.file, line: lineNo },
    );
  }

  /**
   * Appends lines, one write at a time in call order. A write that fails part-way (disk full)
   * leaves half a line, and the next append glued onto it would make the file unreadable for
   * good: the file is cut back to where the failed append began, before any later append.
   */
  append(...lines: string[]): Promise<void> {
    const run = this.tail.then(async () => {
      this.fh ??= await open(this.file, 'a');
      if (this.cutTo !== null) {
        await this.fh.truncate(this.cutTo);
        this.cutTo = null;
      }
      const { size } = await this.fh.stat();
      try {
        await this.fh.appendFile(lines.map((l) => l + '\n').join(''));
      } catch (err) {
        this.cutTo = size;
        await this.fh.truncate(size).then(
          () => (this.cutTo = null),
          () => undefined, // tried again by the next append
        );
        throw err;
      }
      this.lines += lines.length;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Replaces the whole file with `lines` (atomic and durable), after any pending append. */
  rewrite(lines: string[]): Promise<void> {
    const run = this.tail.then(async () => {
      await this.fh?.close();
      this.fh = null;
      // Emptied, it keeps one newline: zero bytes is how a lost file looks (store.ts).
      await replaceFileDurably(this.file, lines.join('\n') + '\n');
      this.lines = lines.length;
      this.cutTo = null;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.fh?.close();
    this.fh = null;
  }
}
