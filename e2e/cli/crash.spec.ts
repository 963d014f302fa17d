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

/** A fresh data dir, and `n` copies of sample5.jpg (`width` px wide, or as is) named p1.jpg … */
async function batchOf(name: string, n: number, width?: number): Promise<{ data: string; photos: string }> {
  const data = mkdtempSync(join(tmpdir(), `vigil-${name}-`));
  const photos = mkdtempSync(join(tmpdir(), `vigil-${name}-photos-`));
  for (let i = 1; i <= n; i++) {
    const photo = sharp(join(SAMPLES, 'sample5.jpg'));
    await (width ? photo.resize(width).jpeg() : photo).toFile(join(photos, `p${i}.jpg`));
  }
  return { data, photos };
}

/** `vigil …` as a child to signal: what it printed so far, and its exit status once it ends. */
function vigilChild(args: string[]) {
  const child = spawn(process.execPath, ['bin/vigil.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const said = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (said.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (said.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, said, exited };
}

const historyOf = (data: string) =>
  JSON.parse(
    spawnSync(process.execPath, ['bin/vigil.js', 'history', 'list', '--json', '--data', data], {
      encoding: 'utf8',
    }).stdout,
  ).records as { status: string; error: { code: string } | null }[];

test('Ctrl+C on a batch lets the photo in progress finish, starts no more, and says so', async () => {
  const { data, photos } = await batchOf('cancel', 6);
  const { child, said, exited } = vigilChild(['inspect', photos, '--jobs', '1', '--data', data]);
  // Interrupted once the first photo's line is out: the second is then in progress.
  await expect.poll(() => said.stdout).toContain('p1.jpg');
  child.kill('SIGINT');
  expect(await exited, said.stderr).toBe(130);
  const done = said.stdout.split('\n').filter((l) => /p\d\.jpg/.test(l)).length;
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(6);
  expect(said.stderr).toContain(`Cancelled: ${6 - done} of 6 files were not processed`);
  // Every photo that started ended as FINISHED: none left RUNNING to be called interrupted later.
  expect(historyOf(data).map((r) => r.status)).toEqual(new Array(done).fill('FINISHED'));
});

test('SIGTERM cancels a batch as Ctrl+C does, with the exit status of SIGTERM (143)', async () => {
  const { data, photos } = await batchOf('term', 4);
  const { child, said, exited } = vigilChild(['inspect', photos, '--jobs', '1', '--data', data]);
  await expect.poll(() => said.stdout).toContain('p1.jpg');
  child.kill('SIGTERM');
  expect(await exited, said.stderr).toBe(143);
  expect(said.stderr).toMatch(/Cancelled: \d of 4 files were not processed/);
});

test('a second Ctrl+C stops a batch at once and records the photo in progress as cancelled', async () => {
  // Large photos: the one in progress is still running when the second Ctrl+C comes.
  const { data, photos } = await batchOf('stop', 3, 4000);
  const { child, said, exited } = vigilChild(['inspect', photos, '--jobs', '1', '--json', '--data', data]);
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
  await expect.poll(() => said.stderr).toContain('cancelling');
  child.kill('SIGINT');
  expect(await exited, said.stderr).toBe(130);
  // --json still gets its one document, with a code, and says what became of each photo.
  const doc = JSON.parse(said.stdout) as {
    code: string;
    results: { file: string; error?: { message: string } }[];
  };
  expect(doc.code).toBe('CANCELLED');
  expect(doc.results.map((r) => basename(r.file))).toEqual(['p1.jpg', 'p2.jpg', 'p3.jpg']);
  expect(doc.results[0]!.error?.message).toContain('Stopped by a second Ctrl+C while in progress');
  expect(doc.results[1]!.error?.message).toContain('the batch was cancelled');
  // Recorded before the exit, not left RUNNING to be called INTERRUPTED at this start.
  expect(historyOf(data).map((r) => [r.status, r.error?.code ?? null])).toEqual([['CANCELLED', 'CANCELLED']]);
});

test('a second Ctrl+C still reports the copies written and a face they leave visible, and writes no more', async () => {
  const { data, photos } = await batchOf('stop-blur', 3, 3000);
  const out = mkdtempSync(join(tmpdir(), 'vigil-stop-blur-out-'));
  // --thresh 0.99 blurs no face: the self-check reports each copy (a leak to be told, exit 3).
  const { child, said, exited } = vigilChild([
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
  ]);
  // Stopped once the first copy is out: the second photo is then in progress.
  await expect
    .poll(() => readdirSync(out).filter((f) => f.endsWith('.jpg')).length, { timeout: 120_000 })
    .toBe(1);
  child.kill('SIGINT');
  await expect.poll(() => said.stderr).toContain('cancelling');
  child.kill('SIGINT');
  expect(await exited, said.stderr).toBe(3);
  const doc = JSON.parse(said.stdout) as {
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
