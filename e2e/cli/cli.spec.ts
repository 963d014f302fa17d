import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { SAMPLES } from '../env';

/** Runs the built CLI as a user would (`npx vigil …` resolves to bin/vigil.js). */
function vigil(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

const data = mkdtempSync(join(tmpdir(), 'vigil-cli-'));

test('inspect --json prints one document with boxes and 1024-d descriptors', () => {
  const r = vigil(['inspect', join(SAMPLES, 'sample5.jpg'), '--json', '--data', data]);
  expect(r.code, r.stderr).toBe(0);
  const doc = r.json();
  expect(doc.results).toHaveLength(1);
  const [res] = doc.results;
  expect(res.file).toContain('sample5.jpg');
  // Given relative, named absolute: as identify, enrolment and the history record name it.
  expect(res.file).toBe(resolve(SAMPLES, 'sample5.jpg'));
  expect(res.faces).toHaveLength(5);
  for (const f of res.faces) {
    expect(f.box).toHaveLength(4);
    expect(f.descriptorLength).toBe(1024);
    expect(f.descriptorId).not.toBe('');
  }
});

test('bad inputs exit non-zero with their codes, the good file still done', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bad-'));
  writeFileSync(join(dir, 'notes.jpg'), 'not an image');
  const r = vigil([
    'inspect',
    join(dir, 'notes.jpg'),
    join(dir, 'missing.jpg'),
    join(SAMPLES, 'sample1.jpg'),
    '--json',
    '--data',
    data,
  ]);
  expect(r.code).toBe(1);
  const doc = r.json();
  expect(doc).toMatchObject({ code: 'NOT_AN_IMAGE', message: '2 of 3 files failed' });
  expect(doc.results.map((x: { error?: { code: string } }) => x.error?.code ?? 'ok')).toEqual([
    'NOT_AN_IMAGE',
    'FILE_NOT_FOUND',
    'ok',
  ]);
  const plain = vigil(['inspect', join(dir, 'notes.jpg'), '--data', data]);
  expect(plain.code).toBe(1);
  expect(plain.stderr).toMatch(/NOT_AN_IMAGE/);
  expect(plain.stdout).toBe('');
  const usage = vigil(['inspect', '--json']);
  expect(usage.code).toBe(2);
  expect(usage.json()).toMatchObject({ code: 'BAD_INPUT' });
});

test('watchlist add then identify finds the person and nobody else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wl-'));
  const face = join(dir, 'face.jpg');
  await sharp(join(SAMPLES, 'sample1.jpg'))
    .extract({ left: 250, top: 230, width: 520, height: 520 })
    .toFile(face);
  const add = vigil(['watchlist', 'add', '--name', 'Alice', face, '--json', '--data', data]);
  expect(add.code, add.stderr).toBe(0);
  const subject = add.json().subject;
  expect(subject.faces).toHaveLength(1);
  const id = vigil([
    'identify',
    join(SAMPLES, 'sample1.jpg'),
    join(SAMPLES, 'sample3.jpg'),
    '--json',
    '--data',
    data,
  ]);
  expect(id.code, id.stderr).toBe(0);
  const [one, three] = id.json().results;
  expect(
    one.faces
      .filter((f: { verdict: string }) => f.verdict === 'match')
      .map((f: { candidates: { name: string }[] }) => f.candidates[0]!.name),
  ).toEqual(['Alice']);
  expect(three.faces.every((f: { verdict: string }) => f.verdict === 'no_match')).toBe(true);
  const verify = vigil([
    'verify',
    '--subject',
    subject.id,
    join(SAMPLES, 'sample1.jpg'),
    '--json',
    '--data',
    data,
  ]);
  expect(verify.json()).toMatchObject({ verdict: 'match', subjectId: subject.id });
  const missing = vigil([
    'verify',
    '--subject',
    'nobody',
    join(SAMPLES, 'sample1.jpg'),
    '--json',
    '--data',
    data,
  ]);
  expect(missing.code).toBe(1);
  expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  // A photo without a face: a no_match that says why, not a score of 0.
  const blank = join(dir, 'blank.jpg');
  await sharp({ create: { width: 400, height: 300, channels: 3, background: '#888' } })
    .jpeg()
    .toFile(blank);
  const noFace = vigil(['verify', '--subject', subject.id, blank, '--data', data]);
  expect(noFace.code, noFace.stderr).toBe(0);
  expect(noFace.stdout).toBe(`Alice: no_match (no face found in ${blank})\n`);
});

