import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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

/**
 * Fails unless `file` can be written (its folder exists and is writable, and it is not a
 * folder): checked before a command does its work, so no job is recorded for a file never written.
 */
export async function checkWritableFile(
  file: string,
  code: WriteFailureCode = 'OUTPUT_NOT_WRITABLE',
): Promise<void> {
  const path = resolve(file);
  if ((await stat(path).catch(() => null))?.isDirectory()) throw notWritable(path, { code: 'EISDIR' }, code);
  await access(dirname(path), constants.W_OK).catch((err: unknown) => {
    throw notWritable(path, err, code);
  });
}

/**
 * Writes a command's output file, readable by its owner only (a watchlist or history export
 * names people and holds their faces); a failure is OUTPUT_NOT_WRITABLE with the reason in words.
 */
export async function writeOutputFile(file: string, data: Buffer | string): Promise<void> {
  const path = resolve(file);
  await writeFile(path, data, { mode: 0o600 }).catch((err: unknown) => {
    throw notWritable(path, err, 'OUTPUT_NOT_WRITABLE');
  });
}
