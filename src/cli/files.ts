import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS } from '../shared/image-files';

const PHOTO_EXTENSIONS = new Set<string>(IMAGE_EXTENSIONS.map((e) => `.${e}`));

/** The image files of the inputs, and the files found in folders that were left out. */
export interface ExpandedInputs {
  files: string[];
  /** Paths found in folders and not taken: not a photo by extension, hidden, or a link to a folder. */
  skipped: string[];
}

/**
 * Expands folders into the image files they hold (recursively, sorted); a file named directly is
 * kept whatever its extension, so a wrong file gets its own clear error instead of vanishing.
 * Every file is named by its absolute path, as results name their input: a failed file's entry
 * then names it the same way as a done one's (scripts join results back to inputs on `file`).
 */
export async function expandInputs(inputs: string[]): Promise<ExpandedInputs> {
  const found: ExpandedInputs = { files: [], skipped: [] };
  for (const input of inputs.map((i) => resolve(i))) {
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) await walk(input, found);
    else found.files.push(input);
  }
  return found;
}

async function walk(dir: string, found: ExpandedInputs): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  for (const e of entries) {
    const full = join(dir, e.name);
    // Hidden files are left out (macOS's `._photo.jpg` is not a photo), but counted.
    if (e.name.startsWith('.')) {
      found.skipped.push(full);
      continue;
    }
    if (e.isDirectory()) {
      await walk(full, found);
      continue;
    }
    // A link to a photo is taken like the photo; a link to a folder is not walked (it may loop).
    const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile());
    if (isFile && PHOTO_EXTENSIONS.has(extname(e.name).toLowerCase())) found.files.push(full);
    else found.skipped.push(full);
  }
}