test('watchlist add enrols two photos at once, each face once, and reports the failures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-add-'));
  const own = mkdtempSync(join(tmpdir(), 'vigil-add-data-'));
  const crop = (m: number) =>
    sharp(join(SAMPLES, 'sample6.jpg'))
      .extract({ left: 177 - m, top: 456 - m, width: 360 + 2 * m, height: 361 + 2 * m })
      .toFile(join(dir, `face-${m}.jpg`));
  await crop(10);
  await crop(40);
  // The same photo under another name: whichever of the two is stored second is a duplicate.
  writeFileSync(join(dir, 'face-10-copy.jpg'), readFileSync(join(dir, 'face-10.jpg')));
  writeFileSync(join(dir, 'notes.jpg'), 'not an image');
  const files = ['face-10.jpg', 'notes.jpg', 'face-10-copy.jpg', 'face-40.jpg'].map((f) => join(dir, f));
  const r = vigil(['watchlist', 'add', '--name', 'Cara', ...files, '--jobs', '2', '--json', '--data', own]);
  expect(r.code, r.stderr).toBe(1);
  const doc = r.json();
  expect(doc.message).toBe('2 of 4 photos failed');
  expect(doc.subject.faces).toHaveLength(2);
  expect(doc.failures.map((f: { code: string }) => f.code).sort()).toEqual(['DUPLICATE', 'NOT_AN_IMAGE']);
  // Listed in the order given, whatever order they finished in.
  const order = (f: { file: string }) => files.indexOf(f.file);
  for (const list of [doc.enrolled, doc.failures]) {
    const places = list.map(order);
    expect(places).toEqual([...places].sort((a: number, b: number) => a - b));
  }
  expect(doc.enrolled.map((f: { file: string }) => f.file)).toContain(files[3]);
});

test('watchlist add leaves no subject behind when none of its photos enrols', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-add-none-'));
  const own = mkdtempSync(join(tmpdir(), 'vigil-add-none-data-'));
  writeFileSync(join(dir, 'notes.jpg'), 'not an image');
  writeFileSync(join(dir, 'more.jpg'), 'not an image either');
  const r = vigil(['watchlist', 'add', '--name', 'Eve', dir, '--json', '--data', own]);
  expect(r.code, r.stderr).toBe(1);
  const doc = r.json();
  expect(doc).toMatchObject({ code: 'NOT_AN_IMAGE', enrolled: [] });
  expect(doc.message).toBe('no subject added: none of the 2 photos could be enrolled');
  expect(doc.failures).toHaveLength(2);
  expect(doc.subject).toBeUndefined();
  const list = vigil(['watchlist', 'list', '--json', '--data', own]);
  expect(list.code, list.stderr).toBe(0);
  expect(list.json()).toEqual({ subjects: [] });
});

