import { basename, resolve } from 'node:path';
import pLimit from 'p-limit';
import { toErrorShape, type ErrorShape } from '../shared/errors';
import { expandInputs } from './files';
import { jobsFor } from './options';
import { CliFailure, printedJson, printJson } from './output';
import { progressBar } from './progress';

/** A file of the inputs a batch leaves out, and why: listed in its --json document. */
export interface LeftOut {
  file: string;
  reason: string;
}

/** What this command's batch left out (one command per process). */
const leftOut: LeftOut[] = [];

/** Lists files in the batch's --json document as left out (they are said on stderr by the caller). */
export function noteLeftOut(files: Iterable<string>, reason: string): void {
  for (const file of files) leftOut.push({ file: resolve(file), reason });
}

/** A batch command's image files (folders expanded) and its engine workers; none found is an error. */
export async function imageBatch(
  inputs: string[],
  jobs: unknown,
): Promise<{ files: string[]; workers: number }> {
  const { files, skipped } = await expandInputs(inputs);
  noteLeftOut(skipped, 'not a photo by name, hidden, or a link to a folder');
  if (skipped.length) {
    const shown = skipped.slice(0, 3).map((f) => basename(f));
    process.stderr.write(
      `vigil: ${skipped.length} file${skipped.length === 1 ? '' : 's'} in the folders left out ` +
        `(not a photo by name, hidden, or a link to a folder): ${shown.join(', ')}${skipped.length > 3 ? ', …' : ''}\n`,
    );
  }
  if (files.length === 0)
    throw new CliFailure({ code: 'BAD_INPUT', message: 'No image files found in the given paths' });
  return { files, workers: jobsFor(jobs, files.length) };
}

/** A file's result in a batch, or why it failed. */
export type PerFileResult<T> = T | { file: string; error: ErrorShape };

/** Said of each file a cancelled batch did not start. */
const NOT_STARTED: ErrorShape = { code: 'CANCELLED', message: 'Not processed: the batch was cancelled' };

/** What --json prints when a second Ctrl+C stops a batch before its results are out. */
const STOPPED_NOW: ErrorShape = {
  code: 'CANCELLED',
  message: 'Stopped at once by a second Ctrl+C: the photos in progress were recorded as cancelled',
};

/** The signal that cancelled the running batch: its exit status is 128 + its number, as a shell's. */
let cancelledBy: NodeJS.Signals | null = null;
export const cancelStatus = () => (cancelledBy === 'SIGTERM' ? 143 : 130);

/** Run by a second Ctrl+C before the process exits: see `beforeStopNow`. */
const stopNowSteps = new Set<() => Promise<unknown>>();

/** Said of each file in progress when a second Ctrl+C stopped the batch. */
const STOPPED_IN_PROGRESS: ErrorShape = {
  code: 'CANCELLED',
  message: 'Stopped by a second Ctrl+C while in progress: its job was recorded as cancelled',
};

/**
 * The running batch's report for a second Ctrl+C: says what it has so far (the copies written
 * and their self-check warnings included) and returns the exit status.
 */
let stopNowReport: (() => number) | null = null;

/**
 * Has a second Ctrl+C run `step` before it exits (withCore: the jobs in progress are recorded as
 * cancelled); returns its removal.
 */
export function beforeStopNow(step: () => Promise<unknown>): () => void {
  stopNowSteps.add(step);
  return () => stopNowSteps.delete(step);
}

/** How long a second Ctrl+C waits for those steps (a few small appends) before exiting anyway. */
const STOP_NOW_WAIT_MS = 2000;

/**
 * Ctrl+C (or SIGTERM) during a batch: the first lets the photos in progress finish, so their
 * jobs are recorded as they ended, and starts no more; a second one stops at once, once the jobs
 * then in progress are recorded as cancelled (bounded: a stuck disk cannot keep it running).
 */
