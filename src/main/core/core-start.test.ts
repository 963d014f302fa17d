import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Engine } from './engine/engine';
import { HistoryLog } from './store/history-log';
import { openStore } from './store/store';
import { createTestCore, tempDir } from './test-support';

describe('createCore failing after the engine started', () => {
  it('says which path is wrong, closes the engine and releases the data dir', async () => {
    const data = tempDir();
    await (await openStore(data)).close();
    // A file where the media folder of face crops must be: the start-up sweep meets it.
    mkdirSync(join(data, 'media'));
    writeFileSync(join(data, 'media', 'crops'), 'x');
    const closed = vi.spyOn(Engine.prototype, 'close');

    const err = await createTestCore(data).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_CORRUPT' });
    expect((err as Error).message).toContain(join(data, 'media', 'crops'));
    expect(closed).toHaveBeenCalled();
    // Another Vigil may open it now: the lock went with the failed start.
    await (await openStore(data)).close();
  }, 30_000);
});

describe('moving the data folder when the new one fails its start-up steps', () => {
  it('keeps the folder in use open and current, and fails the move', async () => {
    const root = tempDir();
    const core = await createTestCore(join(root, 'a'));
    try {
      await core.call('watchlist.create', { name: 'Ana' });
      // The new folder's history cannot be pruned: its start-up steps fail after the switch.
      const prune0 = HistoryLog.prototype.prune;
      const prune = vi.spyOn(HistoryLog.prototype, 'prune').mockImplementation(function (
        this: HistoryLog,
        ...a
      ) {
        if (this.file.startsWith(join(root, 'b')))
          return Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
        return prune0.apply(this, a);
      });
      const moved = await core.call('data.move', { to: join(root, 'b') });
      prune.mockRestore();
      expect(moved.ok).toBe(false);
      // Still working on the first folder, not on the closed copy.
      expect(await core.call('data.info', {})).toMatchObject({ ok: true, value: { dir: join(root, 'a') } });
      const list = await core.call('watchlist.list', {});
      expect(list).toMatchObject({ ok: true, value: { subjects: [{ name: 'Ana' }] } });
      await expect(core.call('watchlist.create', { name: 'Bea' })).resolves.toMatchObject({ ok: true });
    } finally {
      await core.close();
    }
  }, 30_000);
});