test('watchlist enrol, edit and remove-face change a subject already listed', async () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-wl-edit-'));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wl-edit-in-'));
  const photos = [12, 36].map((m) => join(dir, `dora-${m}.jpg`));
  for (const [i, m] of [12, 36].entries()) {
    await sharp(join(SAMPLES, 'sample6.jpg'))
      .extract({ left: 177 - m, top: 456 - m, width: 360 + 2 * m, height: 361 + 2 * m })
      .toFile(photos[i]!);
  }
  const add = vigil([
    'watchlist',
    'add',
    '--name',
    'Dora',
    '--alias',
    'D.',
    '--case',
    'K-9',
    '--json',
    '--data',
    own,
  ]);
  expect(add.code, add.stderr).toBe(0);
  const id: string = add.json().subject.id;

  const enrol = vigil(['watchlist', 'enrol', id, ...photos, '--json', '--data', own]);
  expect(enrol.code, enrol.stderr).toBe(0);
  const enrolled = enrol.json();
  expect(enrolled.subject.faces).toHaveLength(2);
  expect(enrolled.enrolled.map((e: { file: string }) => e.file)).toEqual(photos);
  const second: string = enrolled.enrolled[1].faceId;

  // Only the fields given change; --cover makes a face the subject's photo (first).
  const edit = vigil([
    'watchlist',
    'edit',
    id,
    '--status',
    'caught',
    '--cover',
    second,
    '--json',
    '--data',
    own,
  ]);
  expect(edit.code, edit.stderr).toBe(0);
  const edited = edit.json();
  expect(edited).toMatchObject({ name: 'Dora', aliases: ['D.'], caseRef: 'K-9', status: 'caught' });
  expect(edited.faces[0].id).toBe(second);
  const noAlias = vigil(['watchlist', 'edit', id, '--no-alias', '--json', '--data', own]);
  expect(noAlias.json()).toMatchObject({ aliases: [], caseRef: 'K-9', status: 'caught' });

  const removed = vigil(['watchlist', 'remove-face', id, second, '--json', '--data', own]);
  expect(removed.code, removed.stderr).toBe(0);
  expect(removed.json().faces.map((f: { id: string }) => f.id)).not.toContain(second);
  expect(removed.json().faces).toHaveLength(1);

  // Errors: nothing to change, an unknown face or subject; nothing is changed by them.
  const nothing = vigil(['watchlist', 'edit', id, '--json', '--data', own]);
  expect([nothing.code, nothing.json().code]).toEqual([2, 'BAD_INPUT']);
  const blankName = vigil(['watchlist', 'edit', id, '--name', ' ', '--json', '--data', own]);
  expect([blankName.code, blankName.json().message]).toEqual([
    2,
    '--name must be a name of 1 to 200 characters, not only spaces, without control characters, got " "',
  ]);
  const noFace = vigil(['watchlist', 'edit', id, '--cover', second, '--json', '--data', own]);
  expect([noFace.code, noFace.json().code]).toEqual([1, 'NOT_FOUND']);
  const noSubject = vigil(['watchlist', 'enrol', 'no-such-id', photos[0]!, '--json', '--data', own]);
  expect([noSubject.code, noSubject.json().code]).toEqual([1, 'NOT_FOUND']);
  const shown = vigil(['watchlist', 'show', id, '--json', '--data', own]).json();
  expect(shown).toMatchObject({ status: 'caught', aliases: [], faces: [{}] });

  // list and show read without the lock: the same documents while the app holds the folder
  // (its lock as a running app leaves it: the lock folder, and the pid of a live process).
  const listed = vigil(['watchlist', 'list', '--json', '--data', own]).json();
  mkdirSync(join(own, '.vigil.lock'));
  writeFileSync(join(own, '.vigil.lock.pid'), `${process.pid} ${hostname()} app`);
  try {
    const locked = vigil(['watchlist', 'edit', id, '--notes', 'n', '--json', '--data', own]);
    expect([locked.code, locked.json().code]).toEqual([1, 'STORE_LOCKED']);
    const list = vigil(['watchlist', 'list', '--json', '--data', own]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json()).toEqual(listed);
    expect(vigil(['watchlist', 'show', id, '--json', '--data', own]).json()).toEqual(shown);
  } finally {
    rmSync(join(own, '.vigil.lock'), { recursive: true, force: true });
    rmSync(join(own, '.vigil.lock.pid'), { force: true });
  }
});

test('watchlist import leaves out faces removed here, and a subject none of whose faces it can import', async () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-wl-import-'));
  const other = mkdtempSync(join(tmpdir(), 'vigil-wl-import-other-'));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wl-import-in-'));
  const photos = [12, 36].map((m) => join(dir, `dora-${m}.jpg`));
  for (const [i, m] of [12, 36].entries()) {
    await sharp(join(SAMPLES, 'sample6.jpg'))
      .extract({ left: 177 - m, top: 456 - m, width: 360 + 2 * m, height: 361 + 2 * m })
      .toFile(photos[i]!);
  }
  const add = vigil(['watchlist', 'add', '--name', 'Dora', ...photos, '--json', '--data', own]);
  expect(add.code, add.stderr).toBe(0);
  const { id, faces } = add.json().subject as { id: string; faces: { id: string; sourceFile: string }[] };
  expect(faces).toHaveLength(2);
  // Photos enrol concurrently, so the faces are listed in the order they finished.
  const dora36 = faces.find((f) => f.sourceFile.endsWith('dora-36.jpg'));
  expect(dora36).toBeDefined();
  const file = join(dir, 'w.vigil.json');
  expect(vigil(['watchlist', 'export', file, '--data', own]).code).toBe(0);

  // A face removed after the export does not come back when the same file is imported again.
  expect(vigil(['watchlist', 'remove-face', id, dora36!.id, '--data', own]).code).toBe(0);
  const plain = vigil(['watchlist', 'import', file, '--data', own]);
  expect(plain.code, plain.stderr).toBe(0);
  expect(plain.stdout).toContain(
    'not imported: Dora, dora-36.jpg: this face was removed from the watchlist here',
  );
  const json = vigil(['watchlist', 'import', file, '--json', '--data', own]).json();
  expect(json).toMatchObject({ added: [], refused: [{ subject: 'Dora', code: 'REMOVED_HERE' }] });
  expect(vigil(['watchlist', 'show', id, '--json', '--data', own]).json().faces).toHaveLength(1);

  // Where both faces are enrolled as someone else, Dora is not added as an empty subject.
  expect(vigil(['watchlist', 'add', '--name', 'Eve', ...photos, '--data', other]).code).toBe(0);
  const elsewhere = vigil(['watchlist', 'import', file, '--data', other]);
  expect(elsewhere.code, elsewhere.stderr).toBe(0);
  expect(elsewhere.stdout).toContain('not added: Dora: none of its faces could be imported');
  const list = vigil(['watchlist', 'list', '--json', '--data', other]).json();
  expect(list.subjects.map((s: { name: string }) => s.name)).toEqual(['Eve']);
});

