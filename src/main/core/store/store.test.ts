import { chmodSync, mkdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSeenPhoto, enrolledSubject, tempDir } from '../test-support';
import { DESCRIPTOR_DIM, openStore } from './store';

describe('openStore', () => {
  it('creates an empty store and reopens what was written', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = await openStore(dir);
    expect([store.faces.size, store.faces.model]).toEqual([0, 'human/faceres+mobileface-aligned-flip']);
    expect(store.vectors.dim).toBe(DESCRIPTOR_DIM);
    // Seen faces come from a job, which is recorded first.
    await store.history.create('inspect', [{ file: 'p.jpg', sha256: 'a'.repeat(64) }]);
    const v = new Float32Array(DESCRIPTOR_DIM).map((_, i) => i / 7);
    const row = await store.vectors.append([v]);
    await store.faces.replacePhoto('a'.repeat(64), [
      {
        id: 'f1',
        row,
        photoSha256: 'a'.repeat(64),
        file: 'p.jpg',
        box: [1, 2, 3, 4],
        score: 0.9,
        seenAt: 'now',
      },
    ]);
    await store.close();

    const again = await openStore(dir);
    try {
      expect(again.faces.size).toBe(1);
      expect(again.vectors.rows).toBe(1);
      expect(Array.from(await again.vectors.read(again.faces.get('f1')!.row))).toEqual(Array.from(v));
    } finally {
      await again.close();
    }
  });

  it('opens a watchlist.json written before removed faces were recorded', async () => {
    const dir = tempDir();
    const doc = { version: 1, model: 'human/faceres+mobileface-aligned-flip', subjects: [] };
    await writeFile(join(dir, 'watchlist.json'), JSON.stringify(doc));
    const store = await openStore(dir);
    try {
      expect(store.watchlist.data.removedFaceIds).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a data folder that is a file, or lies under one, as BAD_INPUT naming it', async () => {
    const file = join(tempDir(), 'notes.txt');
    await writeFile(file, 'mine');
    await expect(openStore(file)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `The data folder ${file} is a file, not a folder`,
    });
    await expect(openStore(join(file, 'data'))).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('is a file, not a folder') as unknown,
    });
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it.runIf(process.platform === 'linux')(
    'refuses a data folder that cannot be made as TARGET_NOT_WRITABLE naming it',
    async () => {
      await expect(openStore('/proc/vigil-data')).rejects.toMatchObject({
        code: 'TARGET_NOT_WRITABLE',
        message:
          'The data folder /proc/vigil-data cannot be used: /proc does not take new files or folders (ENOENT)',
        details: { dir: '/proc/vigil-data', errno: 'ENOENT', reason: 'unusable', at: '/proc' },
      });
    },
  );

  it('refuses to open over a corrupt faces.json and leaves it as it was', async () => {
    const dir = tempDir();
    await writeFile(join(dir, 'faces.json'), '{"version":1,"faces":');
    await expect(openStore(dir)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(await readFile(join(dir, 'faces.json'), 'utf8')).toBe('{"version":1,"faces":');
  });
});

describe('data dir permissions', () => {
  it.skipIf(process.platform === 'win32')(
    'closes the data folder to other accounts, made or found open',
    async () => {
      const made = join(tempDir(), 'made');
      await (await openStore(made)).close();
      expect(statSync(made).mode & 0o777).toBe(0o700);
      const found = join(tempDir(), 'found');
      mkdirSync(found);
      chmodSync(found, 0o755);
      await (await openStore(found)).close();
      expect(statSync(found).mode & 0o777).toBe(0o700);
    },
  );
});

describe('data dir lock', () => {
  it('lets one process at a time own a data dir, and frees it on close', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    const second = await openStore(dir).catch((e: unknown) => e);
    expect((second as { code?: string }).code).toBe('STORE_LOCKED');
    await first.close();
    const third = await openStore(dir);
    await third.close();
  });
});

describe('data dir lock lost while open', () => {
  it('takes the lock back when its refresh finds it gone, and still closes cleanly', async () => {
    const { existsSync, rmSync } = await import('node:fs');
    const dir = tempDir();
    const store = await openStore(dir);
    // As a stalled refresh or a hand-deleted lock leaves it: the refresh (every 5 s) finds it gone.
    rmSync(join(dir, '.vigil.lock'), { recursive: true });
    await new Promise((r) => setTimeout(r, 6_500));
    expect(existsSync(join(dir, '.vigil.lock'))).toBe(true);
    const second = await openStore(dir).catch((e: unknown) => e);
    expect((second as { code?: string }).code).toBe('STORE_LOCKED');
    await store.close();
    expect(existsSync(join(dir, '.vigil.lock'))).toBe(false);
  }, 15_000);
});

