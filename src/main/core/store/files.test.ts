import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support';
import { makeDirs, replaceFileDurably } from './files';

/** Every sync and rename, in order; the rename can be made to fail (a full disk). */
const fsLog = vi.hoisted(() => ({ steps: [] as string[], failRename: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const { basename } = await import('node:path');
  const name = (p: string) => (basename(p).endsWith('.tmp') ? 'temp' : basename(p));
  return {
    ...fs,
    open: async (path: string, flags?: string) => {
      const fh = await fs.open(path, flags);
      const sync = (what: string, real: () => Promise<void>) => async () => {
        fsLog.steps.push(`${what} ${name(path)}`);
        return real();
      };
      return Object.assign(fh, {
        datasync: sync('datasync', fh.datasync.bind(fh)),
        sync: sync('sync', fh.sync.bind(fh)),
      });
    },
    rename: async (from: string, to: string) => {
      if (fsLog.failRename) throw Object.assign(new Error('ENOSPC (test)'), { code: 'ENOSPC' });
      fsLog.steps.push(`rename ${name(from)} → ${name(to)}`);
      return fs.rename(from, to);
    },
  };
});

describe('replaceFileDurably', () => {
  it('syncs the new content before the rename, then the folder, so a power cut keeps one whole file', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    writeFileSync(file, 'old');
    fsLog.steps.length = 0;
    await replaceFileDurably(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(fsLog.steps).toEqual(['datasync temp', 'rename temp → doc.json', `sync ${dir.split('/').pop()}`]);
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });

  it('leaves the old file and no temp file when the write fails', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    writeFileSync(file, 'old');
    fsLog.failRename = true;
    await expect(replaceFileDurably(file, 'new')).rejects.toThrow(/ENOSPC/);
    fsLog.failRename = false;
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });
});

describe('makeDirs', () => {
  it('makes each missing folder, returning the first, and fails with the real errno and folder', async () => {
    const root = tempDir();
    expect(await makeDirs(join(root, 'a', 'b'))).toBe(join(root, 'a'));
    expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
    expect(await makeDirs(join(root, 'a', 'b'))).toBeUndefined();
    writeFileSync(join(root, 'f'), 'x');
    await expect(makeDirs(join(root, 'f'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeDirs(join(root, 'f', 'x', 'y'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    // Node's recursive mkdir never returns here.
    if (existsSync('/proc/self'))
      await expect(makeDirs(`/proc/${process.pid}/x/y`)).rejects.toMatchObject({
        code: 'ENOENT',
        path: `/proc/${process.pid}/x`,
      });
  });
});