test('usage and environment errors are clear, exit non-zero and leave nothing behind', async () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-errors-'));
  const empty = mkdtempSync(join(tmpdir(), 'vigil-empty-'));
  const history = () => vigil(['history', 'list', '--json', '--data', own]).json().records;

  // A folder with no image makes no subject; --json --version is a document too.
  const ghost = vigil(['watchlist', 'add', '--name', 'Ghost', empty, '--json', '--data', own]);
  expect([ghost.code, ghost.json().code]).toEqual([1, 'BAD_INPUT']);
  expect(vigil(['watchlist', 'list', '--json', '--data', own]).json().subjects).toEqual([]);
  expect(vigil(['--json', '--version']).json()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  const group = vigil(['watchlist', '--json']);
  expect([group.code, group.json().code]).toEqual([2, 'BAD_INPUT']);
  expect(group.json().message).not.toMatch(/outputHelp/);

  // An export into a missing folder fails before the job runs: no job claims a file was written.
  const exported = vigil([
    'watchlist',
    'export',
    join(mkdtempSync(join(tmpdir(), 'vigil-out-')), 'no-such-dir', 'w.vigil'),
    '--json',
    '--data',
    own,
  ]);
  expect([exported.code, exported.json().code]).toEqual([1, 'OUTPUT_NOT_WRITABLE']);
  expect(history()).toEqual([]);

  // An unknown model name is bad usage for classify and every models command alike, and no job.
  const photo = join(SAMPLES, 'sample2.jpg');
  const classify = vigil(['classify', photo, '--model', 'nope', '--json', '--data', own]);
  expect([classify.code, classify.json().code]).toEqual([2, 'NOT_FOUND']);
  const tested = vigil(['models', 'test', 'nope', photo, '--json', '--data', own]);
  expect([tested.code, tested.json().code]).toEqual([2, 'NOT_FOUND']);
  for (const args of [
    ['models', 'default', 'nope'],
    ['models', 'remove', 'nope'],
  ]) {
    const r = vigil([...args, '--json', '--data', own]);
    expect([r.code, r.json().code], args.join(' ')).toEqual([2, 'NOT_FOUND']);
  }
  expect(history()).toEqual([]);
  // The exit statuses are said once, for every command.
  expect(vigil(['--help']).stdout).toMatch(/Exit status: 0 done; 1 failed[^]*2 bad usage[^]*130/);

  // A pattern that gives no file name stops blur before any photo.
  const blur = vigil([
    'blur',
    join(SAMPLES, 'sample2.jpg'),
    '--out',
    join(own, 'out'),
    '--pattern',
    '',
    '--json',
  ]);
  expect([blur.code, blur.json().code]).toEqual([2, 'BAD_INPUT']);
  expect(existsSync(join(own, 'out'))).toBe(false);

  // A port in use: said in words, and the process exits instead of hanging on its engine.
  const busy = createServer();
  await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
  try {
    const port = String((busy.address() as AddressInfo).port);
    const serve = vigil(['serve', '--port', port, '--json', '--data', own]);
    expect(serve.code).toBe(1);
    expect(serve.json()).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/in use/) });
  } finally {
    busy.close();
  }

  // A chosen token that is easy to guess is refused before anything starts.
  const weak = vigil(['serve', '--token', 'a', '--port', '0', '--json', '--data', own]);
  expect([weak.code, weak.json().code]).toEqual([2, 'BAD_INPUT']);
  expect(weak.json().message).toMatch(/16 or more/);
});

