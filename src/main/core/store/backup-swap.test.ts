import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support';
import { createBackup, restoreBackup } from './backup';
import { openStore } from './store';

/** Every rename backup.ts makes, with whether its source was locked then; one can be made to fail. */
const fsSpy = vi.hoisted(() => ({
  renames: [] as { from: string; locked: boolean }[],
  failFrom: null as RegExp | null,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const { existsSync: exists } = await import('node:fs');
  const { join: joinPath } = await import('node:path');
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      fsSpy.renames.push({ from, locked: exists(joinPath(from, '.vigil.lock')) });
      if (fsSpy.failFrom?.test(from)) throw Object.assign(new Error('EXDEV (test)'), { code: 'EXDEV' });
      return fs.rename(from, to);
    },
  };
});

/** A data dir the store opens (no inference needed), with one file of its own. */
async function storeDir(dir: string, note: string): Promise<string> {
  const store = await openStore(dir);
  await store.close();
  writeFileSync(join(dir, 'note.txt'), note);
  return dir;
}

describe('restoreBackup swapping the restored folder in', () => {
  it('holds the old folder locked until it is moved aside, and leaves no lock behind', async () => {
    const root = tempDir();
    const archive = join(root, 'b.tar.gz');
    await createBackup(await storeDir(join(root, 'src'), 'restored'), archive);
    const data = await storeDir(join(root, 'data'), 'old');

    fsSpy.renames.length = 0;
    const r = await restoreBackup(archive, data);

    // No other Vigil could open the old data between the lock check and the move aside.
    expect(fsSpy.renames.find((x) => x.from === data)).toEqual({ from: data, locked: true });
    expect(r.previous).not.toBeNull();
    const lockFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.vigil.lock'));
    expect(lockFiles(r.previous!)).toEqual([]);
    expect(lockFiles(data)).toEqual([]);
    expect(readFileSync(join(data, 'note.txt'), 'utf8')).toBe('restored');
    expect(readFileSync(join(r.previous!, 'note.txt'), 'utf8')).toBe('old');
    // Both open again: nothing is left locked.
    for (const dir of [data, r.previous!]) await (await openStore(dir)).close();
  });

  it('refuses a data dir another Vigil has open, changing nothing', async () => {
    const root = tempDir();
    const archive = join(root, 'b.tar.gz');
    await createBackup(await storeDir(join(root, 'src'), 'restored'), archive);
    const data = await storeDir(join(root, 'data'), 'old');
    const open = await openStore(data);
    try {
      const err = await restoreBackup(archive, data).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('STORE_LOCKED');
    } finally {
      await open.close();
    }
    expect(readdirSync(root).sort()).toEqual(['b.tar.gz', 'data', 'src']);
    expect(readFileSync(join(data, 'note.txt'), 'utf8')).toBe('old');
  });

  it('puts the old folder back when the restored one cannot take its place', async () => {
    const root = tempDir();
    const archive = join(root, 'b.tar.gz');
    await createBackup(await storeDir(join(root, 'src'), 'restored'), archive);
    const data = await storeDir(join(root, 'data'), 'old');
    fsSpy.failFrom = /\.restore-\d+$/;
    try {
      const err = await restoreBackup(archive, data).catch((e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('EXDEV');
    } finally {
      fsSpy.failFrom = null;
    }
    expect(readdirSync(root).sort()).toEqual(['b.tar.gz', 'data', 'src']);
    expect(readFileSync(join(data, 'note.txt'), 'utf8')).toBe('old');
    await (await openStore(data)).close();
  });
});
