import { constants } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { access, copyFile, link, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { refuseBackupInside } from '../main/core/store/backup';
import { VigilError, type ErrorCode } from '../shared/errors';

/** A failed write's errno in words, for a message that says what to fix. */
const WHY_NOT_WRITABLE: Record<string, (dir: string) => string> = {
  ENOENT: (dir) => `the folder ${dir} does not exist`,
  ENOTDIR: (dir) => `${dir} is not a folder`,
  EISDIR: () => 'it is a folder',
  EACCES: (dir) => `no permission to write in ${dir}`,
  EPERM: (dir) => `no permission to write in ${dir}`,
  EROFS: (dir) => `${dir} is read-only`,
  ENOSPC: () => 'the disk is full',
};

/** Exports say OUTPUT_NOT_WRITABLE; a backup's file, as data.backup does, TARGET_NOT_WRITABLE. */
type WriteFailureCode = Extract<ErrorCode, 'OUTPUT_NOT_WRITABLE' | 'TARGET_NOT_WRITABLE'>;

function notWritable(file: string, err: unknown, code: WriteFailureCode): VigilError {
  const reason = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const why = WHY_NOT_WRITABLE[reason]?.(dirname(file)) ?? reason;
  return new VigilError(code, `Cannot write ${file}: ${why}`, { file, reason });
}

/** An output file that exists: never replaced without --force (it may be someone's own file). */
const alreadyThere = (path: string) =>
  new VigilError('TARGET_NOT_EMPTY', `${path} exists; name a new file, or add --force to replace it`, {
    file: path,
    reason: 'exists',
  });

/** Where a command's output file may go. */
export interface OutputTarget {
  /** The data folder the command works on: nothing is written inside it (its own files). */
  dataDir: string;
  /** Replace a file already there (`--force`); refused otherwise. */
  force?: boolean;
}

/**
 * Fails unless `file` can be written (its folder exists and is writable, and it is not a
 * folder): checked before a command does its work, so no job is recorded for a file never written.
 * With a `target`, a file inside the data folder (`watchlist.json` replaced by an export breaks
 * the store) and, without `force`, one that exists (someone's file) are refused too.
 */
export async function checkWritableFile(
  file: string,
  code: WriteFailureCode = 'OUTPUT_NOT_WRITABLE',
  target?: OutputTarget,
): Promise<void> {
  const path = resolve(file);
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) throw notWritable(path, { code: 'EISDIR' }, code);
  if (target) {
    await refuseBackupInside(target.dataDir, path);
    if (info && !target.force) throw alreadyThere(path);
  }
  await access(dirname(path), constants.W_OK).catch((err: unknown) => {
    throw notWritable(path, err, code);
  });
}

/**
 * Writes a command's output file, readable by its owner only (a watchlist or history export
 * names people and holds their faces); a failure is OUTPUT_NOT_WRITABLE with the reason in words.
 * Written whole under a temporary name and then renamed: a replaced file (`--force`) gets the
 * new permissions too, and a failed write leaves the old one as it was. Without `replace`, a file
 * that appeared since the check is not replaced.
 */
export async function writeOutputFile(file: string, data: Buffer | string, replace = false): Promise<void> {
  const path = resolve(file);
  const tmp = join(dirname(path), `.vigil-${randomUUID()}.tmp`);
  try {
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    if (replace) await rename(tmp, path);
    else {
      // File systems without hard links (FAT, some network shares): an exclusive copy.
      await link(tmp, path).catch((err: NodeJS.ErrnoException) =>
        err.code === 'EEXIST' ? Promise.reject(err) : copyFile(tmp, path, constants.COPYFILE_EXCL),
      );
      await rm(tmp, { force: true });
    }
  } catch (err) {
    // Nothing to remove where the write itself failed (its folder is a file: ENOTDIR).
    await rm(tmp, { force: true }).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyThere(path);
    throw notWritable(path, err, 'OUTPUT_NOT_WRITABLE');
  }
}