test('the data folder: refused when empty, a file, or missing for a command that reads it', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-data-folder-'));
  // `--data "$DIR"` with DIR unset must not fall back to the user's own data.
  const blank = vigil(['watchlist', 'list', '--json', '--data', '']);
  expect([blank.code, blank.json().code]).toEqual([2, 'BAD_INPUT']);
  expect(blank.json().message).toMatch(/--data is empty/);

  const file = join(root, 'notes.txt');
  writeFileSync(file, 'mine');
  const onFile = vigil(['inspect', join(SAMPLES, 'sample2.jpg'), '--json', '--data', file]);
  expect(onFile.code).toBe(1);
  expect(onFile.json()).toMatchObject({
    code: 'BAD_INPUT',
    message: `The data folder ${file} is a file, not a folder`,
  });
  expect(onFile.stderr).not.toMatch(/EEXIST|at async/);
  expect(readFileSync(file, 'utf8')).toBe('mine');

  // A typo in --data: reading commands say so instead of matching against an empty watchlist.
  const typo = join(root, 'dtaa');
  for (const args of [
    ['watchlist', 'list'],
    ['identify', join(SAMPLES, 'sample2.jpg')],
    ['history', 'list'],
  ]) {
    const r = vigil([...args, '--json', '--data', typo]);
    expect([r.code, r.json().code], args.join(' ')).toEqual([1, 'FILE_NOT_FOUND']);
    expect(r.json().message).toContain(`The data folder ${typo} (--data) does not exist`);
  }
  expect(existsSync(typo)).toBe(false);
  // A folder that is there but enrols nobody: every face is no_match, and stderr says why.
  const fresh = join(root, 'fresh');
  mkdirSync(fresh);
  const none = vigil(['identify', join(SAMPLES, 'sample2.jpg'), '--json', '--data', fresh]);
  expect(none.code, none.stderr).toBe(0);
  expect(none.stderr).toContain(`the watchlist in ${fresh} has no enrolled face, so no face can match`);
  expect(none.json().results[0].faces.every((f: { verdict: string }) => f.verdict === 'no_match')).toBe(true);

  // A subject to keep that is not on the watchlist stops blur before any photo is written.
  const out = join(root, 'out');
  const keep = vigil([
    'blur',
    join(SAMPLES, 'sample2.jpg'),
    '--out',
    out,
    '--keep',
    'no-such-subject',
    '--json',
    '--data',
    data,
  ]);
  expect([keep.code, keep.json().code]).toEqual([2, 'BAD_INPUT']);
  expect(keep.json().message).toBe('--keep: not on the watchlist: no-such-subject');
  expect(existsSync(out)).toBe(false);
});

test('search ranks the enrolled face first, says whether it was exact, and refuses contradictory modes', () => {
  const crop = resolve(SAMPLES, 'sample1.jpg');
  // Given relative, the query photo is named absolute, as every command names its input.
  const typed = relative(process.cwd(), crop);
  const exact = vigil(['search', typed, '--source', 'watchlist', '--k', '3', '--json', '--data', data]);
  expect(exact.code, exact.stderr).toBe(0);
  const doc = exact.json();
  expect(doc).toMatchObject({ file: crop, exact: true, metric: 'cosine', source: 'watchlist' });
  expect(doc.results[0]).toMatchObject({ rank: 1, name: 'Alice' });
  const fast = vigil(['search', crop, '--source', 'watchlist', '--approximate', '--json', '--data', data]);
  expect(fast.json()).toMatchObject({ exact: false, results: [{ name: 'Alice' }] });
  const both = vigil(['search', crop, '--exact', '--approximate', '--json', '--data', data]);
  expect(both.code).toBe(2);
  expect(both.json()).toMatchObject({ code: 'BAD_INPUT' });
  // A bad --k or --face is bad usage (2), said in terms of the option, not of a channel.
  for (const [option, value, message] of [
    ['--k', '0', '--k must be a whole number from 1 to 1000, got 0'],
    ['--k', '2.5', '--k must be a whole number from 1 to 1000, got 2.5'],
    ['--face', '-1', '--face must be a whole number from 0 (0 = the largest face), got -1'],
  ] as const) {
    const bad = vigil(['search', crop, option, value, '--json', '--data', data]);
    expect([bad.code, bad.json()]).toEqual([2, { code: 'BAD_INPUT', message }]);
  }
});

