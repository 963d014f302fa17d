import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorShape } from '../../../shared/errors';
import { createCore, type Core } from '../core';
import type { CallResult } from '../dispatch';
import { createBackup, restoreBackup } from '../store/backup';
import { locateDataDir } from '../store/data-dir';
import { describeFiles, listDataFiles } from '../store/files';
import { createTestCore, sampleImage, tempDir } from '../test-support';

function ok<T = Record<string, unknown>>(r: CallResult): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
}
function failed(r: CallResult): ErrorShape {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}

/** Every data file of a folder with its size and sha256. */
const snapshot = async (dir: string) => describeFiles(dir, await listDataFiles(dir));

/** A core without inference (no models there: the engine fails at once, no worker starts). */
function storeOnlyCore(dataDir: string, location?: Parameters<typeof createCore>[0]['location']) {
  return createCore({
    dataDir,
    mediaUrl: (k) => '/media/' + k,
    engine: { modelsDir: join(dataDir, '..', 'no-models') },
    location,
  });
}

type Subjects = { subjects: { id: string; name: string; faceCount: number }[] };
const names = async (core: Core) =>
  ok<Subjects>(await core.call('watchlist.list', {}))
    .subjects.map((s) => s.name)
    .sort();

let real: Core;
let realDir: string;
let aliceId: string;
let fixture: string;
let identifyBefore: string[];
let historyBefore: unknown;

const verdicts = (v: unknown) => (v as { faces: { verdict: string }[] }).faces.map((f) => f.verdict);

beforeAll(async () => {
  const root = tempDir();
  realDir = join(root, 'data');
  real = await createTestCore(realDir);
  const face = join(root, 'face.jpg');
  await sharp(sampleImage(1)).extract({ left: 250, top: 230, width: 520, height: 520 }).toFile(face);
  aliceId = ok<{ id: string }>(await real.call('watchlist.create', { name: 'Alice' })).id;
  ok(await real.call('watchlist.enroll', { subjectId: aliceId, source: { path: face } }));
  identifyBefore = verdicts(ok(await real.call('match.identify', { source: { path: sampleImage(1) } })));
  historyBefore = ok(await real.call('history.list', {}));
  // The same data for the tests that need no inference: each restores its own copy.
  fixture = join(root, 'fixture.tar.gz');
  await createBackup(realDir, fixture);
});

afterAll(async () => {
  await real?.close();
});

async function fixtureCore(location?: Parameters<typeof storeOnlyCore>[1]) {
  const root = tempDir();
  const dir = join(root, 'data');
  await restoreBackup(fixture, dir);
  const core = await storeOnlyCore(dir, location);
  return { root, dir, core };
}

