import { open, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { VigilError } from '../../shared/errors';

const CHUNK = 1 << 20;

/**
 * Reads a file the user named, whole, as long as it is a regular file of at most `maxBytes`.
 * Anything else is refused before it is opened: a FIFO blocks the open (and a libuv thread, which
 * the store's writes then wait for) until a writer comes, and /dev/zero never ends. Bytes are
 * counted as they are read too, since /proc and /sys files say they hold 0 and hold more.
 * `tooLarge` words the refusal, given the file's size, or null where only reading found it too large.
 */
export async function readBoundedFile(
  path: string,
  maxBytes: number,
  tooLarge: (size: number | null) => VigilError,
): Promise<Buffer> {
  // Relative to what? The server's or the app's working folder is no place the user chose.
  if (!isAbsolute(path))
    throw new VigilError('BAD_INPUT', `Give ${path} as an absolute path`, {
      file: path,
      reason: 'relative',
    });
  const cannotRead = (err: NodeJS.ErrnoException) => {
    // There but not ours to read is not "not found": a script retrying or skipping needs to know.
    if (err.code === 'EACCES' || err.code === 'EPERM')
      throw new VigilError('FILE_NOT_READABLE', `Cannot read ${path}: no permission (${err.code})`, {
        file: path,
      });
    throw new VigilError('FILE_NOT_FOUND', `Cannot read ${path}: ${err.code ?? err.message}`, { file: path });
  };
  const info = await stat(path).catch(cannotRead);
  if (!info.isFile()) throw new VigilError('BAD_INPUT', `${path} is not a file`, { file: path });
  if (info.size > maxBytes) throw tooLarge(info.size);
  const fh = await open(path, 'r').catch(cannotRead);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // A file that gives its size is read in one piece (plus the read that finds its end). Sizes
    // are multiples of 8: some kernel files (pagemap) refuse other reads.
    let size = Math.max(CHUNK, Math.ceil((info.size + 1) / 8) * 8);
    for (; ; size = CHUNK) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await fh.read(buf, 0, size, null).catch(cannotRead);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(null);
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
    // One piece (the usual case) is returned as is: no second copy of a large photo.
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}
