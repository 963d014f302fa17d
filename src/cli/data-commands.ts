import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { historyListInputSchema, jobKindSchema, jobStatusSchema } from '../shared/history-schemas';
import {
  createBackup,
  refuseBackupInside,
  restoreBackup,
  withoutUntouchedNote,
} from '../main/core/store/backup';
import { lockDataDir, openStore } from '../main/core/store/store';
import { VigilError } from '../shared/errors';
import { HistoryLog } from '../main/core/store/history-log';
import { exportHistory, listHistory, withMediaUrls } from '../main/core/services/history';
import type { Core } from '../main/core/core';
import { call } from './call';
import { checkWritableFile, writeOutputFile } from './output-file';
import { CliFailure, printJson } from './output';
import type { GlobalOpts } from './match-commands';
import { fileMediaUrl, numberOption, usageError, withDataJson } from './options';
import { dataDirFor } from './data-folder';

const out = (s: string) => process.stdout.write(s + '\n');

/** History is read without taking it over: the app may have the same data dir open. */
async function withHistory<T>(
  g: GlobalOpts,
  run: (h: HistoryLog, dataDir: string) => Promise<T> | T,
): Promise<T> {
  const { dir } = await dataDirFor({ ...g, readsData: true });
  const h = await HistoryLog.open(join(dir, 'history.jsonl'), { readOnly: true });
  try {
    return await run(h, dir);
  } finally {
    await h.close();
  }
}

type WithCore = <T>(opts: GlobalOpts, run: (core: Core) => Promise<T>) => Promise<T>;

/** A date option as ISO 8601, or a usage error. */
function dateOption(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw new CliFailure({ code: 'BAD_INPUT', message: `--${name}: not a date: ${raw}` }, 2);
  return d.toISOString();
}

/** The history.list channel's own limit and offset schemas, so the CLI accepts exactly what it does. */
const limitSchema = historyListInputSchema.shape.limit.unwrap();
const offsetSchema = historyListInputSchema.shape.offset.unwrap();

/** history export's format from the file's extension; any other name needs --format. */
function formatOfName(file: string): 'csv' | 'json' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw usageError(
    `cannot tell the format of ${basename(file)} from its extension: name it .csv or .json, or give --format csv|json`,
  );
}

/** What `history delete ID…` did when some of the `asked` jobs (distinct ids) did not exist. */
function missingJobsMessage(asked: string[], deleted: number): string {
  const missing = asked.length - deleted;
  if (asked.length === 1) return `job ${asked[0]} does not exist`;
  if (deleted === 0) return `none of the ${asked.length} jobs exist; nothing was deleted`;
  const rest = deleted === 1 ? 'the other one was deleted' : `the other ${deleted} were deleted`;
  return `${missing} of the ${asked.length} jobs ${missing === 1 ? 'does' : 'do'} not exist; ${rest}`;
}

