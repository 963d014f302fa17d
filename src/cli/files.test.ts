import { mkdirSync, writeFileSync } from 'node:fs';
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
    expect((await expandInputs([dir])).map((f) => f.slice(dir.length + 1))).toEqual([
      'IMG_1.png',
      'IMG_2.jpg',
      'IMG_10.jpg',
      'sub/a.webp',
    ]);
  });

  it('names every file, given or found in a folder, by its absolute path', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jpg'), '');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.png'), '');
    // As typed, relative to the working folder: a missing file too (it fails later, named alike).
    const rel = relative(process.cwd(), dir);
    expect(await expandInputs([join(rel, 'a.jpg'), join(rel, 'missing.jpg'), join(rel, 'sub')])).toEqual([
      join(dir, 'a.jpg'),
      join(dir, 'missing.jpg'),
      join(dir, 'sub', 'b.png'),
    ]);
  });
});
