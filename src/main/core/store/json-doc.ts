import { copyFile, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { replaceFileDurably } from './files';

export interface DocSpec<S extends z.ZodType<{ version: number }>> {
  file: string;
  schema: S;
  version: number;
  initial: () => z.output<S>;
  /** migrations[n] turns a version-n document into version n+1. */
  migrations?: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>;
}

/**
 * lowdb adapter that validates on read and writes atomically and durably, one write at a time
 * (lowdb's own TextFile renames without syncing: a power cut could leave an empty document).
 * A corrupt or unknown document is an error, never a silent reset.
 */
class ValidatedJsonFile<S extends z.ZodType<{ version: number }>> implements Adapter<z.output<S>> {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly spec: DocSpec<S>) {}

  async read(): Promise<z.output<S> | null> {
    const raw = await readFile(this.spec.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (raw === null) return null;
    const name = basename(this.spec.file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new VigilError('STORE_CORRUPT', `${name} is not valid JSON; it was left untouched`, {
        file: this.spec.file,
        reason: (err as Error).message,
      });
    }
    let doc = parsed as Record<string, unknown>;
    const version = typeof doc?.version === 'number' ? doc.version : NaN;
    if (!Number.isInteger(version)) {
      throw new VigilError('STORE_CORRUPT', `${name} has no schema version; it was left untouched`, {
        file: this.spec.file,
      });
    }
    if (version > this.spec.version) {
      throw new VigilError(
        'STORE_VERSION',
        `${name} was written by a newer Vigil (schema ${version} > ${this.spec.version})`,
        {
          file: this.spec.file,
        },
      );
    }
    if (version < this.spec.version) {
      // Keep the original before changing anything.
      await copyFile(this.spec.file, `${this.spec.file}.v${version}.bak`);
      for (let v = version; v < this.spec.version; v++) {
        const step = this.spec.migrations?.[v];
        if (!step)
          throw new VigilError('STORE_VERSION', `${name}: no migration from schema ${v}`, {
            file: this.spec.file,
          });
        doc = { ...step(doc), version: v + 1 };
      }
    }
    const result = this.spec.schema.safeParse(doc);
    if (!result.success) {
      throw new VigilError('STORE_CORRUPT', `${name} does not match its schema; it was left untouched`, {
        file: this.spec.file,
        issues: result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    if (version < this.spec.version) await this.write(result.data);
    return result.data;
  }

  write(data: z.output<S>): Promise<void> {
    const text = JSON.stringify(data);
    const run = this.writes.then(() => replaceFileDurably(this.spec.file, text));
    this.writes = run.catch(() => undefined);
    return run;
  }
}

/**
 * lowdb changes `data` in memory first, then writes. When the write fails (a full disk), the
 * change that was reported as failed stayed in memory, and the next write of anything saved it
 * after all: a retry then made a duplicate. A failed write puts back what is on disk (the write
 * is atomic, so that is the last document saved). Changes are serialised by their callers.
 */
class RollbackLow<T> extends Low<T> {
  override async write(): Promise<void> {
    try {
      await super.write();
    } catch (err) {
      await this.read().catch(() => undefined);
      throw err;
    }
  }
}

export type JsonDoc<T> = Low<T>;

export async function openJsonDoc<S extends z.ZodType<{ version: number }>>(
  spec: DocSpec<S>,
): Promise<JsonDoc<z.output<S>>> {
  const db = new RollbackLow<z.output<S>>(new ValidatedJsonFile(spec), spec.initial());
  await db.read();
  return db;
}

/** For tests and diagnostics: the document as it is on disk right now. */
export async function readRaw(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}
