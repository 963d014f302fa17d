import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const rec = ((await r.json()) as { records: { status: string; error: { message: string } | null }[] })
      .records[0]!;
    expect(rec.status).toBe('ERROR');
    expect(rec.error?.message).toMatch(/interrupted/);
  } finally {
    second.child.kill('SIGTERM');
  }
});