describe('data dir lock after a crash', () => {
  it('takes over a lock whose owner process is gone', async () => {
    const { spawnSync } = await import('node:child_process');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const dir = tempDir();
    // A lock as a killed process leaves it: the lock dir and the pid of a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    mkdirSync(join(dir, '.vigil.lock'));
    writeFileSync(join(dir, '.vigil.lock.pid'), `${dead.stdout} ${hostname()}`);
    const store = await openStore(dir);
    await store.close();
  });

  it('refuses while the owner is alive', async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const dir = tempDir();
    mkdirSync(join(dir, '.vigil.lock'));
    writeFileSync(join(dir, '.vigil.lock.pid'), `${process.ppid} ${hostname()}`);
    const err = await openStore(dir).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('STORE_LOCKED');
  });

  it.each([
    [
      'server',
      /^A Vigil server \(pid \d+\) is using .*: stop it first, or send the request to its local API/,
    ],
    ['app', /^The Vigil app \(pid \d+\) is using .*: close it first/],
    ['cli', /^Another vigil command \(pid \d+\) is using .*: wait for it to finish$/],
  ])('says who holds it and what to do: a %s', async (role, message) => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const dir = tempDir();
    mkdirSync(join(dir, '.vigil.lock'));
    writeFileSync(join(dir, '.vigil.lock.pid'), `${process.ppid} ${hostname()} ${role}`);
    const err = await openStore(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringMatching(message),
      details: { role },
    });
  });
});

const v = new Float32Array(DESCRIPTOR_DIM).fill(0.01);

/** A store with one enrolled face (watchlist.vec row 0) and one seen face (faces.vec row 0). */
async function storeWithFaces(dir: string): Promise<void> {
  const store = await openStore(dir);
  const row = await store.watchlistVectors.append([v]);
  store.watchlist.data.subjects.push(enrolledSubject(row));
  await store.watchlist.write();
  // Seen faces come from a job, which is recorded first.
  await store.history.create('inspect', [{ file: 'p.jpg', sha256: 'a'.repeat(64) }]);
  await addSeenPhoto(store.faces, store.vectors, 'a'.repeat(64), [v], () => 'f1');
  await store.close();
}

describe('vector files that lost rows', () => {
  for (const name of ['watchlist.vec', 'faces.vec']) {
    it(`refuses a ${name} cut short, emptied or removed as STORE_CORRUPT, and leaves it so`, async () => {
      const { rmSync, statSync, truncateSync, existsSync } = await import('node:fs');
      const dir = tempDir();
      await storeWithFaces(dir);
      const file = join(dir, name);
      for (const damage of [() => truncateSync(file, 16), () => truncateSync(file, 0), () => rmSync(file)]) {
        damage();
        const size = existsSync(file) ? statSync(file).size : null;
        const err = await openStore(dir).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'STORE_CORRUPT', details: { file } });
        expect(existsSync(file) ? statSync(file).size : null).toBe(size);
      }
    });
  }
});

describe('documents lost while their data is still there', () => {
  /** Every file under `dir` with its bytes (the lock aside). */
  async function snapshot(dir: string): Promise<Record<string, string>> {
    const { readdirSync, readFileSync } = await import('node:fs');
    const out: Record<string, string> = {};
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || e.name.startsWith('.vigil.lock')) continue;
      const file = join(e.parentPath, e.name);
      out[file] = readFileSync(file).toString('base64');
    }
    return out;
  }

  /** A data dir as scans and an enrolment leave it: lists, descriptors, media, a job. */
  async function usedDataDir(): Promise<string> {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const dir = tempDir();
    await storeWithFaces(dir);
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    for (const key of [
      `sources/${b}.img`,
      'crops/w1.jpg',
      `previews/${b}.jpg`,
      'crops/f1.jpg',
      `previews/${a}.jpg`,
      `thumbs/${a}.jpg`,
    ]) {
      mkdirSync(join(dir, 'media', key.split('/')[0]!), { recursive: true });
      writeFileSync(join(dir, 'media', key), 'jpeg');
    }
    return dir;
  }

  const removed =
    (...names: string[]) =>
    (dir: string) =>
      names.forEach((n) => rmSync(join(dir, n)));
  const emptied = (name: string) => (dir: string) => truncateSync(join(dir, name), 0);
  const damages: [lost: string, how: string, damage: (dir: string) => void][] = [
    ['watchlist.json', 'removed', removed('watchlist.json')],
    ['history.jsonl', 'removed', removed('history.jsonl')],
    ['history.jsonl', 'cut to zero bytes', emptied('history.jsonl')],
    ['faces.jsonl', 'removed', removed('faces.jsonl')],
    ['faces.jsonl', 'cut to zero bytes', emptied('faces.jsonl')],
    // Its descriptors gone too: the seen faces' crops still say it held faces.
    ['faces.jsonl', 'removed with faces.vec', removed('faces.jsonl', 'faces.vec')],
  ];
  for (const [name, how, damage] of damages) {
    it(`refuses a ${name} ${how} as STORE_CORRUPT while its data is there, changing nothing`, async () => {
      const dir = await usedDataDir();
      damage(dir);
      const before = await snapshot(dir);
      const err = await openStore(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'STORE_CORRUPT', details: { file: join(dir, name) } });
      expect(await snapshot(dir)).toEqual(before);
    });
  }

  it('opens a data dir whose first enrolment stopped after its descriptor, before the list', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.watchlistVectors.append([v]);
    await store.close();
    const again = await openStore(dir);
    expect([again.watchlist.data.subjects, again.watchlistVectors.rows]).toEqual([[], 1]);
    await again.close();
  });
});