export function addDataCommands(
  program: Command,
  withCore: WithCore,
  globals: (c: Command) => GlobalOpts,
): void {
  const history = program.command('history').description('every job with its status, inputs and result');

  withDataJson(
    history
      .command('list')
      .description('list jobs, newest first')
      .addOption(new Option('--kind <kind>', 'job kind').choices(jobKindSchema.options))
      .addOption(new Option('--status <status>', 'job status').choices(jobStatusSchema.options))
      .option('--since <date>', 'only jobs created at or after this date (ISO 8601)')
      .option('--limit <n>', `how many (${limitSchema.minValue} to ${limitSchema.maxValue})`, '50')
      .option('--offset <n>', 'how many of the newest to skip: the next page starts at offset + limit', '0'),
  ).action(
    async (
      o: { kind?: never; status?: never; since?: string; limit: string; offset: string },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const since = dateOption('since', o.since);
      const limit = numberOption(
        'limit',
        o.limit,
        limitSchema,
        `a whole number from ${limitSchema.minValue} to ${limitSchema.maxValue}`,
      );
      const offset = numberOption('offset', o.offset, offsetSchema, 'a whole number from 0');
      const r = await withHistory(g, (h) =>
        listHistory(h, { kind: o.kind, status: o.status, since, limit, offset }),
      );
      if (g.json) printJson(r);
      else
        for (const x of r.records)
          out(`${x.createdAt}  ${x.id}  ${x.kind.padEnd(8)} ${x.status.padEnd(9)} ${x.summary}`);
    },
  );

  withDataJson(history.command('show').description('one job with its full result').argument('<id>')).action(
    async (id: string, _o, cmd: Command) => {
      const g = globals(cmd);
      // Links to this data dir's files, whichever shell ran the job.
      const rec = await withHistory(g, (h, dir) => withMediaUrls(h.get(id), fileMediaUrl(dir)));
      if (g.json) printJson(rec);
      else out(JSON.stringify(rec, null, 2));
    },
  );

  withDataJson(
    history
      .command('delete')
      .description(
        'delete jobs by id, or every job created before a date; photos no remaining job mentions lose their previews and seen faces',
      )
      .argument('[id...]')
      .option('--before <date>', 'every finished job created before this date (ISO 8601)')
      .addOption(
        new Option('--kind <kind>', 'with --before: only this job kind').choices(jobKindSchema.options),
      ),
  ).action(async (given: string[], o: { before?: string; kind?: never }, cmd: Command) => {
    const g = globals(cmd);
    // An id given twice is one job, deleted once.
    const ids = [...new Set(given)];
    const before = dateOption('before', o.before);
    if (ids.length > 0 === (before !== undefined))
      throw new CliFailure(
        { code: 'BAD_INPUT', message: 'give job ids or --before DATE (one of the two)' },
        2,
      );
    if (o.kind && !before)
      throw new CliFailure({ code: 'BAD_INPUT', message: '--kind goes with --before' }, 2);
    const r = await withCore({ ...g, readsData: true }, async (core) => {
      let targets = ids;
      if (before) {
        // Newest first, so everything from the first page older than `before` on is a target.
        targets = [];
        for (let offset = 0; ; offset += 500) {
          const page = await call(core, 'history.list', { kind: o.kind, offset, limit: 500 });
          for (const rec of page.records)
            if (rec.createdAt < before && rec.status !== 'RUNNING' && rec.status !== 'PENDING')
              targets.push(rec.id);
          if (offset + 500 >= page.total) break;
        }
      }
      let deleted = 0;
      for (let i = 0; i < targets.length; i += 10_000)
        deleted += (await call(core, 'history.delete', { ids: targets.slice(i, i + 10_000) })).deleted;
      if (ids.length > 0 && deleted < ids.length)
        throw new CliFailure({ code: 'NOT_FOUND', message: missingJobsMessage(ids, deleted) });
      return { deleted };
    });
    if (g.json) printJson(r);
    else out(`deleted ${r.deleted} job${r.deleted === 1 ? '' : 's'}`);
  });

  withDataJson(
    history
      .command('export')
      .description('export the history as CSV or JSON (by the file extension, or --format)')
      .argument('<file>')
      .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']))
      .option('--force', 'replace the file if it exists'),
  ).action(async (file: string, o: { format?: 'csv' | 'json'; force?: boolean }, cmd: Command) => {
    const g = globals(cmd);
    const path = resolve(file);
    // A folder or a missing one is said first: naming the file is the fix for both.
    const { dir } = await dataDirFor({ ...g, readsData: true });
    await checkWritableFile(path, 'OUTPUT_NOT_WRITABLE', { dataDir: dir, force: o.force });
    const format = o.format ?? formatOfName(file);
    const r = await withHistory(g, (h) => exportHistory(h, format));
    await writeOutputFile(path, r.text, o.force);
    if (g.json) printJson({ file: path, format, records: r.records });
    else out(`exported ${r.records} jobs to ${file}`);
  });

  withDataJson(
    program
      .command('backup')
      .description('back up the whole data directory into one archive')
      .argument('<file>'),
  ).action(async (file: string, _o, cmd: Command) => {
    const g = globals(cmd);
    const { dir } = await dataDirFor({ ...g, readsData: true });
    if (!existsSync(dir))
      throw new CliFailure({ code: 'FILE_NOT_FOUND', message: `There is no data directory at ${dir}` });
    await refuseBackupInside(dir, resolve(file));
    await checkWritableFile(file, 'TARGET_NOT_WRITABLE');
    // A consistent snapshot: refused (STORE_LOCKED) while the app or a server has the data open;
    // back up from Settings (or the data.backup channel) there instead.
    // Only a folder Vigil can open is worth an archive: restore opens it before replacing
    // anything, so a backup of a damaged one could never be restored. (Opening takes the lock.)
    const store = await openStore(dir).catch((err: unknown) => {
      if (!(err instanceof VigilError) || (err.code !== 'STORE_CORRUPT' && err.code !== 'STORE_VERSION'))
        throw err;
      throw new VigilError(
        err.code,
        `Not backed up: ${withoutUntouchedNote(err.message)}. ` +
          'An archive of it could not be restored; copy the folder as it is instead (cp -a, or a file manager)',
        err.details,
      );
    });
    await store.close();
    const unlock = await lockDataDir(dir);
    const r = await createBackup(dir, resolve(file)).finally(unlock);
    if (g.json) printJson(r);
    else out(`backed up ${r.files} files (${r.bytes} bytes) to ${r.file}`);
  });

  withDataJson(
    program
      .command('restore')
      .description('restore a backup into the data directory (verified first; a non-empty one is kept aside)')
      .argument('<file>'),
  ).action(async (file: string, _o, cmd: Command) => {
    const g = globals(cmd);
    const path = resolve(file);
    const r = await restoreBackup(path, (await dataDirFor(g)).dir);
    if (g.json) printJson({ file: path, ...r });
    else out(`restored ${r.files} files${r.previous ? `; the previous data is kept in ${r.previous}` : ''}`);
  });
}
