import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SAMPLES } from '../env';
import { makeModel, solid } from '../test-model';

/** Runs the built CLI as a user would (`npx vigil …` resolves to bin/vigil.js). */
function vigil(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

const data = mkdtempSync(join(tmpdir(), 'vigil-cli-classify-'));
const work = mkdtempSync(join(tmpdir(), 'vigil-cli-classify-in-'));

test('classify --json: objects, faces and labels per photo; a bad file is reported, exit 1', () => {
  writeFileSync(join(work, 'notes.jpg'), 'not an image');
  const r = vigil([
    'classify',
    join(SAMPLES, 'sample1.jpg'),
    join(work, 'notes.jpg'),
    '--json',
    '--data',
    data,
  ]);
  expect(r.code, r.stderr).toBe(1);
  const doc = r.json();
  expect(doc).toMatchObject({ code: 'NOT_AN_IMAGE', message: '1 of 2 files failed' });
  const [photo, bad] = doc.results;
  expect(photo).toMatchObject({
    fileName: 'sample1.jpg',
    extension: 'jpg',
    model: 'centernet',
    success: true,
  });
  expect(photo.top[0]).toMatchObject({ classId: 1, label: 'person' });
  expect(photo.objects.length).toBeGreaterThan(0);
  expect(photo.faces).toHaveLength(3);
  for (const f of photo.faces) {
    expect(f.box).toHaveLength(4);
    expect(typeof f.age).toBe('number');
    expect(['female', 'male']).toContain(f.gender);
  }
  expect(bad).toMatchObject({ error: { code: 'NOT_AN_IMAGE' } });
  const human = vigil(['classify', join(SAMPLES, 'sample1.jpg'), '--no-faces', '--data', data]);
  expect(human.code, human.stderr).toBe(0);
  expect(human.stdout).toMatch(/sample1\.jpg .*\[centernet\] person/);
  expect(human.stdout).toMatch(/object person/);
});

test('models import, classify with it and export CSV, then remove', async () => {
  const dir = join(work, 'red-blue');
  makeModel(dir);
  const red = join(work, 'red.png');
  const blue = join(work, 'blue.png');
  await solid(red, { r: 230, g: 10, b: 20 });
  await solid(blue, { r: 10, g: 20, b: 230 });

  const imported = vigil(['models', 'import', dir, '--name', 'Colours', '--json', '--data', data]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.json()).toMatchObject({ name: 'Colours', labels: ['red', 'blue'], format: 'layers' });
  const list = vigil(['models', 'list', '--json', '--data', data]);
  expect(list.json().models.map((m: { name: string }) => m.name)).toEqual([
    'centernet',
    'nanodet',
    'Colours',
  ]);

  const csv = join(work, 'out.csv');
  const r = vigil([
    'classify',
    red,
    blue,
    '--model',
    'Colours',
    '--top',
    '1',
    '--json',
    '--export',
    csv,
    '--data',
    data,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const [a, b] = r.json().results;
  expect(a.top).toEqual([{ classId: 0, label: 'red', score: expect.any(Number) }]);
  expect(b.top[0].label).toBe('blue');
  expect(a.top[0].score).toBeGreaterThan(0.95);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('red.png,png,');
  expect(lines[2]).toContain(',Colours,1,blue,');

  const unknown = vigil(['classify', red, '--model', 'nope', '--json', '--data', data]);
  expect(unknown.code).toBe(2);
  expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });

  const removed = vigil(['models', 'remove', 'Colours', '--json', '--data', data]);
  expect(removed.json()).toEqual({ removed: 'Colours' });
  const after = vigil(['models', 'list', '--data', data]);
  expect(after.stdout).not.toContain('Colours');
  expect(after.stdout).toMatch(/^\* centernet/m);
});

test('an invalid model folder is MODEL_INVALID with the reason and nothing is kept', () => {
  const dir = join(work, 'nolabels');
  makeModel(dir, { labels: ['only-one'], labelsTxt: true });
  const r = vigil(['models', 'import', dir, '--json', '--data', data]);
  expect(r.code).toBe(1);
  expect(r.json()).toMatchObject({
    code: 'MODEL_INVALID',
    details: { reason: 'it gives 2 scores but labels.txt has 1 label' },
  });
  mkdirSync(join(work, 'empty'));
  const plain = vigil(['models', 'import', join(work, 'empty'), '--data', data]);
  expect(plain.code).toBe(1);
  expect(plain.stderr).toMatch(/MODEL_INVALID: empty is not a usable model: there is no model\.json in it/);
  const list = vigil(['models', 'list', '--json', '--data', data]);
  expect(list.json().models).toHaveLength(2);
});

test('a bad --export, or nothing to look for, is refused before any photo is classified: one JSON document', () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-cli-classify-refused-'));
  const photo = join(SAMPLES, 'sample1.jpg');
  const refused = (args: string[], code: string, message: RegExp) => {
    const r = vigil(['classify', photo, ...args, '--json', '--data', own]);
    expect(r.code, r.stderr).toBe(code === 'BAD_INPUT' ? 2 : 1);
    // Exactly one document: JSON.parse fails on a results document followed by an error.
    expect(r.json()).toEqual(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    expect(r.stdout).not.toContain('"results"');
    expect(r.stderr).not.toMatch(/at async|INTERNAL/);
  };
  refused(
    ['--export', '/nonexist/dir/x.csv'],
    'OUTPUT_NOT_WRITABLE',
    /the folder \/nonexist\/dir does not exist/,
  );
  refused(['--export', work, '--format', 'csv'], 'OUTPUT_NOT_WRITABLE', /it is a folder/);
  refused(['--export', join(work, 'x.xlsx')], 'BAD_INPUT', /\.csv or \.json.*not \.xlsx/);
  refused(['--export', photo, '--format', 'csv'], 'BAD_INPUT', /one of the photos/);
  refused(['--no-objects', '--no-faces'], 'BAD_INPUT', /leaves centernet nothing to do/);
  const history = vigil(['history', 'list', '--json', '--data', own]);
  expect(history.json().records).toEqual([]);
});

test('--export names every photo by its absolute path, failed ones too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-classify-rel-'));
  writeFileSync(join(dir, 'fake.jpg'), 'not an image');
  const csv = join(work, 'paths.csv');
  const r = spawnSync(
    process.execPath,
    [
      join(process.cwd(), 'bin/vigil.js'),
      'classify',
      'fake.jpg',
      '--no-faces',
      '--export',
      csv,
      '--data',
      data,
    ],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(1);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  expect(rows[1]).toMatch(new RegExp(`^${join(dir, 'fake.jpg')},jpg,,false,`));
});