function interruptible(json: boolean): { readonly cancelled: boolean; release(): void } {
  const state = { cancelled: false, stopping: false };
  const onSignal = (signal: NodeJS.Signals) => {
    cancelledBy ??= signal;
    // More signals while stopping: the exit below comes within STOP_NOW_WAIT_MS anyway.
    if (state.stopping) return;
    if (state.cancelled) {
      state.stopping = true;
      process.stderr.write('\nvigil: stopping now: the photos in progress are recorded as cancelled\n');
      const steps = [...stopNowSteps].map((step) => step().catch(() => undefined));
      void Promise.race([
        Promise.all(steps),
        new Promise((resolve) => setTimeout(resolve, STOP_NOW_WAIT_MS)),
      ]).then(() => {
        // What the batch did so far is still said (a copy written with a face still detectable
        // must not go unreported); --json still ends with one document.
        const status = stopNowReport?.() ?? cancelStatus();
        if (json && !printedJson()) printJson(STOPPED_NOW);
        process.exit(status);
      });
      return;
    }
    state.cancelled = true;
    process.stderr.write(
      '\nvigil: cancelling: the photos in progress finish, no more start (Ctrl+C again to stop now)\n',
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get cancelled() {
      return state.cancelled;
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export interface BatchOptions<T> {
  /** Prints one file's result without --json. */
  human?: (r: T) => void;
  fatal?: (shape: ErrorShape) => boolean;
  jobs?: number;
  /**
   * A second Ctrl+C: reports the batch as it stands (files in progress carry a CANCELLED error)
   * and returns the exit status. Without --json, the finished files not yet printed are printed
   * first.
   */
  stopNow?: (results: PerFileResult<T>[], errors: (ErrorShape | undefined)[]) => number;
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
  { human, fatal = () => false, jobs = 1, stopNow }: BatchOptions<T> = {},
): Promise<{ results: PerFileResult<T>[]; errors: (ErrorShape | undefined)[] }> {
  const bar = progressBar(files.length, label);
  const results: PerFileResult<T>[] = new Array(files.length);
  const errors: (ErrorShape | undefined)[] = new Array(files.length);
  let stop: CliFailure | null = null;
  const limit = pLimit(Math.max(1, jobs));
  // Without --json each file's line is printed in input order, as soon as those before it are done.
  let printed = 0;
  const printOne = (i: number) => {
    const e = errors[i];
    // Files a cancel left out are counted once at the end, not listed.
    if (json || e === NOT_STARTED) return;
    if (e) process.stderr.write(`vigil: ${files[i]}: ${e.code}: ${e.message}\n`);
    else human?.(results[i] as T);
  };
  const printReady = () => {
    for (; printed < files.length && results[printed] !== undefined; printed++) printOne(printed);
  };
  const interrupt = interruptible(json);
  const started: boolean[] = new Array<boolean>(files.length).fill(false);
  stopNowReport = () => {
    bar.stop(); // gives the terminal its cursor back
    // Those finished after one still in progress, not printed yet: said now, or never.
    for (; printed < files.length; printed++) if (results[printed] !== undefined) printOne(printed);
    const cut = (i: number) => (started[i] ? STOPPED_IN_PROGRESS : NOT_STARTED);
    const now = files.map((file, i) => results[i] ?? { file, error: cut(i) });
    const why = files.map((_, i) => (results[i] === undefined ? cut(i) : errors[i]));
    return stopNow?.(now, why) ?? cancelStatus();
  };
  try {
    await Promise.all(
      files.map((file, i) =>
        limit(async () => {
          if (stop) return;
          if (interrupt.cancelled) {
            errors[i] = NOT_STARTED;
            results[i] = { file, error: NOT_STARTED };
            printReady();
            return;
          }
          started[i] = true;
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
    stopNowReport = null;
    interrupt.release();
    bar.stop();
  }
  if (stop) throw stop;
  return { results, errors };
}

/** Exit status of a batch with a warned result (blur: written, but a face is still detectable). */
export const EXIT_WARNED = 3;

/** A result produced but not to be trusted as is (blur's leaks), and the batch's line about them. */
export interface BatchWarning<T> {
  of: (r: T) => ErrorShape | undefined;
  summary: (count: number, total: number) => string;
}

/**
 * A batch command's whole run (`eachFile`), then `{ results }` in input order (or
 * `{ code, message, results }` when some failed or were warned) with --json, and exit 1 on any
 * failure. A `warning`'s result carries it as `warning: { code, message }` with --json, has it
 * said on stderr without (its result line stays on stdout), and makes the exit status
 * EXIT_WARNED, which wins over 130 (cancelled) and 1: a script that checks for 3 must not miss
 * a leak because another file failed.
 */
export async function perFile<T extends object>(
  files: string[],
  label: string,
  json: boolean,
  run: (file: string, index: number) => Promise<T>,
  human: (r: T) => void,
  options: Omit<BatchOptions<T>, 'human'> & {
    warning?: BatchWarning<T>;
    /**
     * Runs once the batch is over, before the JSON document is printed (an export of its
     * results): its failure joins that one document, and makes the exit status 1.
     */
    after?: () => Promise<void>;
  } = {},
): Promise<void> {
  const { warning, after, ...batch } = options;
  const printed = (r: T) => {
    human(r);
    const w = warning?.of(r);
    if (w) process.stderr.write(`vigil: ${w.code}: ${w.message}\n`);
  };
  const { results, errors } = await eachFile(files, label, json, run, {
    ...batch,
    human: printed,
    stopNow: (now, why) => batchReport(now, why, json, warning, null),
  });
  let afterError: ErrorShape | null = null;
  try {
    await after?.();
  } catch (err) {
    afterError = err instanceof CliFailure ? err.shape : toErrorShape(err);
    if (!json) process.stderr.write(`vigil: ${afterError.code}: ${afterError.message}\n`);
  }
  const status = batchReport(results, errors, json, warning, afterError);
  if (status) process.exitCode = status;
}

/**
 * Says how a batch went (the --json document, or the cancel line on stderr) and returns its exit
 * status: a leak written wins (a script must not publish it whatever else happened), then the
 * cancel's (`cancelStatus`: 130 for Ctrl+C, 143 for SIGTERM), then 1 for a failure.
 */
function batchReport<T extends object>(
  results: PerFileResult<T>[],
  errors: (ErrorShape | undefined)[],
  json: boolean,
  warning: BatchWarning<T> | undefined,
  afterError: ErrorShape | null,
): number {
  const notDone = (e: ErrorShape | undefined) => e === NOT_STARTED || e === STOPPED_IN_PROGRESS;
  const failures = errors.filter((e) => e !== undefined && !notDone(e));
  const notProcessed = errors.filter(notDone).length;
  const cancelled = notProcessed
    ? `Cancelled: ${notProcessed} of ${results.length} files were not processed`
    : null;
  if (cancelled && !json) process.stderr.write(`vigil: ${cancelled}\n`);
  const warned = results.map((r, i) => (errors[i] ? undefined : warning?.of(r as T)));
  const warnings = warned.filter((w) => w !== undefined);
  if (json) {
    const said = [
      ...(afterError ? [afterError.message] : []),
      ...(warnings.length ? [warning!.summary(warnings.length, results.length)] : []),
      ...(cancelled ? [cancelled] : []),
      ...(failures.length ? [`${failures.length} of ${results.length} files failed`] : []),
    ];
    // Files the folder walk left out are listed, so a script can tell every input's fate.
    const listed = leftOut.length ? { leftOut } : {};
    printJson(
      said.length
        ? {
            code: (warnings[0] ?? afterError ?? (cancelled ? NOT_STARTED : failures[0]))!.code,
            message: said.join('; '),
            results: results.map((r, i) => (warned[i] ? { ...r, warning: warned[i] } : r)),
            ...listed,
          }
        : { results, ...listed },
    );
  }
  if (warnings.length) return EXIT_WARNED;
  if (cancelled) return cancelStatus();
  return failures.length || afterError ? 1 : 0;
}
