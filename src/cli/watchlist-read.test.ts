import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { Core } from '../main/core/core';
import { enrolledSubject, tempDir } from '../main/core/test-support';
import { DESCRIPTOR_MODEL, openStore } from '../main/core/store/store';
import { VigilError } from '../shared/errors';
import { CliFailure } from './output';
import { withWatchlistReader } from './watchlist-read';

/** A data dir with subject `s1` (one face), held by a live process (a server) as its lock says. */
async function lockedDataDir(model = DESCRIPTOR_MODEL): Promise<string> {
  const dir = tempDir();
  const store = await openStore(dir);
  const row = await store.watchlistVectors.append([new Float32Array(store.watchlistVectors.dim)]);
  store.watchlist.data.subjects.push(enrolledSubject(row));
  store.watchlist.data.model = model;
  await store.watchlist.write();
  await store.close();
  mkdirSync(join(dir, '.vigil.lock'));
  writeFileSync(join(dir, '.vigil.lock.pid'), `${process.ppid} ${hostname()} server`);
  await expect(openStore(dir)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
  return dir;
}

const media = (dir: string, key: string) => pathToFileURL(join(dir, 'media', key)).href;

describe('watchlist list|show without the lock', () => {
  it('reads through the channels while a server holds the folder, never opening a core', async () => {
    const dir = await lockedDataDir();
    const before = readdirSync(dir).sort();
    const withCore = vi.fn();
    const [list, found, none, shown] = await withWatchlistReader({ data: dir }, withCore, async (read) => [
      await read('watchlist.list', {}),
      await read('watchlist.list', { query: 'oba' }),
      await read('watchlist.list', { query: 'nobody' }),
      await read('watchlist.get', { id: 's1' }),
    ]);
    expect(withCore).not.toHaveBeenCalled();
    const { faces, ...fields } = enrolledSubject(0);
    // As the contract's output gives them: the face's row and keys stay inside the store.
    expect(list).toEqual({
      subjects: [{ ...fields, faceCount: 1, thumbnailUrl: media(dir, 'crops/w1.jpg') }],
    });
    expect(found).toEqual(list);
    expect(none).toEqual({ subjects: [] });
    expect(shown).toEqual({
      ...fields,
      faces: faces.map(({ row: _row, sourceKey: _s, previewKey, cropKey, ...f }) => ({
        ...f,
        cropUrl: media(dir, cropKey),
        sourceUrl: media(dir, previewKey),
      })),
    });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("fails as the core's channels do: an unknown subject, a query over the limit", async () => {
    const dir = await lockedDataDir();
    const shapeOf = (channel: 'watchlist.get' | 'watchlist.list', input: object) =>
      withWatchlistReader({ data: dir }, vi.fn(), (read) => read(channel, input as never)).then(
        () => null,
        (err: unknown) => (err instanceof CliFailure ? err.shape : err),
      );
    expect(await shapeOf('watchlist.get', { id: 'nope' })).toEqual({
      code: 'NOT_FOUND',
      message: 'No subject nope on the watchlist',
      details: { subjectId: 'nope' },
    });
    expect(await shapeOf('watchlist.list', { query: 'x'.repeat(201) })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^Invalid input for watchlist\.list: query/) as unknown,
    });
  });

  it('opens a watchlist of another face model as before, saying why while another Vigil has it', async () => {
    const dir = await lockedDataDir('human/faceres+mobileface-aligned');
    const locked = new VigilError('STORE_LOCKED', `A Vigil server (pid 1) is using ${dir}: stop it first`, {
      dir,
      pid: 1,
      role: 'server',
    });
    const withCore = vi.fn(() => Promise.reject(locked));
    const err = await withWatchlistReader({ data: dir, json: true }, withCore, (read) =>
      read('watchlist.list', {}),
    ).catch((e: unknown) => e);
    expect(withCore).toHaveBeenCalledWith({ data: dir, json: true, readsData: true }, expect.any(Function));
    expect(err).toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringMatching(
        /^A Vigil server \(pid 1\) is using .*: stop it first \(its watchlist was enrolled with another face model, human\/faceres\+mobileface-aligned: /,
      ) as unknown,
      details: { dir, pid: 1, role: 'server' },
    });
    // Once the folder is free the core opens it (and describes the faces again): its result is given.
    const core = { call: async () => ({ ok: true as const, value: { subjects: [] } }) };
    const free = vi.fn((_opts: unknown, run: (core: Core) => Promise<unknown>) =>
      run(core as unknown as Core),
    );
    expect(
      await withWatchlistReader({ data: dir }, free as never, (read) => read('watchlist.list', {})),
    ).toEqual({
      subjects: [],
    });
  });
});
