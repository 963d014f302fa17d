import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VigilError } from '../../shared/errors';
import { readBoundedFile } from './read-bounded';
import { tempDir } from './test-support';

/** Paths whose open fails as a file without read permission does (the tests may run as root). */
const denied = new Set<string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      if (denied.has(String(args[0])))
        throw Object.assign(new Error('EACCES (test)'), { code: 'EACCES', path: String(args[0]) });
      return fs.open(...args);
    },
  };
});

const tooLarge = () => new VigilError('IMAGE_TOO_LARGE', 'too large');

describe('readBoundedFile', () => {
  it('tells a file it may not read (FILE_NOT_READABLE) from one that is not there (FILE_NOT_FOUND)', async () => {
    const dir = tempDir();
    const locked = join(dir, 'locked.jpg');
    writeFileSync(locked, 'x');
    denied.add(locked);
    await expect(readBoundedFile(locked, 100, tooLarge)).rejects.toMatchObject({
      code: 'FILE_NOT_READABLE',
      message: `Cannot read ${locked}: no permission (EACCES)`,
    });
    await expect(readBoundedFile(join(dir, 'gone.jpg'), 100, tooLarge)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    const fine = join(dir, 'fine.jpg');
    writeFileSync(fine, 'abc');
    expect((await readBoundedFile(fine, 100, tooLarge)).toString()).toBe('abc');
  });
});
