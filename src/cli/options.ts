import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { z, type ZodType } from 'zod';
import { enrollInputSchema } from '../shared/watchlist-schemas';
import { defaultEngineWorkers, MAX_ENGINE_WORKERS } from '../main/core/engine/engine';
import { CliFailure } from './output';

/** The two options every command takes (they are global too; repeating them lets them follow the command). */
export function withDataJson(cmd: Command): Command {
  return cmd.option('--data <dir>', 'data directory').option('--json', 'print one JSON document on stdout');
}

/** The CLI's links to a data dir's media: `file://` URLs (there is no server to serve them). */
export const fileMediaUrl = (dataDir: string) => (key: string) =>
  pathToFileURL(join(dataDir, 'media', key)).href;

/** `--jobs N` for a batch command: files worked on at once, each on its own engine worker. */
export function withJobs(cmd: Command): Command {
  return cmd.option(
    '--jobs <n>',
    'photos worked on at once, each on its own engine worker (about 1.2 GB more memory each when blurring 12-MP photos; default: one per core, up to 2, or VIGIL_ENGINE_WORKERS)',
  );
}

const JOBS_SCHEMA = z.number().int().min(1).max(MAX_ENGINE_WORKERS);

/** Engine workers for a batch of `files`: --jobs checked before anything runs, never more than files. */
export function jobsFor(raw: unknown, files: number): number {
  // The default is always in range (one per core, capped).
  const jobs =
    raw === undefined
      ? defaultEngineWorkers()
      : numberOption('jobs', String(raw), JOBS_SCHEMA, `a whole number from 1 to ${MAX_ENGINE_WORKERS}`);
  return Math.max(1, Math.min(jobs, files));
}

/** A bad option or argument: BAD_INPUT, exit 2 (nothing done), on every command alike. */
export function usageError(message: string): CliFailure {
  return new CliFailure({ code: 'BAD_INPUT', message }, 2);
}

/**
 * An option's value checked against the schema of the channel it goes to, before anything runs:
 * a mistake fails as bad usage (exit 2) naming the option and what it must be, rather than as
 * the channel's "Invalid input" after the data is opened.
 */
export function checkedOption<T>(name: string, value: unknown, schema: ZodType<T>, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw usageError(`--${name} must be ${what}, got ${JSON.stringify(value)}`);
  return parsed.data;
}

/**
 * A numeric option checked before any file is touched, against its schema: a typo fails the
 * command (exit 2, saying the range), not every file. Absent: undefined.
 */
export function numberOption(name: string, raw: string, schema: ZodType<number>, range: string): number;
export function numberOption(
  name: string,
  raw: unknown,
  schema: ZodType<number>,
  range: string,
): number | undefined;
export function numberOption(
  name: string,
  raw: unknown,
  schema: ZodType<number>,
  range: string,
): number | undefined {
  if (raw === undefined) return undefined;
  // Plain decimals only: Number() also reads '' as 0, '0x10' as 16 and '1e2' as 100.
  const decimal = typeof raw !== 'string' || /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(raw);
  const parsed = schema.safeParse(decimal ? Number(raw) : NaN);
  if (!parsed.success) throw usageError(`--${name} must be ${range}, got ${String(raw)}`);
  return parsed.data;
}

/** `--face N`: which face of a photo, as the enrol and search channels take it. */
export const faceIndexOption = (raw: string): number =>
  numberOption(
    'face',
    raw,
    enrollInputSchema.shape.faceIndex.unwrap(),
    'a whole number from 0 (0 = the largest face)',
  );
