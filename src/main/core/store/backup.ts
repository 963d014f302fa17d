import { randomUUID } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';
import { z } from 'zod';
import { VigilError, type ErrorCode } from '../../../shared/errors';
import { VERSION } from '../version';
import {
  BACKUP_MANIFEST,
  describeFiles,
  listDataFiles,
  makeDirs,
  sha256File,
  type OnProgress,
} from './files';
import { isWithin, realish } from './move';
import { lockDataDir, openStore, ownerIn, ownerMark } from './store';
import { jsonOrNull } from '../../../shared/json';

/** The backup format this Vigil writes and reads. */
const BACKUP_VERSION = 1;

const manifestSchema = z.object({
  format: z.literal('vigil-backup'),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  appVersion: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
});

/**
 * A store error's message without its closing "it was left untouched" (or "nothing was changed"):
 * true of the folder that was opened, not of the backup or restore that reports it.
 */
export const withoutUntouchedNote = (message: string): string =>
  message.replace(/; (it|the file) was left untouched$|; nothing was changed$/, '');

/** Refuses a backup file inside the data dir it backs up: every later backup would hold it. */
export async function refuseBackupInside(dataDir: string, file: string): Promise<void> {
  if (isWithin(await realish(file), await realish(dataDir)))
    throw new VigilError('TARGET_INSIDE_DATA', `${file} is inside the data folder ${dataDir}`, {
      file,
      dataDir,
      reason: 'inside',
    });
}

/** The whole data dir as one .tar.gz with a manifest of sizes and sha256 (verified on restore). */
export async function createBackup(
  dataDir: string,
  destFile: string,
  onProgress?: OnProgress,
): Promise<{ file: string; files: number; bytes: number }> {
  const files = await listDataFiles(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new VigilError('FILE_NOT_FOUND', `There is no data directory at ${dataDir}`);
    throw err;
  });
  const manifest: z.infer<typeof manifestSchema> = {
    format: 'vigil-backup',
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    appVersion: VERSION,
    files: await describeFiles(dataDir, files, onProgress),
  };
  // The manifest goes in first; it is written beside the data only for the time tar reads it.
  const manifestFile = join(dataDir, BACKUP_MANIFEST);
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  const tmp = `${destFile}.${randomUUID()}.tmp`;
  try {
    await makeDirs(dirname(destFile));
    await tar.c({ gzip: true, file: tmp, cwd: dataDir, portable: true }, [BACKUP_MANIFEST, ...files]);
    // The archive holds the whole watchlist: for its owner's eyes only, wherever it is put
    // (best effort: FAT on a USB drive has no modes and refuses chmod).
    await chmod(tmp, 0o600).catch(() => undefined);
    // A link, unlike a rename, fails when the name was taken meanwhile: never replace a file.
    // File systems without hard links (FAT on a USB drive) get an exclusive copy instead.
    await link(tmp, destFile)
      .catch((err: NodeJS.ErrnoException) =>
        err.code === 'EPERM' || err.code === 'ENOTSUP' || err.code === 'ENOSYS'
          ? copyFile(tmp, destFile, fsConstants.COPYFILE_EXCL)
          : Promise.reject(err),
      )
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST')
          throw new VigilError('TARGET_NOT_EMPTY', `${destFile} already exists; choose a new file name`, {
            file: destFile,
            reason: 'exists',
          });
        throw err;
      });
  } finally {
    await unlink(manifestFile).catch(() => undefined);
    await rm(tmp, { force: true });
  }
  return { file: destFile, files: files.length, bytes: (await stat(destFile)).size };
}

/** What a backup may hold: Vigil packs plain files only (one re-packed by hand adds folders). */
const PLAIN_ENTRIES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Why the entry `path` of type `type` has no place in a backup, or null. A link or a FIFO would
 * reach outside the staging folder or block the unpacking; tar would only warn of them.
 */
