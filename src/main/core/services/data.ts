import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import type {
  dataBackupInputSchema,
  dataBackupResultSchema,
  dataInfoSchema,
  dataMoveInputSchema,
  dataMoveResultSchema,
  dataOperationSchema,
  dataRestoreResultSchema,
} from '../../../shared/data-schemas';
import { VigilError } from '../../../shared/errors';
import type { ImageSource } from '../../../shared/schemas';
import type { Gate } from '../gate';
import {
  createBackup,
  discardDir,
  makeStaging,
  refuseBackupInside,
  siblingOf,
  unpackVerified,
} from '../store/backup';
import { saveDataDirChoice, type DataDirLocation } from '../store/data-dir';
import { dataDirSize } from '../store/files';
import { copyVerified, prepareTarget, removeMovedDir } from '../store/move';
import { openStore, type Store } from '../store/store';

type Operation = z.infer<typeof dataOperationSchema>;
type Phase = Operation['phase'];

/** What the data service needs from the core: the store in use, and a way to put another in its place. */
export interface DataHost {
  readonly store: Store;
  /** Loads what the core keeps in memory for `next` (matcher) and makes it the store every call uses. */
  replace(next: Store): Promise<void>;
}

/** Channels that replace or snapshot the whole store run alone; these few never touch it. */
const EXCLUSIVE: Record<string, Operation['kind']> = {
  'data.move': 'move',
  'data.backup': 'backup',
  'data.restore': 'restore',
};
const UNGATED = new Set(['app.health', 'engine.info', 'data.info']);

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? '';

/**
 * The data dir as a whole: where it is, moving it (copy, verify, switch, remember, then maybe
 * remove the old one), backing it up and restoring a backup into the running core.
 */
export class DataService {
  private op: Operation | null = null;

  constructor(
    private readonly host: DataHost,
    private location: Omit<DataDirLocation, 'dir'>,
    private readonly gate: Gate,
  ) {}

  /** Runs one contract call under the gate: alone for whole-store operations, shared otherwise. */
  guard<T>(channel: string, run: () => Promise<T>): Promise<T> {
    if (UNGATED.has(channel)) return run();
    const kind = EXCLUSIVE[channel];
    if (!kind) return this.gate.shared(run);
    return this.gate.exclusive(
      async () => {
        this.op = { kind, phase: 'check', done: 0, total: 0, startedAt: this.op?.startedAt ?? now() };
        try {
          return await run();
        } finally {
          this.op = null;
        }
      },
      () => (this.op = { kind, phase: 'waiting', done: 0, total: this.gate.running, startedAt: now() }),
    );
  }

  private phase(phase: Phase, done = 0, total = 0): void {
    if (this.op) this.op = { ...this.op, phase, done, total };
  }

  private get persistent(): boolean {
    return this.location.source === 'config' || this.location.source === 'default';
  }

  async info(): Promise<z.infer<typeof dataInfoSchema>> {
    const dir = this.host.store.dir;
    return {
      dir,
      source: this.location.source,
      persistent: this.persistent,
      configFile: this.location.configFile,
      ...(await dataDirSize(dir)),
      operation: this.op,
    };
  }

  async move(input: z.output<typeof dataMoveInputSchema>): Promise<z.infer<typeof dataMoveResultSchema>> {
    const old = this.host.store;
    const from = old.dir;
    const { bytes } = await dataDirSize(from);
    const target = await prepareTarget(from, input.to, bytes);
    let next: Store | null = null;
    let files: string[];
    try {
      ({ files } = await copyVerified(from, target.dir, {
        copy: (d, t) => this.phase('copy', d, t),
        verify: (d, t) => this.phase('verify', d, t),
      }));
      // Opening the copy validates every document and vector file, and locks it.
      this.phase('open');
      next = await openStore(target.dir);
      this.phase('switch');
      await this.host.replace(next);
    } catch (err) {
      await next?.close();
      await target.discard();
      throw err;
    }
    const persisted = this.persistent;
    if (persisted) {
      try {
        await saveDataDirChoice(this.location.configFile, target.dir);
      } catch (err) {
        await this.host.replace(old);
        await next.close();
        await target.discard();
        throw new VigilError(
          'TARGET_NOT_WRITABLE',
          `Cannot record the new data folder in ${this.location.configFile} (${errnoOf(err)}); nothing was moved`,
          { file: this.location.configFile, errno: errnoOf(err), reason: 'config' },
        );
      }
      this.location = { ...this.location, source: 'config' };
    }
    await old.close();
    const gone = input.removeOld
      ? (this.phase('remove'), await removeMovedDir(from, files))
      : { removed: false, left: [] };
    return {
      from,
      to: target.dir,
      files: files.length,
      bytes,
      persisted,
      source: this.location.source,
      old: { dir: from, ...gone },
    };
  }

