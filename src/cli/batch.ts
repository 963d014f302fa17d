import { basename } from 'node:path';
import pLimit from 'p-limit';
import { toErrorShape, type ErrorShape } from '../shared/errors';
import { expandInputs } from './files';
import { jobsFor } from './options';
import { CliFailure, printJson } from './output';
import { progressBar } from './progress';

/** A batch command's image files (folders expanded) and its engine workers; none found is an error. */
export async function imageBatch(
  inputs: string[],
  jobs: unknown,
): Promise<{ files: string[]; workers: number }> {
  const files = await expandInputs(inputs);
  if (files.length === 0)
    throw new CliFailure({ code: 'BAD_INPUT', message: 'No image files found in the given paths' });
  return { files, workers: jobsFor(jobs, files.length) };
}

/** A file's result in a batch, or why it failed. */
export type PerFileResult<T> = T | { file: string; error: ErrorShape };

export interface BatchOptions<T> {
  /** Prints one file's result without --json. */
  human?: (r: T) => void;
  fatal?: (shape: ErrorShape) => boolean;
  jobs?: number;
}

/**
 * One call per file, up to `jobs` at once (each engine worker takes one), with a progress bar,
 * past failures to the end (each also said on stderr without --json); results, and the lines
 * printed without --json, in input order,
 * `errors[i]` set where file `i` failed. `fatal` errors (bad options) stop the batch instead of
 * being counted per file: no file starts after one, and it throws once those in flight finish.
 */
export async function eachFile<T>(
  files: string[],
  label: string,
  json: boolean,
  /** `index` is the file's place in `files` (results kept beside them stay in input order). */
  run: (file: string, index: number) => Promise<T>,
  { human, fatal = () => false, jobs = 1 }: BatchOptions<T> = {},
): Promise<{ results: PerFileResult<T>[]; errors: (ErrorShape | undefined)[] }> {
  const bar = progressBar(files.length, label);
  const results: PerFileResult<T>[] = new Array(files.length);
  const errors: (ErrorShape | undefined)[] = new Array(files.length);
  let stop: CliFailure | null = null;
  const limit = pLimit(Math.max(1, jobs));
  // Without --json each file's line is printed in input order, as soon as those before it are done.
  let printed = 0;
  const printReady = () => {
    for (; printed < files.length && results[printed] !== undefined; printed++) {
      if (json) continue;
      const e = errors[printed];
      if (e) process.stderr.write(`vigil: ${files[printed]}: ${e.code}: ${e.message}\n`);
      else human?.(results[printed] as T);
    }
  };
  try {
    await Promise.all(
      files.map((file, i) =>
        limit(async () => {
          if (stop) return;
          try {
            results[i] = await run(file, i);
          } catch (err) {
            const shape = err instanceof CliFailure ? err.shape : toErrorShape(err);
            if (fatal(shape)) {
              stop ??= new CliFailure(shape, 2);
              return;
            }
            errors[i] = shape;
            results[i] = { file, error: shape };
          }
          printReady();
          bar.tick(basename(file));
        }),
      ),
    );
  } finally {
    bar.stop();
  }
  if (stop) throw stop;
  return { results, errors };
}

/**
 * A batch command's whole run (`eachFile`), then `{ results }` in input order (or
 * `{ code, message, results }` when some failed) with --json, and exit 1 on any failure.
 */
export async function perFile<T>(
  files: string[],
  label: string,
  json: boolean,
  run: (file: string, index: number) => Promise<T>,
  human: (r: T) => void,
  options: Omit<BatchOptions<T>, 'human'> = {},
): Promise<void> {
  const { results, errors } = await eachFile(files, label, json, run, { ...options, human });
  const failures = errors.filter((e) => e !== undefined);
  if (json) {
    printJson(
      failures.length
        ? {
            code: failures[0]!.code,
            message: `${failures.length} of ${results.length} files failed`,
            results,
          }
        : { results },
    );
  }
  if (failures.length) process.exitCode = 1;
}
