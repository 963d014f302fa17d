import type { Command } from 'commander';
import { defaultEngineWorkers, MAX_ENGINE_WORKERS } from '../main/core/engine/engine';
import { CliFailure } from './output';

/** The two options every command takes (they are global too; repeating them lets them follow the command). */
export function withDataJson(cmd: Command): Command {
  return cmd.option('--data <dir>', 'data directory').option('--json', 'print one JSON document on stdout');
}

/** `--jobs N` for a batch command: files worked on at once, each on its own engine worker. */
export function withJobs(cmd: Command): Command {
  return cmd.option(
    '--jobs <n>',
    'photos worked on at once, each on its own engine worker (about 1.2 GB more memory each when blurring 12-MP photos; default: one per core, up to 2, or VIGIL_ENGINE_WORKERS)',
  );
}

/** Engine workers for a batch of `files`: --jobs checked before anything runs, never more than files. */
export function jobsFor(raw: unknown, files: number): number {
  const jobs = raw === undefined ? defaultEngineWorkers() : Number(raw);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_ENGINE_WORKERS)
    throw new CliFailure(
      {
        code: 'BAD_INPUT',
        message: `--jobs must be a whole number from 1 to ${MAX_ENGINE_WORKERS}, got ${String(raw)}`,
      },
      2,
    );
  return Math.max(1, Math.min(jobs, files));
}