function oddEntry(name: string, path: string, type: string): VigilError | null {
  if (!PLAIN_ENTRIES.has(type))
    return backupError(
      'BAD_INPUT',
      name,
      'entry',
      `${name} holds "${path}" (${type}): a Vigil backup holds only files`,
      {
        path,
      },
    );
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
    return backupError(
      'BAD_INPUT',
      name,
      'entry',
      `${name} holds "${path}", a path outside the folder it restores`,
      {
        path,
      },
    );
  return null;
}

/**
 * What is wrong with a backup: `details` name it (`backup`, the file's name) and say what
 * (`problem`), so the UI words it in its own language; scripts keep the code and message.
 */
type BackupProblem =
  | 'empty'
  | 'truncated'
  | 'not-backup'
  | 'entry'
  | 'no-manifest'
  | 'bad-manifest'
  | 'newer'
  | 'files-differ'
  | 'checksum'
  | 'store';

function backupError(
  code: ErrorCode,
  name: string,
  problem: BackupProblem,
  message: string,
  more: Record<string, unknown> = {},
): VigilError {
  return new VigilError(code, message, { backup: name, problem, ...more });
}

/** How much a gzip may expand, as tar.x allows: a small crafted file must not fill the disk. */
const MAX_GZIP_RATIO = 1000;

/**
 * Unpacks the .tar.gz `file` into `cwd` and settles only once nothing more is written there,
 * failing with the first error met. tar.x rejects at its first error while the entries it has
 * read are still being written (a cleanup then races them), and after a gzip error (a truncated
 * file) it never finishes at all. So the gzip is undone here: on its error tar's input just
 * ends, tar reports the entry cut short, and its 'close' comes after its last write. An error
 * of tar's own also ends its input: a stream that errs is unpiped, and would wait for it for ever.
 */
function extractArchive(file: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    let packed = 0;
    let unpacked = 0;
    const input = createReadStream(file).on('data', (chunk) => (packed += chunk.length));
    const gunzip = createGunzip();
    const ratioCheck = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        unpacked += chunk.length;
        if (unpacked <= MAX_GZIP_RATIO * packed) done(null, chunk);
        else done(new Error(`it expands more than ${MAX_GZIP_RATIO}-fold`));
      },
    });
    const stop = (err: Error) => {
      // Once: tar errs on and on through a damaged archive, and each end() after the first
      // queued one more 'drain' listener (a MaxListenersExceededWarning on the CLI's stderr).
      if (failure) return;
      failure = err;
      input.destroy();
      gunzip.destroy();
      unpack.end();
    };
    const unpack = new tar.Unpack({
      cwd,
      strict: true,
      preservePaths: false,
      // Refused before anything is made of it; stopped once tar is done with this entry.
      filter: (path, entry) => {
        const odd = oddEntry(basename(file), path, 'type' in entry ? entry.type : 'File');
        if (odd) queueMicrotask(() => stop(odd));
        return !odd;
      },
    });
    for (const stream of [input, gunzip, ratioCheck]) stream.on('error', stop);
    unpack.on('error', stop);
    unpack.on('close', () => (failure ? reject(failure) : resolve()));
    input.pipe(gunzip).pipe(ratioCheck).pipe(unpack);
  });
}

/** What went wrong unpacking `backupFile`, in words that say whose fault it is. */
function unpackError(backupFile: string, staging: string, err: Error): VigilError {
  if (err instanceof VigilError) return err;
  const name = basename(backupFile);
  const { code, syscall } = err as NodeJS.ErrnoException;
  // tar tags its errors; one with a syscall failed writing an entry (a full disk, permissions),
  // or, in the fresh staging folder, met an earlier entry of the archive (a folder under a file).
  if (syscall && 'tarCode' in err) {
    if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
      const path = (err as { entry?: { path?: string } }).entry?.path ?? '';
      return backupError(
        'BAD_INPUT',
        name,
        'entry',
        `${name} is not a Vigil backup: its entry "${path}" clashes with another (${code})`,
        { path },
      );
    }
    return new VigilError('TARGET_NOT_WRITABLE', `Cannot unpack ${name} into ${staging} (${code})`, {
      file: name,
      dir: staging,
      errno: code,
      reason: 'unpack',
    });
  }
  if (code === 'Z_BUF_ERROR' || /Truncated input/.test(err.message))
    return backupError(
      'BAD_INPUT',
      name,
      'truncated',
      `${name} is truncated (it ends in the middle of a file): the backup is damaged or was not copied whole`,
    );
  return backupError(
    'BAD_INPUT',
    name,
    'not-backup',
    `${name} is not a Vigil backup or is damaged (${err.message})`,
  );
}

