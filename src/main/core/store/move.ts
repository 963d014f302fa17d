import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import {
  mkdir,
  readdir,
  realpath,
  rm,
  rmdir,
  stat,
  statfs,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { VigilError } from '../../../shared/errors';
import {
  listDataFiles,
  makeDirs,
  sha256File,
  whereNotWritable,
  whyNotWritable,
  type OnProgress,
} from './files';

// ENOENT too: makeDirs makes every missing parent, so it means a folder that takes nothing new (/proc).
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOENT']);

/** `child` is `parent` or somewhere below it. */
export function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (symlinks resolved). */
export async function realish(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : join(await realish(parent), basename(p));
  }
}

export interface PreparedTarget {
  dir: string;
  /** Removes what preparing and copying put there, leaving the target as it was found. */
  discard(): Promise<void>;
}

/**
 * Checks that `target` can take a copy of `current` and makes it: an absolute path, not inside
 * the data dir, a folder that does not exist or is empty, writable, with room for `bytes`.
 */
export async function prepareTarget(current: string, target: string, bytes: number): Promise<PreparedTarget> {
  if (!isAbsolute(target))
    throw new VigilError('BAD_INPUT', `Give the new data folder as an absolute path, not "${target}"`, {
      dir: target,
      reason: 'relative',
    });
  const dir = resolve(target);
  if (isWithin(await realish(dir), await realish(current))) {
    throw new VigilError('TARGET_INSIDE_DATA', `${dir} is inside the data folder ${current}`, {
      dir,
      dataDir: current,
      reason: 'inside',
    });
  }
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory())
    throw new VigilError('TARGET_NOT_EMPTY', `${dir} is a file, not an empty folder`, {
      dir,
      reason: 'file',
    });
  if (existing && (await readdir(dir)).length > 0)
    throw new VigilError('TARGET_NOT_EMPTY', `${dir} is not empty: choose a new or empty folder`, {
      dir,
      reason: 'not-empty',
    });

  const notWritable = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (NOT_WRITABLE.has(code))
      return new VigilError(
        'TARGET_NOT_WRITABLE',
        `${dir} cannot be written: ${whyNotWritable(err, dir)} (${code})`,
        { dir, errno: code, reason: 'not-writable', ...whereNotWritable(err, dir) },
      );
    return err;
  };
  const created = await makeDirs(dir).catch((err: unknown) => {
    throw notWritable(err);
  });
  const discard = async () => {
    if (created) await rm(created, { recursive: true, force: true });
    else
      for (const e of await readdir(dir).catch(() => []))
        await rm(join(dir, e), { recursive: true, force: true });
  };
  try {
    const probe = join(dir, `.vigil-write-test-${randomUUID()}`);
    await writeFile(probe, 'ok').catch((err: unknown) => {
      throw notWritable(err);
    });
    await unlink(probe);
    const fs = await statfs(dir).catch(() => null);
    // Keep a margin: the copy must not fill the disk the user's other work needs.
    if (fs && fs.bavail * fs.bsize < bytes * 1.05 + 16 * 1024 * 1024) {
      throw new VigilError(
        'TARGET_NOT_WRITABLE',
        `${dir} has ${fs.bavail * fs.bsize} bytes free; the data needs ${bytes}`,
        { dir, free: fs.bavail * fs.bsize, needed: bytes, reason: 'no-room' },
      );
    }
  } catch (err) {
    await discard();
    throw err;
  }
  return { dir, discard };
}

/** Streams `from` to a new file `to` (never over an existing one) and returns its sha256. */
async function copyHashed(from: string, to: string): Promise<string> {
  const hash = createHash('sha256');
  await mkdir(dirname(to), { recursive: true });
  await pipeline(
    createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    createWriteStream(to, { flags: 'wx' }),
  );
  return hash.digest('hex');
}

/**
 * Copies every data file (listDataFiles) of `from` into the empty folder `to`, then verifies the
 * copy from disk: the same list of files, each with the size and sha256 read from the source.
 */
export async function copyVerified(
  from: string,
  to: string,
  progress?: { copy?: OnProgress; verify?: OnProgress },
): Promise<{ files: string[]; bytes: number }> {
  const files = await listDataFiles(from);
  const expected = new Map<string, { size: number; sha256: string }>();
  let bytes = 0;
  for (const [i, path] of files.entries()) {
    const src = join(from, ...path.split('/'));
    const dst = join(to, ...path.split('/'));
    const st = await stat(src);
    expected.set(path, { size: st.size, sha256: await copyHashed(src, dst) });
    await utimes(dst, st.atime, st.mtime);
    bytes += st.size;
    progress?.copy?.(i + 1, files.length);
  }
  const present = await listDataFiles(to);
  if (present.join('\n') !== files.join('\n'))
    throw new VigilError('STORE_CORRUPT', `The copy in ${to} does not hold the same files as ${from}`);
  for (const [i, path] of files.entries()) {
    const dst = join(to, ...path.split('/'));
    const want = expected.get(path)!;
    if ((await stat(dst)).size !== want.size || (await sha256File(dst)) !== want.sha256)
      throw new VigilError('STORE_CORRUPT', `${path} differs after copying to ${to} (checksum mismatch)`);
    progress?.verify?.(i + 1, files.length);
  }
  return { files, bytes };
}

/**
 * Deletes an old data dir after a verified move: only the files that were copied, stale temp
 * files, then the folders left empty. Anything else found there stays, and is reported.
 */
export async function removeMovedDir(
  dir: string,
  copied: string[],
): Promise<{ removed: boolean; left: string[] }> {
  for (const path of copied) await unlink(join(dir, ...path.split('/'))).catch(() => undefined);
  const left: string[] = [];
  const sweep = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = join(d, e.name);
      if (e.isDirectory()) {
        await sweep(full);
        await rmdir(full).catch(() => undefined);
      } else if (e.isFile() && e.name.endsWith('.tmp')) await unlink(full).catch(() => undefined);
    }
  };
  await sweep(dir);
  const removed = await rmdir(dir).then(
    () => true,
    () => false,
  );
  if (!removed) {
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else left.push(relative(dir, full).split(sep).join('/'));
      }
    };
    await walk(dir);
  }
  return { removed, left };
}
