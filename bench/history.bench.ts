// History at scale: 100k jobs must not mean rewriting a 100k-record file per job.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryLog } from '../src/main/core/store/history-log';
import { SeenFaceLog, type SeenFace } from '../src/main/core/store/seen-faces';
import { fmt, machine, median, percentile } from './util';

const N = Number(process.env.BENCH_HISTORY_N) || 100_000;
const photoDigest = (i: number) => createHash('sha256').update(String(i)).digest('hex');

export async function historyBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hist-'));
  const file = join(dir, 'history.jsonl');
  try {
    console.log(`\n## History (${N.toLocaleString('en')} jobs) — ${machine()}`);
    let log = await HistoryLog.open(file);
    const kinds = ['inspect', 'identify', 'verify', 'search', 'enroll'] as const;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const rec = await log.create(kinds[i % kinds.length]!, [
        { file: `/photos/batch-${i % 97}/img-${i}.jpg`, sha256: null },
      ]);
      // As runJob does: the photo's digest is noted on the record (in memory, written below).
      log.amend(rec.id, { inputs: [{ ...rec.inputs[0]!, sha256: photoDigest(i) }] });
      await log.update(rec.id, {
        status: i % 50 === 0 ? 'ERROR' : 'FINISHED',
        summary: `${i % 7} faces, ${i % 3} matches`,
      });
    }
    const fill = performance.now() - t0;
    console.log(
      `fill: ${fmt(fill / 1000)} s for ${N} jobs × 2 appends (${fmt((fill / N) * 1000, 0)} µs per job)`,
    );
    // A job's cost at N records: a create + 2 updates, as runJob does.
    const appendTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const rec = await log.create('identify', [{ file: 'x.jpg', sha256: null }]);
      await log.update(rec.id, { status: 'RUNNING' });
      await log.update(rec.id, { status: 'FINISHED', summary: 'done' });
      appendTimes.push(performance.now() - t);
    }
    console.log(
      `one job's history writes at ${N} records: median ${fmt(median(appendTimes), 2)} ms, p95 ${fmt(percentile(appendTimes, 95), 2)} ms`,
    );
    await log.close();
    console.log(`file: ${fmt(statSync(file).size / 1e6)} MB`);

    const t1 = performance.now();
    log = await HistoryLog.open(file);
    console.log(`open (parse, validate, compact superseded lines): ${fmt(performance.now() - t1)} ms`);
    const time = (fn: () => unknown) => {
      const ts: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        fn();
        ts.push(performance.now() - t);
      }
      return `median ${fmt(median(ts))} ms, p95 ${fmt(percentile(ts, 95))} ms`;
    };
    console.log(`list first page (50, newest first): ${time(() => log.list({ limit: 50 }))}`);
    console.log(
      `filter kind=identify status=ERROR: ${time(() => log.list({ kind: 'identify', status: 'ERROR' }))}`,
    );
    console.log(`text filter "batch-42": ${time(() => log.list({ text: 'batch-42' }))}`);
    await log.close();
    await seenFacesAt(dir, N);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The seen-face list at N faces (5 per photo): what one scanned photo adds, and the open. */
async function seenFacesAt(dir: string, n: number): Promise<void> {
  const file = join(dir, 'faces.jsonl');
  const open = () => SeenFaceLog.open(file, { model: 'bench', legacyJson: join(dir, 'faces.json') });
  const photoFaces = (p: number): SeenFace[] =>
    Array.from({ length: 5 }, (_, k) => ({
      id: randomUUID(),
      row: p * 5 + k,
      photoSha256: photoDigest(p),
      file: `/photos/batch-${p % 97}/img-${p}.jpg`,
      box: [100 * k, 200, 300, 300],
      score: 0.93,
      seenAt: new Date().toISOString(),
    }));
  let log = await open();
  for (let p = 0; p < n / 5; p++) await log.replacePhoto(photoDigest(p), photoFaces(p));
  const ts: number[] = [];
  for (let p = n / 5; p < n / 5 + 200; p++) {
    const t = performance.now();
    await log.replacePhoto(photoDigest(p), photoFaces(p));
    ts.push(performance.now() - t);
  }
  console.log(
    `seen faces: one photo's 5 faces added at ${n} faces: median ${fmt(median(ts), 2)} ms, p95 ${fmt(percentile(ts, 95), 2)} ms`,
  );
  await log.close();
  const t = performance.now();
  log = await open();
  console.log(
    `seen faces: open ${log.size} faces (${fmt(statSync(file).size / 1e6)} MB): ${fmt(performance.now() - t)} ms`,
  );
  await log.close();
}
