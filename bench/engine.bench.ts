// Engine figures: model load, detect+describe per photo, and how responsive the answering
// thread stays while the engine works. Run with `npm run bench` (uses the built worker).
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createCore } from '../src/main/core/core';
import { decodeImage } from '../src/main/core/imaging/decode';
import { startServer } from '../src/server/server';
import { fmt, machine, median, percentile, SAMPLES } from './util';

const RUNS = Number(process.env.BENCH_RUNS) || 10;

export async function engineBench(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const portrait = join(data, 'portrait.jpg');
  // A single-face portrait cut from a shipped group photo (face at 334,316 352×352, neighbours ≥ 400 px away).
  await sharp(join(SAMPLES, 'sample1.jpg'))
    .extract({ left: 180, top: 150, width: 560, height: 720 })
    .jpeg()
    .toFile(portrait);
  const core = await createCore({ dataDir: data, mediaUrl: (k) => `/media/${k}` });
  try {
    const t0 = performance.now();
    const info = await core.engine.whenReady();
    const wall = performance.now() - t0;
    if (info.state !== 'ready') throw new Error(`engine failed: ${info.error}`);
    console.log(`\n## Engine — ${machine()}`);
    console.log(
      `backend: ${info.backend}${info.backendReason ? ` (${info.backendReason})` : ''}; wasm simd=${info.wasmFeatures?.simd} threads=${info.wasmFeatures?.threads}; workers=${info.workers}`,
    );
    console.log(
      `model load: ${fmt(info.loadMs ?? NaN)} ms in the worker, ${fmt(wall)} ms until ready (incl. worker start)`,
    );
    for (const m of info.models)
      console.log(`  ${m.name}: ${fmt(m.loadMs ?? NaN)} ms, ${(m.sizeBytes / 1e6).toFixed(1)} MB`);

    for (const [label, file] of [
      ['group photo (sample5.jpg, 1920×1398, 5 faces)', join(SAMPLES, 'sample5.jpg')],
      ['portrait (560×720, 1 face)', portrait],
    ] as const) {
      const img = await decodeImage({ path: file });
      await core.engine.detect(img.rgb); // warm-up: first call compiles kernels
      const times: number[] = [];
      let faces = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        faces = (await core.engine.detect(img.rgb)).length;
        times.push(performance.now() - t);
      }
      console.log(
        `detect+describe, ${label}: median ${fmt(median(times))} ms, p95 ${fmt(percentile(times, 95))} ms over ${RUNS} runs (${faces} faces)`,
      );
    }

    // Enrol and identify end to end, as the app and CLI call them: decode, detect, describe,
    // gates, store writes and the history record.
    const ok = async (channel: Parameters<typeof core.call>[0], input: unknown) => {
      const r = await core.call(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value;
    };
    const enrolTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Each a different file (shifted crop), as different photos of one person would be.
      const photo = join(data, `enrol-${i}.jpg`);
      await sharp(join(SAMPLES, 'sample1.jpg'))
        .extract({ left: 170 + 2 * i, top: 150, width: 560, height: 720 })
        .jpeg()
        .toFile(photo);
      const { id } = (await ok('watchlist.create', { name: `Subject ${i}` })) as { id: string };
      const t = performance.now();
      await ok('watchlist.enroll', { subjectId: id, source: { path: photo } });
      enrolTimes.push(performance.now() - t);
    }
    console.log(
      `enrol end to end, portrait 560×720: median ${fmt(median(enrolTimes))} ms, p95 ${fmt(percentile(enrolTimes, 95))} ms over ${RUNS} photos`,
    );
    for (const [label, file] of [
      ['group photo sample5.jpg, 5 faces', join(SAMPLES, 'sample5.jpg')],
      ['portrait 560×720', portrait],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await ok('match.identify', { source: { path: file } });
        times.push(performance.now() - t);
      }
      console.log(
        `identify end to end, ${label}, ${RUNS} subjects enrolled: median ${fmt(median(times))} ms, p95 ${fmt(percentile(times, 95))} ms over ${RUNS} runs`,
      );
    }

    // Responsiveness: app.health over HTTP every 10 ms while 20 photos are inspected.
    const server = await startServer({ core, port: 0, log: () => {} });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.token}` };
    const photos = Array.from({ length: 20 }, (_, i) => join(SAMPLES, `sample${(i % 6) + 1}.jpg`));
    for (const mode of ['path', 'bytes'] as const) {
      const latencies: number[] = [];
      let running = true;
      const poller = (async () => {
        while (running) {
          const t = performance.now();
          await fetch(`${server.url}/api/call/app.health`, { method: 'POST', headers, body: '{}' });
          latencies.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const t = performance.now();
      for (const p of photos) {
        const source =
          mode === 'path' ? { path: p } : { name: p, bytes: (await readFile(p)).toString('base64') };
        const res = await fetch(`${server.url}/api/call/image.inspect`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ source }),
        });
        if (!res.ok) throw new Error(`inspect failed: ${res.status} ${await res.text()}`);
      }
      const total = performance.now() - t;
      running = false;
      await poller;
      console.log(
        `app.health during a 20-photo inspect (${mode === 'path' ? '{ path }' : '{ name, bytes }'}): p50 ${fmt(median(latencies))} ms, p95 ${fmt(percentile(latencies, 95))} ms, max ${fmt(Math.max(...latencies))} ms over ${latencies.length} calls; inspect ${fmt(total / 20)} ms/photo`,
      );
    }
    await server.close();
  } finally {
    await core.close();
    rmSync(data, { recursive: true, force: true });
  }
}
