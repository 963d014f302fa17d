import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../main/core/test-support';
import { checkWritableFile, writeOutputFile } from './output-file';

describe('output files of exports', () => {
  it('refuses a file inside the data folder, whatever its name', async () => {
    const data = tempDir();
    mkdirSync(join(data, 'media'));
    for (const file of [join(data, 'watchlist.json'), join(data, 'media', 'new.csv')])
      await expect(checkWritableFile(file, 'OUTPUT_NOT_WRITABLE', { dataDir: data })).rejects.toMatchObject({
        code: 'TARGET_INSIDE_DATA',
      });
  });

  it('refuses a file that exists unless forced; forced, it is replaced and readable by its owner only', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'precious', { mode: 0o644 });
    const target = { dataDir: tempDir() };
    await expect(checkWritableFile(file, 'OUTPUT_NOT_WRITABLE', target)).rejects.toMatchObject({
      code: 'TARGET_NOT_EMPTY',
      message: expect.stringContaining('--force') as unknown,
      details: { file, reason: 'exists' },
    });
    expect(readFileSync(file, 'utf8')).toBe('precious');
    await checkWritableFile(file, 'OUTPUT_NOT_WRITABLE', { ...target, force: true });
    await writeOutputFile(file, 'export', true);
    expect(readFileSync(file, 'utf8')).toBe('export');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('does not replace a file that appeared after the check, and leaves no temporary file', async () => {
    const dir = tempDir();
    const file = join(dir, 'export.json');
    await checkWritableFile(file, 'OUTPUT_NOT_WRITABLE', { dataDir: tempDir() });
    writeFileSync(file, 'meanwhile');
    await expect(writeOutputFile(file, 'export')).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
    expect(readFileSync(file, 'utf8')).toBe('meanwhile');
    await writeOutputFile(join(dir, 'new.json'), 'export');
    expect(statSync(join(dir, 'new.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'new.json'), 'utf8')).toBe('export');
  });
});