test('file fields name every input by its absolute path, failed or done, however it was typed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-paths-'));
  const own = mkdtempSync(join(tmpdir(), 'vigil-paths-data-'));
  const broken = join(dir, 'broken.jpg');
  writeFileSync(broken, 'not a photo');
  const good = resolve(SAMPLES, 'sample6.jpg');
  const typed = [broken, good].map((f) => relative(process.cwd(), f));
  expect(typed.every((f) => !isAbsolute(f))).toBe(true);
  const inspect = vigil(['inspect', ...typed, '--json', '--data', own]);
  expect(inspect.code, inspect.stderr).toBe(1);
  expect(inspect.json().results.map((r: { file: string }) => r.file)).toEqual([broken, good]);
  // A folder's files too.
  const folder = vigil(['identify', relative(process.cwd(), dir), '--json', '--data', own]);
  expect(folder.json().results.map((r: { file: string }) => r.file)).toEqual([broken]);
  const add = vigil(['watchlist', 'add', '--name', 'Fay', ...typed, '--json', '--data', own]);
  expect(add.code, add.stderr).toBe(1);
  const doc = add.json();
  expect(doc.failures.map((f: { file: string }) => f.file)).toEqual([broken]);
  expect(doc.enrolled.map((f: { file: string }) => f.file)).toEqual([good]);
});

test('human output piped into a reader that stops early ends quietly, without an EPIPE stack', async () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-epipe-'));
  // More than a pipe holds (64 KiB), so the CLI is still writing when the reader goes away.
  const record = (i: number) =>
    JSON.stringify({
      id: `job-${i}`,
      kind: 'inspect',
      status: 'FINISHED',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      startedAt: null,
      finishedAt: null,
      inputs: [{ file: `/photos/${i}.jpg`, sha256: null }],
      summary: `photo ${i} `.padEnd(400, '.'),
      error: null,
      feedback: [],
    });
  writeFileSync(join(own, 'history.jsonl'), Array.from({ length: 500 }, (_, i) => record(i) + '\n').join(''));
  const child = spawn(process.execPath, ['bin/vigil.js', 'history', 'list', '--limit', '500', '--data', own]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  // As `| head -1` does: read the first chunk, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  expect(stderr).not.toMatch(/EPIPE|Error/);
  expect(code).toBe(0);
});

test('blur into a new folder under /proc fails with a clear error instead of hanging', () => {
  test.skip(!existsSync('/proc/1'), 'Linux only');
  // Node's recursive mkdir never returns there; SIGKILL, since a stuck blur waits out SIGTERM.
  const r = spawnSync(
    process.execPath,
    [
      'bin/vigil.js',
      'blur',
      join(SAMPLES, 'sample2.jpg'),
      '--out',
      '/proc/1/vigil-out',
      '--json',
      '--data',
      data,
    ],
    { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
  );
  expect(r.signal, 'vigil blur hung').toBeNull();
  expect(r.status, r.stderr).toBe(2);
  expect(JSON.parse(r.stdout)).toMatchObject({
    code: 'OUTPUT_NOT_WRITABLE',
    // Found by the folder check (no write permission there) or by the write itself.
    message: expect.stringMatching(
      /(no permission to write in|does not take new files or folders).*\/proc\/1|\/proc\/1 does not take/,
    ) as unknown,
  });
});

test('blur exports every good file, reports the bad one, and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-blur-'));
  writeFileSync(join(dir, 'broken.jpg'), 'not a photo');
  const out = join(dir, 'out');
  const r = vigil([
    'blur',
    join(SAMPLES, 'sample2.jpg'),
    join(dir, 'broken.jpg'),
    join(SAMPLES, 'sample4.jpg'),
    '--out',
    out,
    '--style',
    'pixelate',
    '--json',
    '--data',
    data,
  ]);
  expect(r.code).toBe(1);
  const doc = r.json();
  expect(doc).toMatchObject({ code: 'NOT_AN_IMAGE', message: '1 of 3 files failed' });
  const [a, bad, b] = doc.results;
  expect(bad.error.code).toBe('NOT_AN_IMAGE');
  for (const [res, faces] of [
    [a, 3],
    [b, 4],
  ] as const) {
    // Every face, plus whatever clutter the small-face pass also hides (blur prefers it to a miss).
    expect(res.regions.length).toBeGreaterThanOrEqual(faces);
    for (const region of res.regions) {
      expect(region.box).toHaveLength(4);
      expect(region.origin).toBe('detected');
    }
    expect(res.selfCheck.facesStillDetected).toEqual([]);
    const meta = await sharp(res.output).metadata();
    expect(meta.exif).toBeUndefined();
  }
  const usage = vigil([
    'blur',
    join(SAMPLES, 'sample2.jpg'),
    '--out',
    out,
    '--scale',
    '99',
    '--json',
    '--data',
    data,
  ]);
  expect(usage.code).toBe(2);
  expect(usage.json()).toMatchObject({ code: 'BAD_INPUT' });
  const jobs = vigil([
    'blur',
    join(SAMPLES, 'sample2.jpg'),
    '--out',
    out,
    '--jobs',
    '0',
    '--json',
    '--data',
    data,
  ]);
  expect(jobs.code).toBe(2);
  expect(jobs.json()).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/--jobs/) });
  // An empty --out (an unset shell variable) is refused, not taken as the working folder.
  const empty = vigil(['blur', join(SAMPLES, 'sample2.jpg'), '--out', '', '--json', '--data', data]);
  expect(empty.code).toBe(2);
  expect(empty.json()).toMatchObject({ code: 'BAD_INPUT', message: '--out must name a folder, got ""' });
});

