import { basename } from 'node:path';
import { toErrorShape, type ErrorShape } from '../shared/errors';
import { CliFailure, printJson } from './output';
import { progressBar } from './progress';

/**
 * A batch over files: one call per file with a progress bar, past failures to the end, then
 * `{ results }` (or `{ code, message, results }` when some failed) with --json and exit 1 on any
 * failure. `fatal` errors (bad options) stop the batch instead of being counted per file.
 */
export async function perFile<T>(
  files: string[],
  label: string,
  json: boolean,
  run: (file: string) => Promise<T>,
  human: (r: T) => void,
  fatal: (shape: ErrorShape) => boolean = () => false,
): Promise<void> {
  const bar = progressBar(files.length, label);
  const results: (T | { file: string; error: ErrorShape })[] = [];
  const failures: ErrorShape[] = [];
  try {
    for (const file of files) {
      try {
        const r = await run(file);
        results.push(r);
        if (!json) human(r);
      } catch (err) {
        const shape = err instanceof CliFailure ? err.shape : toErrorShape(err);
        if (fatal(shape)) throw new CliFailure(shape, 2);
        failures.push(shape);
        results.push({ file, error: shape });
        if (!json) process.stderr.write(`vigil: ${file}: ${shape.code}: ${shape.message}\n`);
      }
      bar.tick(basename(file));
    }
  } finally {
    bar.stop();
  }
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
