// Opening a large data dir, as the app and every CLI command do: N history jobs, N seen faces
// (5 per photo, each photo mentioned by its job) with their descriptors, then createCore (store
// open, watchlist index, photo-data sweep) and the seen-face index filling in the background.
// The engine loads in the background too and is not part of the figures. `BENCH_STARTUP_N` sets
// N (default 100 000).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/core';
import { SyntheticFaces } from '../src/main/core/match/synthetic';
import { DESCRIPTOR_DIM, openStore } from '../src/main/core/store/store';
import { fmt, machine, median, percentile } from './util';

const N = Number(process.env.BENCH_STARTUP_N) || 100_000;
const digest = (i: number) => createHash('sha256').update(`photo ${i}`).digest('hex');

export async function startupBench(): Promise<void> {
  console.log(`\n## Startup with ${N.toLocaleString('en')} jobs and seen faces — ${machine()}`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-startup-'));
  try {
    const t0 = performance.now();
    const store = await openStore(dir);
    const faces = new SyntheticFaces({ dim: DESCRIPTOR_DIM, identities: 4000, seed: 7 });
    for (let p = 0; p < N / 5; p++) {
      const sha = digest(p);
      const rec = await store.history.create('identify', [{ file: `/photos/img-${p}.jpg`, sha256: sha }]);
      await store.history.update(rec.id, { status: 'FINISHED', summary: '5 faces, no match' });
      const vectors = Array.from({ length: 5 }, () => faces.sample(faces.pick()).slice());
      const first = await store.vectors.append(vectors);
      await store.faces.replacePhoto(
        sha,
        vectors.map((_, k) => ({
          id: randomUUID(),
          row: first + k,
          photoSha256: sha,
          file: `/photos/img-${p}.jpg`,
          box: [100 * k, 100, 80, 80],
          score: 0.9,
          seenAt: new Date().toISOString(),
        })),
      );
    }
    // Jobs beyond the photos' (inspect, classify, …) up to N, as a real history would hold.
    for (let i = N / 5; i < N; i++) {
      const rec = await store.history.create('inspect', [{ file: `/photos/other-${i}.jpg`, sha256: null }]);
      await store.history.update(rec.id, { status: 'FINISHED', summary: '0 faces' });
    }
    await store.close();
    console.log(`filled in ${fmt((performance.now() - t0) / 1000)} s`);

    for (let run = 1; run <= 2; run++) {
      const t = performance.now();
      const core = await createCore({ dataDir: dir, mediaUrl: (k) => k });
      const opened = performance.now() - t;
      // While the seen faces are indexed in the background: how fast other calls are answered,
      // and when a search over seen faces (which waits for the index) comes back.
      const health: number[] = [];
      let searching = true;
      const poll = (async () => {
        while (searching) {
          // From when the call was due (a request arriving), so time spent waiting for the event
          // loop counts, not only the call itself.
          const due = performance.now() + 10;
          await new Promise((r) => setTimeout(r, 10));
          await core.call('app.health', {});
          health.push(performance.now() - due);
        }
      })();
      const face = core.store.faces.values().next().value!;
      const s = await core.call('match.search', { query: { descriptorId: face.id }, k: 10, source: 'seen' });
      if (!s.ok) throw new Error(s.error.message);
      const searched = performance.now() - t;
      searching = false;
      await poll;
      const rss = process.memoryUsage().rss / 2 ** 20;
      await core.close();
      console.log(
        `open ${run}: createCore ${fmt(opened / 1000, 2)} s (store, watchlist index, sweep); first search of seen faces answered ${fmt(searched / 1000, 2)} s after start; ` +
          `app.health meanwhile p50 ${fmt(median(health))} ms, p95 ${fmt(percentile(health, 95))} ms, max ${fmt(Math.max(...health))} ms (${health.length} calls); RSS ${fmt(rss, 0)} MiB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