test('blur: a photo whose name leaves no usable output name fails alone; the photos after it are written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-blank-'));
  const grey = sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } }).png();
  await grey.toFile(join(dir, ' .png'));
  await grey.toFile(join(dir, 'after.png'));
  const out = join(dir, 'out');
  const r = vigil([
    'blur',
    join(dir, ' .png'),
    join(dir, 'after.png'),
    '--pattern',
    '{name}',
    '--jobs',
    '1',
    '--out',
    out,
    '--json',
    '--data',
    data,
  ]);
  expect(r.code).toBe(1);
  const [blank, after] = r.json().results;
  expect(blank.error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('" .png"') });
  expect(after.output).toBe(join(out, 'after.jpg'));
  expect(existsSync(after.output)).toBe(true);
});

test('blur --out on the input folder: a rerun leaves its earlier copies out, and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rerun-'));
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } })
    .png()
    .toFile(join(dir, 'wall.png'));
  const run = () => vigil(['blur', dir, '--out', dir, '--json', '--data', data]);
  const first = run();
  expect(first.code, first.stderr).toBe(0);
  expect(first.json().results.map((r: { output: string }) => basename(r.output))).toEqual([
    'wall.blurred.jpg',
  ]);
  const second = run();
  expect(second.code, second.stderr).toBe(0);
  // Only the original again, not wall.blurred.jpg (which would become wall.blurred.blurred.jpg).
  expect(
    second
      .json()
      .results.map((r: { file: string; output: string }) => [basename(r.file), basename(r.output)]),
  ).toEqual([['wall.png', 'wall.blurred-1.jpg']]);
  expect(second.stderr).toMatch(/1 earlier blurred copy in the output folder left out .*wall\.blurred\.jpg/);
  // The JSON lists what was left out, and why, beside the results (a hidden file too).
  writeFileSync(join(dir, '.hidden.jpg'), 'x');
  expect(run().json().leftOut).toEqual([
    { file: join(dir, '.hidden.jpg'), reason: 'not a photo by name, hidden, or a link to a folder' },
    { file: join(dir, 'wall.blurred-1.jpg'), reason: 'an earlier blurred copy in the output folder' },
    { file: join(dir, 'wall.blurred.jpg'), reason: 'an earlier blurred copy in the output folder' },
  ]);
  expect(first.json().leftOut).toBeUndefined();
});

test('blur --jobs numbers photos of the same name in input order, not in the order they finish', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-names-'));
  for (const sub of ['a', 'b', 'out']) mkdirSync(join(dir, sub));
  // The first photo has 64 times the pixels of the second, which finishes first.
  copyFileSync(join(SAMPLES, 'sample5.jpg'), join(dir, 'a', 'photo.jpg'));
  await sharp(join(SAMPLES, 'sample2.jpg'))
    .resize(240)
    .jpeg()
    .toFile(join(dir, 'b', 'photo.jpg'));
  writeFileSync(join(dir, 'out', 'photo.blurred.jpg'), 'an earlier export');
  const r = vigil([
    'blur',
    join(dir, 'a', 'photo.jpg'),
    join(dir, 'b', 'photo.jpg'),
    '--out',
    join(dir, 'out'),
    '--jobs',
    '2',
    '--json',
    '--data',
    data,
  ]);
  // 3 would be a face still detectable: beside the point here.
  expect([0, 3], r.stdout + r.stderr).toContain(r.code);
  const outputs = (r.json().results as { output: string }[]).map((res) => basename(res.output));
  expect(outputs).toEqual(['photo.blurred-1.jpg', 'photo.blurred-2.jpg']);
  expect(readFileSync(join(dir, 'out', 'photo.blurred.jpg'), 'utf8')).toBe('an earlier export');
});