describe('data.move', () => {
  it('copies everything, verifies it, switches the running core and leaves the old folder as it was', async () => {
    const before = await snapshot(realDir);
    expect(before.map((f) => f.path)).toEqual(
      expect.arrayContaining(['watchlist.json', 'watchlist.vec', 'history.jsonl', 'faces.vec']),
    );
    expect(before.some((f) => f.path.startsWith('media/'))).toBe(true);
    const target = join(tempDir(), 'nested', 'moved');
    // A shell's job listener (the server's metrics) keeps hearing jobs after the move.
    const finished: string[] = [];
    real.store.history.onFinish((rec) => finished.push(rec.kind));

    const r = ok<{ from: string; to: string; files: number; persisted: boolean; old: { removed: boolean } }>(
      await real.call('data.move', { to: target }),
    );
    expect(r).toMatchObject({ from: realDir, to: target, files: before.length, persisted: false });
    expect(r.old.removed).toBe(false);
    // Everything arrived, byte for byte; the old folder is untouched.
    expect(await snapshot(target)).toEqual(before);
    expect(await snapshot(realDir)).toEqual(before);
    // …and is no longer locked by this process: another Vigil could open it now.
    expect(existsSync(join(realDir, '.vigil.lock'))).toBe(false);

    expect(real.store.dir).toBe(target);
    expect(ok<{ dir: string }>(await real.call('data.info', {})).dir).toBe(target);
    const alice = ok<{ faces: { previewUrl?: string }[] }>(await real.call('watchlist.get', { id: aliceId }));
    expect(alice.faces).toHaveLength(1);
    expect(ok(await real.call('history.list', {}))).toEqual(historyBefore);
    const again = ok(await real.call('match.identify', { source: { path: sampleImage(1) } }));
    expect(verdicts(again)).toEqual(identifyBefore);
    expect(finished).toEqual(['identify']);
    expect(real.store.media.pathOf(before.find((f) => f.path.startsWith('media/'))!.path.slice(6))).toContain(
      target,
    );

    // New work lands in the new folder only.
    ok(await real.call('watchlist.create', { name: 'After the move' }));
    expect(readFileSync(join(target, 'watchlist.json'), 'utf8')).toContain('After the move');
    expect(readFileSync(join(realDir, 'watchlist.json'), 'utf8')).not.toContain('After the move');
  });

  it('remembers the new folder for the next start only when it did not come from --data', async () => {
    const cfgDir = tempDir();
    const configFile = join(cfgDir, 'vigil.json');
    const { core } = await fixtureCore({ source: 'default', configFile });
    try {
      const target = join(tempDir(), 'chosen');
      const r = ok<{ persisted: boolean; source: string }>(await core.call('data.move', { to: target }));
      expect(r).toMatchObject({ persisted: true, source: 'config' });
      expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ version: 1, dataDir: target });
      expect(locateDataDir(undefined, { VIGIL_CONFIG_FILE: configFile })).toEqual({
        dir: target,
        source: 'config',
        configFile,
      });
      // An explicit folder still wins over the remembered one.
      expect(locateDataDir('/elsewhere', { VIGIL_CONFIG_FILE: configFile }).dir).toBe('/elsewhere');
      expect(ok<{ persistent: boolean; source: string }>(await core.call('data.info', {}))).toMatchObject({
        persistent: true,
        source: 'config',
      });
    } finally {
      await core.close();
    }

    const flagged = await fixtureCore({ source: 'flag', configFile: join(cfgDir, 'other.json') });
    try {
      const r = ok<{ persisted: boolean }>(
        await flagged.core.call('data.move', { to: join(tempDir(), 'x') }),
      );
      expect(r.persisted).toBe(false);
      expect(existsSync(join(cfgDir, 'other.json'))).toBe(false);
    } finally {
      await flagged.core.close();
    }
  });

  it('removes the old folder on request, keeping anything that was not Vigil data', async () => {
    const { dir, core } = await fixtureCore();
    try {
      const files = await snapshot(dir);
      const target = join(tempDir(), 'new');
      const r = ok<{ old: { removed: boolean; left: string[] } }>(
        await core.call('data.move', { to: target, removeOld: true }),
      );
      expect(r.old).toEqual({ dir, removed: true, left: [] });
      expect(existsSync(dir)).toBe(false);
      expect(await snapshot(target)).toEqual(files);
      expect(await names(core)).toEqual(['Alice']);

      // A file of the user's in the data folder (not a regular data file) is never deleted.
      mkdirSync(join(target, 'notes'));
      const { symlinkSync } = await import('node:fs');
      symlinkSync('/etc/hostname', join(target, 'notes', 'link'));
      const third = join(tempDir(), 'third');
      const r2 = ok<{ old: { removed: boolean; left: string[] } }>(
        await core.call('data.move', { to: third, removeOld: true }),
      );
      expect(r2.old.removed).toBe(false);
      expect(r2.old.left).toEqual(['notes/link']);
      expect(readdirSync(target)).toEqual(['notes']);
    } finally {
      await core.close();
    }
  });

  it('refuses a non-empty target, one inside the data folder, an unwritable or relative one', async () => {
    const { dir, core } = await fixtureCore();
    try {
      const before = await snapshot(dir);
      const full = tempDir();
      writeFileSync(join(full, 'something.txt'), 'mine');
      expect(failed(await core.call('data.move', { to: full }))).toMatchObject({
        code: 'TARGET_NOT_EMPTY',
        details: { dir: full, reason: 'not-empty' },
      });
      expect(readdirSync(full)).toEqual(['something.txt']);
      const file = join(full, 'something.txt');
      expect(failed(await core.call('data.move', { to: file }))).toMatchObject({
        code: 'TARGET_NOT_EMPTY',
        details: { dir: file, reason: 'file' },
      });

      expect(failed(await core.call('data.move', { to: dir }))).toMatchObject({
        code: 'TARGET_INSIDE_DATA',
        details: { dir, dataDir: dir, reason: 'inside' },
      });
      expect(failed(await core.call('data.move', { to: join(dir, 'media', 'sub') })).code).toBe(
        'TARGET_INSIDE_DATA',
      );
      expect(existsSync(join(dir, 'media', 'sub'))).toBe(false);

      // Under a regular file: no one can create it (root included, unlike a chmod).
      expect(failed(await core.call('data.move', { to: join(file, 'sub') }))).toMatchObject({
        code: 'TARGET_NOT_WRITABLE',
        details: { dir: join(file, 'sub'), reason: 'not-writable', errno: 'ENOTDIR' },
      });
      if (process.getuid?.() !== 0) {
        const locked = join(tempDir(), 'ro');
        mkdirSync(locked);
        chmodSync(locked, 0o500);
        expect(failed(await core.call('data.move', { to: join(locked, 'x') }))).toMatchObject({
          code: 'TARGET_NOT_WRITABLE',
          details: { dir: join(locked, 'x'), reason: 'not-writable', errno: 'EACCES', at: locked },
        });
        chmodSync(locked, 0o700);
      }
      expect(failed(await core.call('data.move', { to: 'relative/dir' }))).toMatchObject({
        code: 'BAD_INPUT',
        details: { dir: 'relative/dir', reason: 'relative' },
      });

      // Nothing changed and the core still works on its own folder.
      expect(core.store.dir).toBe(dir);
      expect(await snapshot(dir)).toEqual(before);
      expect(await names(core)).toEqual(['Alice']);
      ok(await core.call('watchlist.create', { name: 'Still here' }));
      expect(await names(core)).toEqual(['Alice', 'Still here']);
    } finally {
      await core.close();
    }
  });

  it('runs alone: calls made during a move wait for it and use the new folder', async () => {
    const { core } = await fixtureCore();
    try {
      const target = join(tempDir(), 'moved');
      const move = core.call('data.move', { to: target });
      const create = core.call('watchlist.create', { name: 'Queued' });
      const info = ok<{ operation: { kind: string } | null }>(await core.call('data.info', {}));
      expect(info.operation?.kind).toBe('move');
      ok(await move);
      ok(await create);
      expect(readFileSync(join(target, 'watchlist.json'), 'utf8')).toContain('Queued');
      expect(ok<{ operation: unknown }>(await core.call('data.info', {})).operation).toBeNull();
    } finally {
      await core.close();
    }
  });
  it.skipIf(!existsSync('/proc/self'))(
    'fails at once, changing nothing, for a new folder or a backup file under /proc',
    async () => {
      const { dir, core } = await fixtureCore();
      try {
        const before = await snapshot(dir);
        // Node's recursive mkdir never returns for a new folder under /proc.
        const proc = `/proc/${process.pid}`;
        const move = failed(await core.call('data.move', { to: join(proc, 'vigil-data') }));
        expect(move).toMatchObject({
          code: 'TARGET_NOT_WRITABLE',
          details: { errno: 'ENOENT', reason: 'not-writable', at: proc },
        });
        expect(move.message).toContain(`${proc} does not take new files or folders`);
        const file = join(proc, 'vigil', 'backup.tar.gz');
        expect(failed(await core.call('data.backup', { file })).code).toBe('TARGET_NOT_WRITABLE');
        expect(core.store.dir).toBe(dir);
        expect(await snapshot(dir)).toEqual(before);
      } finally {
        await core.close();
      }
    },
  );
});

