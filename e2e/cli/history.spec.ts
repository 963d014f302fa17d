import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { SAMPLES } from '../env';

/** The built CLI as a user runs it, with a config file of its own (never the user's). */
function vigil(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, VIGIL_DATA_DIR: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

let root = '';
let data = '';
// Two history jobs, made without inference: each watchlist export records one.
test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigil-cli-history-'));
  data = join(root, 'data');
  // A command that reads the data refuses a named folder that is not there (a typo in --data).
  const missing = vigil(['watchlist', 'export', join(root, 'a.json'), '--json', '--data', data]);
  expect([missing.code, missing.json().code]).toEqual([1, 'FILE_NOT_FOUND']);
  expect(existsSync(data) || existsSync(join(root, 'a.json'))).toBe(false);
  mkdirSync(data);
  for (const name of ['a.json', 'b.json']) {
    const r = vigil(['watchlist', 'export', join(root, name), '--json', '--data', data]);
    expect(r.code, r.stderr).toBe(0);
  }
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a watchlist export and the data folder are for their owner only', () => {
  test.skip(process.platform === 'win32', 'POSIX modes');
  expect(statSync(join(root, 'a.json')).mode & 0o777).toBe(0o600);
  expect(statSync(data).mode & 0o777).toBe(0o700);
});

test('history list --limit takes a whole number from 1 to 500, as the history.list channel does', () => {
  for (const bad of ['0', 'abc', '-3', '2.7', '501']) {
    const r = vigil(['history', 'list', '--limit', bad, '--json', '--data', data]);
    expect(r.code, bad).toBe(2);
    expect(r.json()).toEqual({
      code: 'BAD_INPUT',
      message: `--limit must be a whole number from 1 to 500, got ${bad}`,
    });
  }
  const one = vigil(['history', 'list', '--limit', '1', '--json', '--data', data]);
  expect(one.code, one.stderr).toBe(0);
  expect(one.json()).toMatchObject({ total: 2, records: [{ kind: 'export' }] });
  // Pages beyond the first: --offset skips the newest.
  const next = vigil(['history', 'list', '--limit', '1', '--offset', '1', '--json', '--data', data]);
  expect(next.code, next.stderr).toBe(0);
  expect(next.json().records[0].id).not.toBe(one.json().records[0].id);
  expect(vigil(['history', 'list', '--offset', '2', '--json', '--data', data]).json().records).toEqual([]);
  const bad = vigil(['history', 'list', '--offset', '-1', '--json', '--data', data]);
  expect(bad.code).toBe(2);
  expect(bad.json().message).toBe('--offset must be a whole number from 0, got -1');
});

test('history export to a place it cannot write says which path and why, with no stack trace', () => {
  const cases: [string, string][] = [
    [join(root, 'missing', 'h.csv'), `the folder ${join(root, 'missing')} does not exist`],
    [join(root, 'a.json', 'h.csv'), `${join(root, 'a.json')} is not a folder`],
    [root, 'it is a folder'],
  ];
  for (const [file, why] of cases) {
    const r = vigil(['history', 'export', file, '--json', '--data', data]);
    expect(r.code, file).toBe(1);
    expect(r.json()).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: `Cannot write ${file}: ${why}` });
    expect(r.stderr).toBe('');
  }
  // A name that is neither .csv nor .json needs --format: never CSV under an .xml name.
  const xml = join(root, 'h.xml');
  const unknown = vigil(['history', 'export', xml, '--json', '--data', data]);
  expect(unknown.code).toBe(2);
  expect(unknown.json()).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/--format/) });
  expect(existsSync(xml)).toBe(false);
  const forced = vigil(['history', 'export', xml, '--format', 'csv', '--json', '--data', data]);
  expect(forced.json(), forced.stderr).toEqual({ file: xml, format: 'csv', records: 2 });
  const file = join(root, 'h.json');
  const ok = vigil(['history', 'export', file, '--json', '--data', data]);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.json()).toEqual({ file, format: 'json', records: 2 });
  // An export never replaces a file without --force, and never writes into the data folder
  // (an export over watchlist.json broke the store).
  const again = vigil(['history', 'export', file, '--json', '--data', data]);
  expect(again.code).toBe(1);
  expect(again.json()).toMatchObject({ code: 'TARGET_NOT_EMPTY', message: expect.stringMatching(/--force/) });
  const replaced = vigil(['history', 'export', file, '--force', '--json', '--data', data]);
  expect(replaced.code, replaced.stderr).toBe(0);
  const store = readFileSync(join(data, 'watchlist.json'));
  for (const args of [
    ['history', 'export', join(data, 'watchlist.json'), '--force'],
    ['watchlist', 'export', join(data, 'watchlist.json'), '--force'],
    ['watchlist', 'export', join(data, 'new-file.json')],
  ]) {
    const r = vigil([...args, '--json', '--data', data]);
    expect(r.code, args.join(' ')).toBe(1);
    expect(r.json()).toMatchObject({ code: 'TARGET_INSIDE_DATA' });
  }
  expect(readFileSync(join(data, 'watchlist.json')).equals(store)).toBe(true);
  expect(existsSync(join(data, 'new-file.json'))).toBe(false);
  expect(vigil(['watchlist', 'list', '--json', '--data', data]).code).toBe(0);
});

test('history delete says how many of the given jobs did not exist, and what became of the rest', () => {
  const dir = join(root, 'delete');
  mkdirSync(dir);
  for (const name of ['c.json', 'd.json', 'e.json'])
    expect(vigil(['watchlist', 'export', join(root, name), '--json', '--data', dir]).code).toBe(0);
  const listed: string[] = vigil(['history', 'list', '--json', '--data', dir])
    .json()
    .records.map((x: { id: string }) => x.id);
  expect(listed).toHaveLength(3);
  const [a, b, c] = listed as [string, string, string];
  const del = (...args: string[]) => vigil(['history', 'delete', ...args, '--json', '--data', dir]);
  const missing = (message: string) => ({ code: 'NOT_FOUND', message });

  expect(del('nope').json()).toEqual(missing('job nope does not exist'));
  expect(del('nope', 'gone').json()).toEqual(missing('none of the 2 jobs exist; nothing was deleted'));
  expect(del(a, 'nope', 'gone').json()).toEqual(
    missing('2 of the 3 jobs do not exist; the other one was deleted'),
  );
  // An id given twice counts once.
  const some = del(b, c, c, 'nope');
  expect(some.code).toBe(1);
  expect(some.json()).toEqual(missing('1 of the 3 jobs does not exist; the other 2 were deleted'));
  expect(vigil(['history', 'list', '--json', '--data', dir]).json().total).toBe(0);
});

test('history show links a job’s photos where the data folder is now, after a move', () => {
  const first = join(root, 'moved-from');
  const r = vigil(['inspect', join(SAMPLES, 'sample5.jpg'), '--json', '--data', first]);
  expect(r.code, r.stderr).toBe(0);
  const moved = join(root, 'moved-to');
  renameSync(first, moved);
  const id = vigil(['history', 'list', '--kind', 'inspect', '--json', '--data', moved]).json().records[0].id;
  const shown = vigil(['history', 'show', id, '--json', '--data', moved]);
  expect(shown.code, shown.stderr).toBe(0);
  const url: string = shown.json().result.previewUrl;
  expect(url.startsWith(pathToFileURL(join(moved, 'media')).href + '/')).toBe(true);
  expect(existsSync(fileURLToPath(url))).toBe(true);
});