/**
 * Unpacks a backup into `staging` (an empty folder) and proves it whole: every file the manifest
 * lists and nothing else, each with its size and sha256, and the store opens (every document
 * and vector file validated). `staging` then holds a data dir ready to be swapped in.
 */
export async function unpackVerified(
  backupFile: string,
  staging: string,
  onProgress?: OnProgress,
): Promise<{ files: number }> {
  const name = basename(backupFile);
  const size = await stat(backupFile).then(
    (s) => s.size,
    () => {
      throw new VigilError('FILE_NOT_FOUND', `Cannot read ${backupFile}`, { file: backupFile });
    },
  );
  // gunzip would call an empty file "truncated", as if a copy had stopped half-way.
  if (size === 0)
    throw backupError('BAD_INPUT', name, 'empty', `${name} is empty (0 bytes): not a Vigil backup`);
  await extractArchive(backupFile, staging).catch((err: Error) => {
    throw unpackError(backupFile, staging, err);
  });
  const raw = await readFile(join(staging, BACKUP_MANIFEST), 'utf8').catch(() => {
    throw backupError('BAD_INPUT', name, 'no-manifest', `${name} has no Vigil backup manifest`);
  });
  const json = jsonOrNull(raw) as { format?: unknown; version?: unknown } | null;
  // A later format is not damage: say which Vigil can read it.
  if (json?.format === 'vigil-backup' && typeof json.version === 'number' && json.version > BACKUP_VERSION) {
    throw backupError(
      'STORE_VERSION',
      name,
      'newer',
      `${name} was made by a newer Vigil (backup format ${json.version}; this one reads ${BACKUP_VERSION}): update Vigil to restore it`,
      { version: json.version },
    );
  }
  const manifest = manifestSchema.safeParse(json);
  if (!manifest.success)
    throw backupError('BAD_INPUT', name, 'bad-manifest', `${name} has an unreadable manifest`);
  const present = (await listDataFiles(staging)).filter((f) => f !== STAGING_OWNER);
  const expected = manifest.data.files.map((f) => f.path).sort();
  if (present.join('\n') !== expected.join('\n')) {
    throw backupError(
      'STORE_CORRUPT',
      name,
      'files-differ',
      `${name} does not hold the files its manifest lists`,
    );
  }
  for (const [i, f] of manifest.data.files.entries()) {
    const full = join(staging, f.path);
    if ((await stat(full)).size !== f.size || (await sha256File(full)) !== f.sha256) {
      throw backupError(
        'STORE_CORRUPT',
        name,
        'checksum',
        `${f.path} in ${name} is damaged (checksum mismatch)`,
        {
          path: f.path,
        },
      );
    }
    onProgress?.(i + 1, manifest.data.files.length);
  }
  await unlink(join(staging, BACKUP_MANIFEST));
  await rm(join(staging, STAGING_OWNER), { force: true });
  // Opening validates every document and the vector files before anything is replaced.
  const store = await openStore(staging).catch((err: unknown) => {
    if (!(err instanceof VigilError)) throw err;
    // The staging copy's damage is the backup's, not the running store's: name the backup.
    const file = typeof err.details?.file === 'string' ? relative(staging, err.details.file) : null;
    const why = withoutUntouchedNote(err.message);
    throw backupError(err.code, name, 'store', `${name} holds a data folder Vigil cannot open: ${why}`, {
      ...(file && !file.startsWith('..') && { path: file }),
    });
  });
  await store.close();
  return { files: manifest.data.files.length };
}

