import { access, constants, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliFailure } from './output';

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'EIO';

const cannotWrite = (file: string, why: string) =>
  new CliFailure({ code: 'TARGET_NOT_WRITABLE', message: `Cannot write ${resolve(file)} (${why})` });

/**
 * Fails unless `file` can be written (its folder exists and is writable, and it is not a
 * folder): checked before a job runs, so no job is recorded for a file that is never written.
 */
export async function checkWritableFile(file: string): Promise<void> {
  const target = await stat(file).catch(() => null);
  if (target?.isDirectory()) throw cannotWrite(file, 'it is a folder');
  await access(dirname(resolve(file)), constants.W_OK).catch((err: unknown) => {
    throw cannotWrite(file, errno(err) === 'ENOENT' ? 'no such folder' : errno(err));
  });
}

/** Writes a command's output file; a failure is TARGET_NOT_WRITABLE with the reason. */
export async function writeOutputFile(file: string, data: Buffer | string): Promise<void> {
  await writeFile(file, data).catch((err: unknown) => {
    throw cannotWrite(file, errno(err));
  });
}
