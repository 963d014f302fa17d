// Blur throughput on 12-MP JPEGs end to end (decode, detect with the small-face pass, blur,
// encode, write, self-check) through the same `blur.export` channel the CLI and the app use:
// photos per second, and process memory after every photo (flat = no leak over a batch).
// `BLUR_PHOTOS=500 npm run bench -- blur` for the issue's 500-photo batch; `BLUR_JOBS=2` blurs two
// photos at once on two engine workers, as `vigil blur` does on two cores. `BLUR_FROM=DIR` blurs
// the JPEGs in DIR as they are instead (crowd photos: many faces per photo), each in turn.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { createCore } from '../src/main/core/core';
import { fmt, machine, SAMPLES } from './util';

const PHOTOS = Number(process.env.BLUR_PHOTOS) || 20;
const DISTINCT = 4;
/** Photos in flight at once, each on its own engine worker (`vigil blur --jobs`). */
const JOBS = Number(process.env.BLUR_JOBS) || 1;

/** A 4000×3000 photo: one sample photo enlarged, so its faces are 350–700 px, plus JPEG noise. */
async function twelveMegapixel(n: number): Promise<Buffer> {
  return sharp(join(SAMPLES, `sample${(n % 6) + 1}.jpg`))
    .resize(4000, 3000, { fit: 'cover' })
    .jpeg({ quality: 88 })
    .toBuffer();
}

export async function blurBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-blur-'));
  const core = await createCore({
    dataDir: join(dir, 'data'),
    mediaUrl: (k) => `/media/${k}`,
    engine: { workers: JOBS },
  });
  try {
    const info = await core.engine.whenReady();
    if (info.state !== 'ready') throw new Error(`engine failed: ${info.error}`);
    const from = process.env.BLUR_FROM;
    const inputs: string[] = from
      ? readdirSync(from)
          .filter((f) => /\.jpe?g$/i.test(f))
          .sort()
          .map((f) => join(from, f))
      : [];
    for (let i = 0; !from && i < DISTINCT; i++) {
      const p = join(dir, `photo${i}.jpg`);
      await writeFile(p, await twelveMegapixel(i));
      inputs.push(p);
    }
    console.log(`\n## Blur throughput, ${from ? `the JPEGs in ${from}` : '12-MP JPEGs'} — ${machine()}`);
    console.log(
      `backend ${info.backend}, ${info.workers} engine worker(s), ${PHOTOS} photos, ${JOBS} at a time`,
    );
    const rss: number[] = [];
    const perPhoto: number[] = [];
    const started = performance.now();
    const limit = pLimit(JOBS);
    const blurOne = async (i: number) => {
      const t = performance.now();
      const input = inputs[i % inputs.length]!;
      const r = await core.call('blur.export', { source: { path: input }, outDir: join(dir, 'out') });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      const ms = performance.now() - t;
      perPhoto.push(ms);
      const { counts, output } = r.value as { counts: { blurred: number }; output: string };
      rmSync(output);
      if (from) console.log(`  ${basename(input)}: ${counts.blurred} regions, ${fmt(ms, 0)} ms`);
      rss.push(process.memoryUsage().rss / 2 ** 20);
      const done = rss.length;
      if (done % 10 === 0) {
        // A long batch reports as it goes (stderr), so a run cut short still tells its memory.
        const s = ((performance.now() - started) / 1000).toFixed(0);
        // RSS that grows while heap and external stay flat is the allocator's, not a leak of ours.
        const m = process.memoryUsage();
        const mib = (b: number) => fmt(b / 2 ** 20, 0);
        console.error(
          `blur bench: ${done}/${PHOTOS} photos, ${s} s, RSS ${fmt(rss[done - 1]!, 0)} MiB ` +
            `(heap ${mib(m.heapUsed)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)})`,
        );
      }
    };
    await Promise.all(Array.from({ length: PHOTOS }, (_, i) => limit(() => blurOne(i))));
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...perPhoto].sort((a, b) => a - b);
    console.log(
      `${fmt(PHOTOS / seconds, 2)} photos/s; per photo median ${fmt(sorted[sorted.length >> 1]!, 0)} ms, ` +
        `max ${fmt(sorted[sorted.length - 1]!, 0)} ms`,
    );
    const tenth = Math.max(1, Math.floor(PHOTOS / 10));
    console.log(
      `main-process RSS (MiB) after photo 1, ${tenth}, … ${PHOTOS}: ` +
        rss
          .filter((_, i) => i === 0 || (i + 1) % tenth === 0)
          .map((v) => fmt(v, 0))
          .join(', '),
    );
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