  async backup(
    input: z.output<typeof dataBackupInputSchema>,
  ): Promise<z.infer<typeof dataBackupResultSchema>> {
    const dir = this.host.store.dir;
    const progress = (d: number, t: number) => this.phase('pack', d, t);
    if (input.file !== undefined) {
      if (!isAbsolute(input.file))
        throw new VigilError('BAD_INPUT', `Give the backup file as an absolute path, not "${input.file}"`, {
          file: input.file,
          reason: 'relative',
        });
      const file = resolve(input.file);
      await refuseBackupInside(dir, file);
      if (await stat(file).catch(() => null))
        throw new VigilError('TARGET_NOT_EMPTY', `${file} already exists; choose a new file name`, {
          file,
          reason: 'exists',
        });
      const r = await createBackup(dir, file, progress).catch((err: unknown) => {
        if (err instanceof VigilError) throw err;
        throw new VigilError('TARGET_NOT_WRITABLE', `Cannot write ${file} (${errnoOf(err)})`, {
          file,
          errno: errnoOf(err),
          reason: 'write',
        });
      });
      return { file: r.file, fileName: basename(r.file), files: r.files, bytes: r.bytes };
    }
    const tmp = await mkdtemp(join(tmpdir(), 'vigil-backup-'));
    try {
      const fileName = `vigil-backup-${stamp()}.tar.gz`;
      const r = await createBackup(dir, join(tmp, fileName), progress);
      const data = (await readFile(r.file)).toString('base64');
      return { file: null, fileName, files: r.files, bytes: r.bytes, data };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Restores a backup into the running core: verified in a staging folder beside the data dir
   * first (unpackVerified), then the store is closed, the current folder kept aside as
   * `<dir>.before-restore-<time>`, the restored one put in its place and opened. Any failure
   * after the close puts the previous folder back and reopens it.
   */
  async restore(source: ImageSource): Promise<z.infer<typeof dataRestoreResultSchema>> {
    let tmp: string | null = null;
    let file: string;
    if ('path' in source) {
      if (!isAbsolute(source.path))
        throw new VigilError('BAD_INPUT', `Give the backup file as an absolute path, not "${source.path}"`, {
          file: source.path,
          reason: 'relative',
        });
      file = source.path;
    } else {
      tmp = await mkdtemp(join(tmpdir(), 'vigil-restore-'));
      // The uploaded name is only a label (errors quote it); it never picks a place to write.
      const name = basename(source.name.replace(/\\/g, '/')).replace(/[^\w.-]/g, '_');
      file = join(tmp, /^\.*$/.test(name) ? 'backup.tar.gz' : name);
      await writeFile(file, Buffer.from(source.bytes, 'base64'));
    }
    const old = this.host.store;
    const dir = old.dir;
    let staging: string | null = null;
    try {
      staging = await makeStaging(dir);
      this.phase('unpack');
      const { files } = await unpackVerified(file, staging, (d, t) => this.phase('verify', d, t));

      this.phase('switch');
      await old.close();
      const previous = siblingOf(dir, 'before-restore');
      await rename(dir, previous).catch(async (err: unknown) => {
        await this.host.replace(await openStore(dir));
        throw err;
      });
      try {
        await rename(staging, dir);
        const next = await openStore(dir);
        await this.host.replace(next).catch(async (err: unknown) => {
          await next.close();
          throw err;
        });
      } catch (err) {
        // The restored copy goes (the archive still has it); the previous data comes back.
        await rm(dir, { recursive: true, force: true });
        await rename(previous, dir);
        await this.host.replace(await openStore(dir));
        throw err;
      }
      return { files, previous };
    } finally {
      // Never thrown over the error that brought us here (the staging copy is named on stderr).
      if (staging) await discardDir(staging);
      if (tmp) await discardDir(tmp);
    }
  }
}

function now(): string {
  return new Date().toISOString();
}
