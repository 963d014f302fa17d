import { access, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { VigilError } from '../../../shared/errors';
import { replaceFileDurably } from './files';

/** Media keys are `kind/name.ext` with a fixed alphabet: nothing else reaches the disk. */
const KEY = /^(previews|thumbs|crops|sources|exports)\/[A-Za-z0-9_-]{1,128}\.(jpg|png|webp|img)$/;

export type MediaKind = 'previews' | 'thumbs' | 'crops' | 'sources' | 'exports';

/** The name part of a key: `previews/<sha256>.jpg` → `<sha256>` (a photo's, for previews and thumbs). */
export const nameOfKey = (key: string) => key.slice(key.indexOf('/') + 1, key.lastIndexOf('.'));

export class MediaStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'media');
  }

  /** Absolute path for a key; throws for anything that is not a well-formed key under root. */
  pathOf(key: string): string {
    if (!KEY.test(key)) throw new VigilError('NOT_FOUND', 'No such media');
    const full = resolve(this.root, key);
    if (!full.startsWith(this.root + sep)) throw new VigilError('NOT_FOUND', 'No such media');
    return full;
  }

  /**
   * The path of a stored file to serve to a page: Vigil writes media as plain files, so a link
   * (which could point out of the data folder) or a FIFO (which would never answer) is not one.
   */
  async servedPathOf(key: string): Promise<string> {
    const full = this.pathOf(key);
    if (!(await lstat(full).catch(() => null))?.isFile()) throw new VigilError('NOT_FOUND', 'No such media');
    return full;
  }

  async has(key: string): Promise<boolean> {
    return access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  /** Deletes the file of `key`; a key with no file is not an error. */
  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Every stored key of one kind (half-written temp files are not keys). */
  async keys(kind: MediaKind): Promise<string[]> {
    const dir = join(this.root, kind);
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      if (err.code === 'ENOTDIR')
        throw new VigilError('STORE_CORRUPT', `${dir} is a file where Vigil keeps a folder; move it away`, {
          file: dir,
        });
      throw err;
    });
    return names.map((n) => `${kind}/${n}`).filter((k) => KEY.test(k));
  }

  /** Writes atomically and durably, so neither a reader nor a crash sees half a file. */
  async put(key: string, data: Buffer): Promise<void> {
    const full = this.pathOf(key);
    await mkdir(dirname(full), { recursive: true });
    await replaceFileDurably(full, data);
  }
}
