import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { SAMPLES } from '../env';

const TOKEN = 'crash-test-token';

function serve(data: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/vigil.js', 'serve', '--port', String(port), '--data', data, '--token', TOKEN, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let doc: { url?: string; code?: string; message?: string };
      try {
        doc = JSON.parse(out);
      } catch {
        return; // not the whole document yet
      }
      if (doc.url) resolve({ child, url: doc.url });
      else reject(new Error(`serve failed: ${doc.code} ${doc.message}`));
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

const call = (url: string, channel: string, body: unknown) =>
  fetch(`${url}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('a job cut off by a crash is recorded as interrupted on the next start', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  // A large photo keeps the job running long enough to kill the process in the middle of it.
  const big = join(data, '..', `big-${Date.now()}.jpg`);
  await sharp(join(SAMPLES, 'sample5.jpg')).resize(4000).jpeg().toFile(big);
  const first = await serve(data, 7481);
  void call(first.url, 'match.identify', { source: { path: big } }).catch(() => undefined);
  await expect
    .poll(async () => {
      const r = await call(first.url, 'history.list', { kind: 'identify' });
      return ((await r.json()) as { records: { status: string }[] }).records[0]?.status;
    })
    .toBe('RUNNING');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  const second = await serve(data, 7482);
  try {
    const r = await call(second.url, 'history.list', { kind: 'identify' });
    const rec = (
      (await r.json()) as { records: { status: string; error: { code: string; message: string } | null }[] }
    ).records[0]!;
    expect(rec.status).toBe('ERROR');
    expect(rec.error?.code).toBe('INTERRUPTED');
    expect(rec.error?.message).toMatch(/interrupted/i);
  } finally {
    second.child.kill('SIGTERM');
  }
});

test('Ctrl+C on a batch lets the photo in progress finish, starts no more, and says so', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-cancel-'));
  const photos = mkdtempSync(join(tmpdir(), 'vigil-cancel-photos-'));
  for (let i = 1; i <= 6; i++) await sharp(join(SAMPLES, 'sample5.jpg')).toFile(join(photos, `p${i}.jpg`));
  const child = spawn(process.execPath, ['bin/vigil.js', 'inspect', photos, '--jobs', '1', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Interrupted once the first photo's line is out: the second is then in progress.
  await new Promise<void>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('p1.jpg')) resolve();
    }),
  );
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(130);
  const done = stdout.split('\n').filter((l) => /p\d\.jpg/.test(l)).length;
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(6);
  expect(stderr).toContain(`Cancelled: ${6 - done} of 6 files were not processed`);
  // Every photo that started ended as FINISHED: none left RUNNING to be called interrupted later.
  const list = spawnSync(process.execPath, ['bin/vigil.js', 'history', 'list', '--json', '--data', data], {
    encoding: 'utf8',
  });
  const statuses = (JSON.parse(list.stdout).records as { status: string }[]).map((r) => r.status);
  expect(statuses).toEqual(new Array(done).fill('FINISHED'));
});

test('SIGTERM cancels a batch as Ctrl+C does, with the exit status of SIGTERM (143)', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-term-'));
  const photos = mkdtempSync(join(tmpdir(), 'vigil-term-photos-'));
  for (let i = 1; i <= 4; i++) await sharp(join(SAMPLES, 'sample5.jpg')).toFile(join(photos, `p${i}.jpg`));
  const child = spawn(process.execPath, ['bin/vigil.js', 'inspect', photos, '--jobs', '1', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('p1.jpg') && resolve()),
  );
  child.kill('SIGTERM');
  expect(await exited, stderr).toBe(143);
  expect(stderr).toMatch(/Cancelled: \d of 4 files were not processed/);
});

test('a second Ctrl+C stops a batch at once and records the photo in progress as cancelled', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-stop-'));
  const photos = mkdtempSync(join(tmpdir(), 'vigil-stop-photos-'));
  // Large photos: the one in progress is still running when the second Ctrl+C comes.
  for (let i = 1; i <= 3; i++)
    await sharp(join(SAMPLES, 'sample5.jpg'))
      .resize(4000)
      .jpeg()
      .toFile(join(photos, `p${i}.jpg`));
  const child = spawn(
    process.execPath,
    ['bin/vigil.js', 'inspect', photos, '--jobs', '1', '--json', '--data', data],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The data dir is locked while the batch runs: its history file says when a job is running.
  await expect
    .poll(
      () => {
        try {
          return readFileSync(join(data, 'history.jsonl'), 'utf8');
        } catch {
          return ''; // not created yet
        }
      },
      { timeout: 60_000 },
    )
    .toContain('"status":"RUNNING"');
  child.kill('SIGINT');
  await expect.poll(() => stderr).toContain('cancelling');
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(130);
  // --json still gets its one document, with a code, and says what became of each photo.
  const doc = JSON.parse(stdout) as {
    code: string;
    results: { file: string; error?: { message: string } }[];
  };
  expect(doc.code).toBe('CANCELLED');
  expect(doc.results.map((r) => basename(r.file))).toEqual(['p1.jpg', 'p2.jpg', 'p3.jpg']);
  expect(doc.results[0]!.error?.message).toContain('Stopped by a second Ctrl+C while in progress');
  expect(doc.results[1]!.error?.message).toContain('the batch was cancelled');
  const list = spawnSync(process.execPath, ['bin/vigil.js', 'history', 'list', '--json', '--data', data], {
    encoding: 'utf8',
  });
  const records = JSON.parse(list.stdout).records as { status: string; error: { code: string } | null }[];
  // Recorded before the exit, not left RUNNING to be called INTERRUPTED at this start.
  expect(records.map((r) => [r.status, r.error?.code ?? null])).toEqual([['CANCELLED', 'CANCELLED']]);
});

test('a second Ctrl+C still reports the copies written and a face they leave visible, and writes no more', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-stop-blur-'));
  const photos = mkdtempSync(join(tmpdir(), 'vigil-stop-blur-photos-'));
  const out = mkdtempSync(join(tmpdir(), 'vigil-stop-blur-out-'));
  for (let i = 1; i <= 3; i++)
    await sharp(join(SAMPLES, 'sample5.jpg'))
      .resize(3000)
      .jpeg()
      .toFile(join(photos, `p${i}.jpg`));
  // --thresh 0.99 blurs no face: the self-check reports each copy (a leak to be told, exit 3).
  const child = spawn(
    process.execPath,
    [
      'bin/vigil.js',
      'blur',
      photos,
      '--out',
      out,
      '--thresh',
      '0.99',
      '--jobs',
      '1',
      '--json',
      '--data',
      data,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Stopped once the first copy is out: the second photo is then in progress.
  await expect
    .poll(() => readdirSync(out).filter((f) => f.endsWith('.jpg')).length, { timeout: 120_000 })
    .toBe(1);
  child.kill('SIGINT');
  await expect.poll(() => stderr).toContain('cancelling');
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(3);
  const doc = JSON.parse(stdout) as {
    code: string;
    results: { file: string; output?: string; warning?: { code: string }; error?: { code: string } }[];
  };
  expect(doc.code).toBe('FACES_STILL_DETECTED');
  expect(doc.results[0]!.warning?.code).toBe('FACES_STILL_DETECTED');
  // Every copy in the folder is one the document names: none was written after the stop.
  const written = doc.results.flatMap((r) => (r.output ? [basename(r.output)] : []));
  await new Promise((r) => setTimeout(r, 3000));
  expect(readdirSync(out).sort()).toEqual(written.sort());
});
