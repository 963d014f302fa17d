import { copyFile, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { readTextIfThere, replaceFileDurably } from './files';

export interface DocSpec<S extends z.ZodType<{ version: number }>> {
  file: string;
  schema: S;
  version: number;
  initial: () => z.output<S>;
  /** migrations[n] turns a version-n document into version n+1. */
  migrations?: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>;
}

/** The document in `raw` and its schema version: STORE_CORRUPT or STORE_VERSION when unusable. */
function versioned(
  spec: DocSpec<z.ZodType<{ version: number }>>,
  raw: string,
): { doc: Record<string, unknown>; version: number } {
  const name = basename(spec.file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new VigilError('STORE_CORRUPT', `${name} is not valid JSON; it was left untouched`, {
      file: spec.file,
      reason: (err as Error).message,
    });
  }
  const doc = parsed as Record<string, unknown>;
  const version = typeof doc?.version === 'number' ? doc.version : NaN;
  if (!Number.isInteger(version)) {
    throw new VigilError('STORE_CORRUPT', `${name} has no schema version; it was left untouched`, {
      file: spec.file,
    });
  }
  if (version > spec.version) {
    throw new VigilError(
      'STORE_VERSION',
      `${name} was written by a newer Vigil (schema ${version} > ${spec.version})`,
      {
        file: spec.file,
      },
    );
  }
  return { doc, version };
}

/** A version-`version` document brought to the current version, in memory (the steps are pure). */
function migrated(
  spec: DocSpec<z.ZodType<{ version: number }>>,
  doc: Record<string, unknown>,
  version: number,
): Record<string, unknown> {
  for (let v = version; v < spec.version; v++) {
    const step = spec.migrations?.[v];
    if (!step)
      throw new VigilError('STORE_VERSION', `${basename(spec.file)}: no migration from schema ${v}`, {
        file: spec.file,
      });
    doc = { ...step(doc), version: v + 1 };
  }
  return doc;
}

/** The current version's document checked against its schema: STORE_CORRUPT when it does not match. */
function validated<S extends z.ZodType<{ version: number }>>(
  spec: DocSpec<S>,
  doc: Record<string, unknown>,
): z.output<S> {
  const result = spec.schema.safeParse(doc);
  if (!result.success) {
    throw new VigilError(
      'STORE_CORRUPT',
      `${basename(spec.file)} does not match its schema; it was left untouched`,
      {
        file: spec.file,
        issues: result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
      },
    );
  }
  return result.data;
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
    const raw = await readTextIfThere(this.spec.file);
    if (raw === null) return null;
    const { doc, version } = versioned(this.spec, raw);
    // Keep the original before changing anything.
    if (version < this.spec.version) await copyFile(this.spec.file, `${this.spec.file}.v${version}.bak`);
    const data = validated(this.spec, migrated(this.spec, doc, version));
    if (version < this.spec.version) await this.write(data);
    return data;
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

/**
 * The document as it is on disk, for a reader that does not own the data folder (no lock):
 * validated, and an older version migrated in memory only; nothing is written (no backup, no
 * migrated document). null when the file does not exist. One read of one file, which writers
 * replace by rename (replaceFileDurably): the whole old document or the whole new one.
 */
export async function readJsonDoc<S extends z.ZodType<{ version: number }>>(
  spec: DocSpec<S>,
): Promise<z.output<S> | null> {
  const raw = await readTextIfThere(spec.file);
  if (raw === null) return null;
  const { doc, version } = versioned(spec, raw);
  return validated(spec, migrated(spec, doc, version));
}

/** For tests and diagnostics: the document as it is on disk right now. */
export async function readRaw(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}
