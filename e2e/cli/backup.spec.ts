import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SAMPLES } from '../env';

/** The built CLI as a user runs it, with a config file of its own (never the user's). */
function vigil(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, VIGIL_DATA_DIR: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

// The second test reads the data the first one made.
test.describe.configure({ mode: 'serial' });

let root = '';
let data = '';
test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigil-cli-backup-'));
  data = join(root, 'data');
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('vigil backup then vigil restore into an empty folder gives the same watchlist and history', () => {
  const add = vigil(['watchlist', 'add', '--name', 'Backup Bob', '--json', '--data', data]);
  expect(add.code, add.stderr).toBe(0);
  const inspect = vigil(['inspect', join(SAMPLES, 'sample2.jpg'), '--json', '--data', data]);
  expect(inspect.code, inspect.stderr).toBe(0);

  const archive = join(root, 'b.tar.gz');
  const b = vigil(['backup', archive, '--json', '--data', data]);
  expect(b.code, b.stderr).toBe(0);
  expect(b.json()).toMatchObject({ file: archive });
  expect(b.json().files).toBeGreaterThan(3);

  const restored = join(root, 'restored');
  const r = vigil(['restore', archive, '--json', '--data', restored]);
  expect(r.code, r.stderr).toBe(0);
  // Named, as the backup names the file it wrote.
  expect(r.json()).toEqual({ file: archive, previous: null, files: b.json().files });

  const list = (dir: string) => vigil(['watchlist', 'list', '--json', '--data', dir]).json();
  expect(list(restored)).toEqual(list(data));
  const history = (dir: string) => vigil(['history', 'list', '--json', '--data', dir]).json();
  expect(history(restored)).toEqual(history(data));

  const junk = join(root, 'junk.tar.gz');
  writeFileSync(junk, 'not an archive');
  const bad = vigil(['restore', junk, '--json', '--data', restored]);
  expect(bad.code).not.toBe(0);
  expect(bad.json().code).toBe('BAD_INPUT');
  expect(list(restored)).toEqual(list(data));

  const none = vigil(['backup', join(root, 'x.tar.gz'), '--json', '--data', join(root, 'nothing-here')]);
  expect(none.code).not.toBe(0);
  expect(none.json().code).toBe('FILE_NOT_FOUND');
  expect(existsSync(join(root, 'nothing-here'))).toBe(false);
});

test('vigil restore refuses a truncated backup as damaged and leaves nothing unpacked beside the data', () => {
  const whole = readFileSync(join(root, 'b.tar.gz'));
  const cut = join(root, 'cut.tar.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  const target = join(root, 'from-cut');
  const r = vigil(['restore', cut, '--json', '--data', target]);
  expect(r.code).toBe(1);
  expect(r.json()).toMatchObject({
    code: 'BAD_INPUT',
    message: expect.stringContaining('cut.tar.gz is truncated'),
  });
  // The staging folder held face crops: it must be gone, and no cleanup error on stderr.
  expect(readdirSync(root).filter((f) => f.includes('.restore-'))).toEqual([]);
  expect(existsSync(target)).toBe(false);
  expect(r.stderr).toBe('');
});

test('vigil backup refuses a file inside the data folder or in a missing folder, as data.backup does', () => {
  // Every later backup would hold it.
  for (const file of [join(data, 'self.tar.gz'), join(data, 'media', 'self.tar.gz')]) {
    const r = vigil(['backup', file, '--json', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ code: 'TARGET_INSIDE_DATA' });
    expect(existsSync(file)).toBe(false);
  }
  // A folder that does not exist: said in words, as data.backup does, not INTERNAL.
  const nowhere = join(root, 'no-such-folder', 'b.tar.gz');
  const r = vigil(['backup', nowhere, '--json', '--data', data]);
  expect(r.code).toBe(1);
  expect(r.json()).toMatchObject({
    code: 'TARGET_NOT_WRITABLE',
    message: expect.stringMatching(/does not exist/),
  });
});

test('a data folder remembered in the config file is used when --data is not given', () => {
  const config = join(root, 'vigil.json');
  writeFileSync(config, JSON.stringify({ version: 1, dataDir: data }));
  const r = vigil(['watchlist', 'list', '--json'], { VIGIL_CONFIG_FILE: config });
  expect(r.code, r.stderr).toBe(0);
  expect(r.json().subjects.map((s: { name: string }) => s.name)).toContain('Backup Bob');

  // --data still wins.
  mkdirSync(join(root, 'other'));
  const other = vigil(['watchlist', 'list', '--json', '--data', join(root, 'other')], {
    VIGIL_CONFIG_FILE: config,
  });
  expect(other.json().subjects).toEqual([]);

  // A remembered folder that is gone is an error, not a fresh empty store.
  writeFileSync(config, JSON.stringify({ version: 1, dataDir: join(root, 'unplugged') }));
  const gone = vigil(['watchlist', 'list', '--json'], { VIGIL_CONFIG_FILE: config });
  expect(gone.code).not.toBe(0);
  expect(gone.json().code).toBe('FILE_NOT_FOUND');
  expect(existsSync(join(root, 'unplugged'))).toBe(false);
});

test('vigil backup refuses a data folder Vigil cannot open: its archive could never be restored', () => {
  const damaged = join(root, 'damaged');
  const made = vigil(['watchlist', 'add', '--name', 'Damaged Dan', '--json', '--data', damaged]);
  expect(made.code, made.stderr).toBe(0);
  const list = join(damaged, 'watchlist.json');
  writeFileSync(list, readFileSync(list, 'utf8').slice(0, 20));
  const archive = join(root, 'damaged.tar.gz');
  const r = vigil(['backup', archive, '--json', '--data', damaged]);
  expect(r.code).toBe(1);
  expect(r.json()).toMatchObject({
    code: 'STORE_CORRUPT',
    message: expect.stringMatching(/^Not backed up: .*watchlist\.json.*copy the folder as it is instead/),
  });
  expect(existsSync(archive)).toBe(false);
  // The damaged file is left as it was.
  expect(readFileSync(list, 'utf8')).toHaveLength(20);
});