/** A fresh sibling of `dataDir` named for what it holds, e.g. `<dir>.restore-<time>`. */
export const siblingOf = (dataDir: string, what: string) => `${dataDir}.${what}-${Date.now()}`;

/** Written first into a staging folder (ownerMark); removed once it is verified. */
const STAGING_OWNER = '.vigil-staging.pid';

/**
 * Makes the staging folder of a restore into `dataDir`, marked as this process's. A restore that
 * was killed leaves its staging folder (a copy of biometric data) behind; those of `dataDir` go
 * first, and only they: named `<dir>.restore-<digits>`, a folder, marked by a process of this
 * host that is gone.
 */
export async function makeStaging(dataDir: string): Promise<string> {
  const parent = dirname(dataDir);
  const prefix = `${basename(dataDir)}.restore-`;
  for (const name of await readdir(parent).catch(() => [])) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const dir = join(parent, name);
    if (!(await lstat(dir).catch(() => null))?.isDirectory()) continue;
    if ((await ownerIn(join(dir, STAGING_OWNER)))?.gone) await discardDir(dir);
  }
  const staging = siblingOf(dataDir, 'restore');
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, STAGING_OWNER), ownerMark()).catch(async (err) => {
    await discardDir(staging);
    throw err;
  });
  return staging;
}

/**
 * Restores a backup into `dataDir` (not open in this process): unpacks next to it and verifies
 * (unpackVerified), and only then swaps it in. A data dir that was not empty is kept beside it
 * (`<dir>.before-restore-<time>`); on any failure nothing is replaced.
 */
export async function restoreBackup(
  backupFile: string,
  dataDir: string,
): Promise<{ files: number; previous: string | null }> {
  const staging = await makeStaging(dataDir);
  try {
    const { files } = await unpackVerified(backupFile, staging);
    return { files, previous: await swapIn(staging, dataDir) };
  } catch (err) {
    await discardDir(staging);
    throw err;
  }
}

/** The lock folder lockDataDir makes in a data dir, beside its `.pid` file. */
const LOCK_DIR = '.vigil.lock';

/**
 * Puts the verified `staging` folder in place of `dataDir`; returns where a non-empty `dataDir`
 * was kept. Its lock is held until it has been moved aside: a Vigil that opened it in between
 * would go on writing its documents, by path, into the restored folder. The lock travels with
 * the old folder and is removed from there at the end.
 */
async function swapIn(staging: string, dataDir: string): Promise<string | null> {
  const existing = await readdir(dataDir).catch(() => null);
  if (!existing || existing.length === 0) {
    // rmdir fails if someone opened the empty folder meanwhile (their lock is in it).
    if (existing) await rmdir(dataDir);
    await rename(staging, dataDir);
    return null;
  }
  // Refused (STORE_LOCKED) while the app, a server or another command has this data dir open.
  const unlock = await lockDataDir(dataDir);
  const previous = siblingOf(dataDir, 'before-restore');
  try {
    await rename(dataDir, previous);
    await rename(staging, dataDir).catch(async (err: unknown) => {
      await rename(previous, dataDir).catch(() =>
        console.warn(`vigil: the data that was in ${dataDir} is now in ${previous}`),
      );
      throw err;
    });
  } finally {
    await unlock();
  }
  await rm(join(previous, LOCK_DIR), { recursive: true, force: true });
  await rm(join(previous, `${LOCK_DIR}.pid`), { force: true });
  return previous;
}

/**
 * Removes a folder Vigil made (a staging copy may hold face crops, so it must not stay behind).
 * A failure is reported on stderr, naming the folder, and never replaces the error that led here.
 */
export async function discardDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    console.warn(`vigil: could not remove ${dir} (${code}); delete it by hand`);
  });
}
