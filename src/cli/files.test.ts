import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../main/core/test-support';
import { expandInputs } from './files';

describe('expandInputs', () => {
  it('walks a folder in natural order (IMG_2 before IMG_10), images only, hidden files left out', async () => {
    const dir = tempDir();
    for (const name of ['IMG_10.jpg', 'IMG_2.jpg', 'IMG_1.png', 'notes.txt', '.hidden.jpg'])
      writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.webp'), '');
    const found = await expandInputs([dir]);
    const inDir = (files: string[]) => files.map((f) => f.slice(dir.length + 1));
    expect(inDir(found.files)).toEqual(['IMG_1.png', 'IMG_2.jpg', 'IMG_10.jpg', 'sub/a.webp']);
    expect(inDir(found.skipped)).toEqual(['.hidden.jpg', 'notes.txt']);
  });

  it('takes a link to a photo and other JPEG names; a link to a folder is left out, and said', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'real.jpg'), '');
    symlinkSync(join(elsewhere, 'real.jpg'), join(dir, 'link.jpg'));
    symlinkSync(elsewhere, join(dir, 'folder-link'));
    symlinkSync(join(elsewhere, 'gone.jpg'), join(dir, 'dangling.jpg'));
    writeFileSync(join(dir, 'scan.jfif'), '');
    writeFileSync(join(dir, 'old.JPE'), '');
    const found = await expandInputs([dir]);
    expect(found.files).toEqual([join(dir, 'link.jpg'), join(dir, 'old.JPE'), join(dir, 'scan.jfif')]);
    expect(found.skipped).toEqual([join(dir, 'dangling.jpg'), join(dir, 'folder-link')]);
  });

  it('names every file, given or found in a folder, by its absolute path', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jpg'), '');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.png'), '');
    // As typed, relative to the working folder: a missing file too (it fails later, named alike).
    const rel = relative(process.cwd(), dir);
    const found = await expandInputs([join(rel, 'a.jpg'), join(rel, 'missing.jpg'), join(rel, 'sub')]);
    expect(found.files).toEqual([join(dir, 'a.jpg'), join(dir, 'missing.jpg'), join(dir, 'sub', 'b.png')]);
  });
});
