import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { enrolledSubject, tempDir } from '../test-support';
import { DESCRIPTOR_DIM, DESCRIPTOR_MODEL, openStore, readWatchlist, type StoredSubject } from './store';

const v = new Float32Array(DESCRIPTOR_DIM).fill(0.01);

/** A data dir with one subject and its face (watchlist.vec row 0), as enrolment leaves it. */
async function enrolledDataDir(): Promise<string> {
  const dir = tempDir();
  const store = await openStore(dir);
  const row = await store.watchlistVectors.append([v]);
  store.watchlist.data.subjects.push(enrolledSubject(row));
  await store.watchlist.write();
  await store.close();
  return dir;
}

/** Every entry under `dir` (lock, temp files and dot files included) with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    out[path] = e.isFile() ? readFileSync(path).toString('base64') : e.isDirectory() ? 'dir' : 'other';
  }
  return out;
}

/**
 * The data dir locked by another process, as a running app holds it: proper-lockfile's lock
 * (refreshed) and the pid file beside it. Resolves once it is held; ended when the test ends.
 */
async function lockedByAnotherProcess(dir: string): Promise<void> {
  const lockfile = createRequire(import.meta.url).resolve('proper-lockfile');
  const script = `
    const lockfile = require(${JSON.stringify(lockfile)});
    const fs = require('node:fs');
    const dir = ${JSON.stringify(dir)};
    lockfile.lock(dir, { lockfilePath: dir + '/.vigil.lock', stale: 15000, update: 5000 }).then(() => {
      fs.writeFileSync(dir + '/.vigil.lock.pid', process.pid + ' ' + ${JSON.stringify(hostname())} + ' app');
      process.stdout.write('locked\\n');
    });
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => void child.kill());
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the locking process exited (${code})`)));
  });
}

describe('readWatchlist (no lock)', () => {
  it('reads while another process holds the lock, and writes nothing', async () => {
    const dir = await enrolledDataDir();
    await lockedByAnotherProcess(dir);
    // The lock is real: opening the store is refused.
    await expect(openStore(dir)).rejects.toMatchObject({ code: 'STORE_LOCKED', details: { role: 'app' } });
    const before = snapshot(dir);
    const doc = await readWatchlist(dir);
    expect(doc.subjects).toEqual([enrolledSubject(0)]);
    expect([doc.model, doc.removedFaceIds]).toEqual([DESCRIPTOR_MODEL, []]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('reads beside a store open in this process that keeps writing, each read one whole document', async () => {
    const dir = await enrolledDataDir();
    const store = await openStore(dir);
    let writing = true;
    // Enrolment's order: the descriptor appended, then the document naming it (atomic rename).
    const writer = (async () => {
      for (let i = 1; i <= 40; i++) {
        await store.watchlistChange(async () => {
          const row = await store.watchlistVectors.append([v]);
          const s: StoredSubject = { ...enrolledSubject(row), id: `s${i + 1}`, notes: 'n'.repeat(20_000) };
          s.faces = s.faces.map((f) => ({ ...f, id: `w${i + 1}` }));
          await store.watchlist.update((doc) => {
            doc.subjects.push(s);
          });
        });
      }
      writing = false;
    })();
    const seen: number[] = [];
    try {
      while (writing) {
        const doc = await readWatchlist(dir);
        // Never a half document: every subject whole, in the order they were added.
        expect(doc.subjects.map((s) => s.id)).toEqual(doc.subjects.map((_, k) => `s${k + 1}`));
        expect(doc.subjects.every((s) => s.faces.length === 1)).toBe(true);
        seen.push(doc.subjects.length);
      }
      await writer;
    } finally {
      await store.close();
    }
    expect((await readWatchlist(dir)).subjects).toHaveLength(41);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reads a folder that does not exist as an empty watchlist, and makes nothing', async () => {
    const dir = join(tempDir(), 'not-yet');
    const doc = await readWatchlist(dir);
    expect(doc).toEqual({ version: 1, model: DESCRIPTOR_MODEL, subjects: [], removedFaceIds: [] });
    expect(existsSync(dir)).toBe(false);
    // Nor in a folder that holds no store yet.
    const empty = tempDir();
    expect((await readWatchlist(empty)).subjects).toEqual([]);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('refuses a data folder that is a file as openStore does', async () => {
    const file = join(tempDir(), 'notes.txt');
    await writeFile(file, 'mine');
    await expect(readWatchlist(file)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `The data folder ${file} is a file, not a folder`,
    });
  });

  const damages: [what: string, damage: (dir: string) => void][] = [
    ['watchlist.json not JSON', (d) => writeFileSync(join(d, 'watchlist.json'), '{"version":1,')],
    ['watchlist.json cut to zero bytes', (d) => truncateSync(join(d, 'watchlist.json'), 0)],
    ['watchlist.json removed with its descriptors kept', (d) => rmSync(join(d, 'watchlist.json'))],
    [
      'watchlist.json of a newer schema',
      (d) => writeFileSync(join(d, 'watchlist.json'), JSON.stringify({ version: 2, subjects: [] })),
    ],
    [
      'watchlist.json not matching its schema',
      (d) => writeFileSync(join(d, 'watchlist.json'), JSON.stringify({ version: 1, subjects: 'x' })),
    ],
    ['watchlist.vec cut short', (d) => truncateSync(join(d, 'watchlist.vec'), 16)],
    ['watchlist.vec removed', (d) => rmSync(join(d, 'watchlist.vec'))],
    ['watchlist.vec not an embedding file', (d) => writeFileSync(join(d, 'watchlist.vec'), 'x'.repeat(5136))],
  ];
  for (const [what, damage] of damages) {
    it(`gives openStore's error for ${what}, changing nothing`, async () => {
      const dir = await enrolledDataDir();
      const copy = tempDir();
      damage(dir);
      await cp(dir, copy, { recursive: true });
      const before = snapshot(dir);
      const read = await readWatchlist(dir).catch((e: unknown) => e);
      expect(snapshot(dir)).toEqual(before);
      const opened = await openStore(copy).catch((e: unknown) => e);
      expect(read).toMatchObject({ code: expect.stringMatching(/^STORE_/) as unknown });
      const same = (e: unknown) => JSON.parse(JSON.stringify(e).replaceAll(copy, dir)) as unknown;
      expect({ ...(read as object), message: (read as Error).message }).toEqual(
        same({ ...(opened as object), message: (opened as Error).message }),
      );
    });
  }

  it('reads a document of an earlier shape (no removedFaceIds) without rewriting it', async () => {
    const dir = await enrolledDataDir();
    const doc = { version: 1, model: DESCRIPTOR_MODEL, subjects: [enrolledSubject(0)] };
    writeFileSync(join(dir, 'watchlist.json'), JSON.stringify(doc));
    const before = snapshot(dir);
    expect((await readWatchlist(dir)).removedFaceIds).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('reads a watchlist of another descriptor model as it is, for the caller to decide', async () => {
    const dir = await enrolledDataDir();
    const doc = { version: 1, model: 'human/faceres+mobileface-aligned', subjects: [enrolledSubject(0)] };
    writeFileSync(join(dir, 'watchlist.json'), JSON.stringify(doc));
    const before = snapshot(dir);
    expect((await readWatchlist(dir)).model).toBe('human/faceres+mobileface-aligned');
    expect(snapshot(dir)).toEqual(before);
  });
});