test('blur exits 3 when a written copy still shows a detectable face, and says so on stderr', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'vigil-leak-')), 'out');
  // --thresh 1 blurs no face; the self-check still looks at the built-in threshold.
  const args = ['blur', join(SAMPLES, 'sample2.jpg'), '--out', out, '--thresh', '1', '--data', data];
  const json = vigil([...args, '--json']);
  expect(json.code, json.stderr).toBe(3);
  const doc = json.json();
  expect(doc).toMatchObject({ code: 'FACES_STILL_DETECTED', message: expect.stringMatching(/1 of 1/) });
  const [res] = doc.results;
  expect(res.selfCheck.facesStillDetected.length).toBeGreaterThanOrEqual(3);
  expect(existsSync(res.output)).toBe(true);
  expect(res.warning).toMatchObject({ code: 'FACES_STILL_DETECTED', details: { output: res.output } });

  const human = vigil(args);
  expect(human.code, human.stderr).toBe(3);
  // The result line on stdout, the warning on stderr only.
  expect(human.stdout).toMatch(/sample2\.jpg -> .*sample2\.blurred-1\.jpg {2}0 blurred\n$/);
  expect(human.stdout).not.toMatch(/WARNING|FACES_STILL_DETECTED/);
  expect(human.stderr).toMatch(/FACES_STILL_DETECTED: .*sample2\.blurred-1\.jpg: \d+ faces still detectable/);
});

test('history delete removes jobs, and with its last job a photo’s preview and seen faces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-forget-'));
  const photo = join(SAMPLES, 'sample2.jpg');
  const inspected = vigil(['inspect', photo, '--json', '--data', dir]);
  expect(inspected.code, inspected.stderr).toBe(0);
  const sha: string = inspected.json().results[0].sha256;
  // faces.jsonl replayed: faces added, then tombstones ({ id, deleted }) of faces removed.
  const seenOf = () => {
    const faces = new Map<string, string>();
    for (const line of readFileSync(join(dir, 'faces.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      const v = JSON.parse(line) as { id?: string; deleted?: boolean; photoSha256?: string };
      if (v.deleted) faces.delete(v.id!);
      else if (v.id) faces.set(v.id, v.photoSha256!);
    }
    return [...faces.values()].filter((p) => p === sha).length;
  };
  const kept = () => existsSync(join(dir, 'media', 'previews', `${sha}.jpg`));
  expect([seenOf(), kept()]).toEqual([3, true]);

  // Usage errors: neither ids nor --before, or both.
  expect(vigil(['history', 'delete', '--json', '--data', dir]).code).toBe(2);
  expect(vigil(['history', 'delete', 'x', '--before', '2020-01-01', '--json', '--data', dir]).code).toBe(2);
  const badDate = vigil(['history', 'delete', '--before', 'last tuesday', '--json', '--data', dir]);
  expect(badDate.code).toBe(2);
  expect(badDate.json()).toMatchObject({ code: 'BAD_INPUT' });
  expect(vigil(['history', 'delete', 'x', '--kind', 'inspect', '--json', '--data', dir]).code).toBe(2);
  // Nothing that old.
  const none = vigil(['history', 'delete', '--before', '2000-01-01', '--json', '--data', dir]);
  expect(none.json()).toEqual({ deleted: 0 });
  expect(kept()).toBe(true);

  const id: string = vigil(['history', 'list', '--json', '--data', dir]).json().records[0].id;
  const r = vigil(['history', 'delete', id, '--json', '--data', dir]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.json()).toEqual({ deleted: 1 });
  expect([seenOf(), kept()]).toEqual([0, false]);
  const again = vigil(['history', 'delete', id, '--json', '--data', dir]);
  expect(again.code).toBe(1);
  expect(again.json()).toMatchObject({ code: 'NOT_FOUND' });
});

test('two commands on one data folder at once: the second waits for the first, and both are done', async () => {
  const own = mkdtempSync(join(tmpdir(), 'vigil-twice-'));
  const run = (name: string, photo: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [
        'bin/vigil.js',
        'watchlist',
        'add',
        '--name',
        name,
        join(SAMPLES, photo),
        '--face',
        '0',
        '--json',
        '--data',
        own,
      ]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  const [a, b] = await Promise.all([run('First', 'sample2.jpg'), run('Second', 'sample5.jpg')]);
  expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
  expect(a.stderr + b.stderr).toMatch(/waiting for another vigil command \(pid \d+\) to finish/);
  const names = vigil(['watchlist', 'list', '--json', '--data', own])
    .json()
    .subjects.map((s: { name: string }) => s.name)
    .sort();
  expect(names).toEqual(['First', 'Second']);
});
