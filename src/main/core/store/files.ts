import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** Written beside the data only while a backup is packed; never part of the data itself. */
export const BACKUP_MANIFEST = '.vigil-backup.json';

/** Told how far a long step has got: files done of total. */
export type OnProgress = (done: number, total: number) => void;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Replaces `file` with `data` so that a crash or power cut leaves the old file or the new one,
 * never an empty or half one: a temp file beside it, synced, renamed over it, then the folder
 * synced so the rename itself is on disk. (steno, lowdb's writer, renames without syncing.)
 */
export async function replaceFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(dirname(file));
}

/**
 * `mkdir -p` for a folder the user chose, made one level at a time. Node's recursive mkdir
 * reports a read-only disk (EROFS) as ENOENT, and never returns for a new path under /proc (it
 * retries the existing parent's EEXIST forever); a plain mkdir per level fails at once, with the
 * real errno and the folder it could not make as `err.path`. Returns the first folder made, or
 * undefined when `dir` was already there, as the recursive mkdir does.
 */
export async function makeDirs(dir: string, mode?: number): Promise<string | undefined> {
  const missing: string[] = [];
  let p = resolve(dir);
  // Only ENOENT means "not there": another stat error (EACCES, ENOTDIR) is left to mkdir to report.
  while (
    await stat(p).then(
      () => false,
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
    )
  ) {
    missing.unshift(p);
    if (dirname(p) === p) break;
    p = dirname(p);
  }
  // Already there: a plain mkdir throws EEXIST when it is a file, as the recursive one does.
  if (missing.length === 0 && !(await stat(p).catch(() => null))?.isDirectory()) await mkdir(p);
  for (const d of missing) {
    await mkdir(d, { mode }).catch(async (err: NodeJS.ErrnoException) => {
      // Made meanwhile by someone else: as good as made here.
      if (err.code !== 'EEXIST' || !(await stat(d).catch(() => null))?.isDirectory()) throw err;
    });
  }
  return missing[0];
}

/** A file's text, or null when there is none (any other failure is thrown). */
export function readTextIfThere(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

/**
 * Where a write failed, for details beside whyNotWritable's words: `at`, the folder at fault, and
 * `path`, the errno's path where it has one (the UI words the reason in its own language from them).
 */
export function whereNotWritable(err: unknown, fallbackDir: string): { at: string; path?: string } {
  const { path } = err as NodeJS.ErrnoException;
  return { at: path ? dirname(path) : fallbackDir, ...(path && { path }) };
}

/**
 * Why making or writing something failed, in words naming the folder at fault (the parent of
 * the errno's path), for OUTPUT_NOT_WRITABLE and TARGET_NOT_WRITABLE messages.
 */
export function whyNotWritable(err: unknown, fallbackDir: string): string {
  const e = err as NodeJS.ErrnoException;
  const where = whereNotWritable(err, fallbackDir).at;
  switch (e.code) {
    case 'EROFS':
      return `${where} is read-only`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${where}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOTDIR':
      return `part of ${e.path ?? fallbackDir} is a file, not a folder`;
    case 'ENAMETOOLONG':
      return 'a name in the path is longer than the file system allows';
    case 'ENOENT':
      // makeDirs made every missing parent, so the folder is there but takes nothing new (/proc).
      return `${where} does not take new files or folders`;
    default:
      return e.code ?? 'unknown error';
  }
}

/** fsync of a folder, where the platform has one (not on Windows: best effort). */
async function syncFolder(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}

/**
 * Every file of a data dir as sorted POSIX relative paths: what a backup packs and a move copies.
 * Left out: temp files of atomic writes (`*.tmp`), the lock and its pid file, a backup manifest,
 * and anything that is not a plain file (links, sockets).
 */
export async function listDataFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.vigil.lock') out.push(...(await listDataFiles(root, full)));
    } else if (
      e.isFile() &&
      !e.name.endsWith('.tmp') &&
      e.name !== BACKUP_MANIFEST &&
      !e.name.startsWith('.vigil.lock')
    )
      out.push(relative(root, full).split(sep).join('/'));
  }
  return out.sort();
}

export interface FileEntry {
  path: string;
  size: number;
  sha256: string;
}

/** Size and sha256 of each listed file under `root`. */
export async function describeFiles(root: string, files: string[], onProgress?: OnProgress) {
  const out: FileEntry[] = [];
  for (const [i, path] of files.entries()) {
    const full = join(root, path);
    out.push({ path, size: (await stat(full)).size, sha256: await sha256File(full) });
    onProgress?.(i + 1, files.length);
  }
  return out;
}

/** Files and bytes of a data dir, as a backup or a move would carry them. */
export async function dataDirSize(root: string): Promise<{ files: number; bytes: number }> {
  const files = await listDataFiles(root).catch(() => []);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(root, f)).catch(() => ({ size: 0 }))).size;
  return { files: files.length, bytes };
}
