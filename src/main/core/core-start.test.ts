import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Engine } from './engine/engine';
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
