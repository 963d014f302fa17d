import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.bmp',
]);

/**
 * Expands folders into the image files they hold (recursively, sorted); a file named directly is
 * kept whatever its extension, so a wrong file gets its own clear error instead of vanishing.
 * Every file is named by its absolute path, as results name their input: a failed file's entry
 * then names it the same way as a done one's (scripts join results back to inputs on `file`).
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs.map((i) => resolve(i))) {
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) out.push(...(await walk(input)));
    else out.push(input);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(full);
  }
  return out;
}