describe('data.backup and data.restore into a running core', () => {
  it('backs up, then restores over later changes, keeping the replaced data aside', async () => {
    const { root, dir, core } = await fixtureCore();
    try {
      const b = ok<{ file: string | null; fileName: string; files: number; data?: string }>(
        await core.call('data.backup', {}),
      );
      expect(b.file).toBeNull();
      expect(b.fileName).toMatch(/^vigil-backup-.*\.tar\.gz$/);
      const bytes = Buffer.from(b.data!, 'base64');
      const history = ok(await core.call('history.list', {}));

      ok(await core.call('watchlist.create', { name: 'Bob (after the backup)' }));
      ok(await core.call('settings.update', { blur: { style: 'solid' } }));
      expect(await names(core)).toEqual(['Alice', 'Bob (after the backup)']);

      const r = ok<{ files: number; previous: string }>(
        await core.call('data.restore', { source: { name: b.fileName, bytes: b.data! } }),
      );
      expect(r.files).toBe(b.files);
      expect(core.store.dir).toBe(dir);
      expect(await names(core)).toEqual(['Alice']);
      expect(ok<{ blur: { style: string } }>(await core.call('settings.get', {})).blur.style).toBe('blur');
      expect(ok(await core.call('history.list', {}))).toEqual(history);
      expect(readFileSync(join(r.previous, 'watchlist.json'), 'utf8')).toContain('Bob (after the backup)');
      expect(readdirSync(root).filter((f) => f.includes('.restore-'))).toEqual([]);

      // The restored store is the live one: changes are written into the data folder.
      ok(await core.call('watchlist.create', { name: 'Carol' }));
      expect(readFileSync(join(dir, 'watchlist.json'), 'utf8')).toContain('Carol');

      // The same archive by path, written by data.backup itself.
      const file = join(tempDir(), 'b.tar.gz');
      writeFileSync(file, bytes);
      ok(await core.call('data.restore', { source: { path: file } }));
      expect(await names(core)).toEqual(['Alice']);
    } finally {
      await core.close();
    }
  });

  it('writes a backup to a path, refusing an existing file or one inside the data folder', async () => {
    const { dir, core } = await fixtureCore();
    try {
      const out = join(tempDir(), 'backups', 'v.tar.gz');
      const b = ok<{ file: string; bytes: number; data?: string }>(
        await core.call('data.backup', { file: out }),
      );
      expect(b.file).toBe(out);
      expect(b.data).toBeUndefined();
      expect(existsSync(out)).toBe(true);
      expect(failed(await core.call('data.backup', { file: out }))).toMatchObject({
        code: 'TARGET_NOT_EMPTY',
        message: `${out} already exists; choose a new file name`,
        details: { file: out, reason: 'exists' },
      });
      expect(failed(await core.call('data.backup', { file: join(dir, 'x.tar.gz') }))).toMatchObject({
        code: 'TARGET_INSIDE_DATA',
        details: { file: join(dir, 'x.tar.gz'), dataDir: dir, reason: 'inside' },
      });
      expect(failed(await core.call('data.backup', { file: 'x.tar.gz' }))).toMatchObject({
        code: 'BAD_INPUT',
        details: { file: 'x.tar.gz', reason: 'relative' },
      });
      const fresh = join(tempDir(), 'fresh');
      await restoreBackup(out, fresh);
      expect(await snapshot(fresh)).toEqual(await snapshot(dir));
    } finally {
      await core.close();
    }
  });

  it('refuses a damaged or foreign archive and changes nothing', async () => {
    const { root, dir, core } = await fixtureCore();
    try {
      const before = await snapshot(dir);
      const unpacked = tempDir();
      await tar.x({ file: fixture, cwd: unpacked });
      writeFileSync(
        join(unpacked, 'watchlist.json'),
        readFileSync(join(unpacked, 'watchlist.json'), 'utf8').replace('Alice', 'Mallory'),
      );
      const tampered = join(tempDir(), 'tampered.tar.gz');
      await tar.c({ gzip: true, file: tampered, cwd: unpacked }, readdirSync(unpacked));
      expect(failed(await core.call('data.restore', { source: { path: tampered } })).code).toBe(
        'STORE_CORRUPT',
      );
      const junk = { name: 'x.tar.gz', bytes: Buffer.from('not a backup').toString('base64') };
      expect(failed(await core.call('data.restore', { source: junk })).code).toBe('BAD_INPUT');
      // An uploaded name is a label only: '..' or a path writes nowhere else.
      for (const name of ['..', '../../x.tar.gz', 'a/b\\c.tgz'])
        expect(failed(await core.call('data.restore', { source: { ...junk, name } })).code).toBe('BAD_INPUT');
      expect(
        failed(await core.call('data.restore', { source: { path: join(root, 'missing.tgz') } })).code,
      ).toBe('FILE_NOT_FOUND');

      // Truncated mid-archive: refused as damaged, with nothing unpacked left beside the data.
      const whole = readFileSync(fixture);
      const cut = join(tempDir(), 'cut.tar.gz');
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      const truncated = failed(await core.call('data.restore', { source: { path: cut } }));
      expect(truncated).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/truncated/) });

      expect(await snapshot(dir)).toEqual(before);
      expect(readdirSync(root)).toEqual(['data']);
      expect(await names(core)).toEqual(['Alice']);
    } finally {
      await core.close();
    }
  });
});

describe('data dir location', () => {
  it('reports a bad config file and a remembered folder that is gone, never falling back silently', () => {
    const dir = tempDir();
    const cfg = join(dir, 'vigil.json');
    writeFileSync(cfg, '{ nope');
    expect(() => locateDataDir(undefined, { VIGIL_CONFIG_FILE: cfg })).toThrow(/not a valid Vigil config/);
    writeFileSync(cfg, JSON.stringify({ version: 1, dataDir: join(dir, 'gone') }));
    expect(() => locateDataDir(undefined, { VIGIL_CONFIG_FILE: cfg })).toThrow(/is not there/);
    // VIGIL_DATA_DIR and --data do not read it at all.
    expect(locateDataDir(undefined, { VIGIL_CONFIG_FILE: cfg, VIGIL_DATA_DIR: '/env' })).toMatchObject({
      dir: '/env',
      source: 'env',
    });
  });
});
