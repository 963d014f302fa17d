// Classify figures: latency per photo for each built-in detector, for faces, and for imported
// models; and, on the evaluation photos, how the two COCO detectors compare (which one is the
// default). Run with `npm run bench -- classify` (uses the built worker).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { BUILTIN_MODELS, classifyResultSchema, type ClassifyResult } from '../src/shared/classify-schemas';
import { createCore, type Core } from '../src/main/core/core';
import { writeMobileNetStandIn, writeRedBlueModel } from '../src/main/core/test-model';
import { DATASETS, fmt, machine, median, percentile, SAMPLES, skipWithoutDatasets } from './util';

const RUNS = Number(process.env.BENCH_RUNS) || 3;

async function run(core: Core, input: Record<string, unknown>): Promise<ClassifyResult> {
  const r = await core.call('classify.run', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return classifyResultSchema.parse(r.value);
}

/** classify.run over `photos`, RUNS times each after one warm-up; wall time and worker time. */
async function timeIt(
  core: Core,
  photos: string[],
  input: Record<string, unknown>,
  worker: (r: ClassifyResult) => number,
) {
  await run(core, { ...input, source: { path: photos[0]! } });
  const wall: number[] = [];
  const inner: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const p of photos) {
      const t = performance.now();
      const r = await run(core, { ...input, source: { path: p } });
      wall.push(performance.now() - t);
      inner.push(worker(r));
    }
  }
  return `median ${fmt(median(wall))} ms (p95 ${fmt(percentile(wall, 95))}), in the worker ${fmt(median(inner))} ms`;
}

export async function classifyBench(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'vigil-bench-classify-'));
  const core = await createCore({ dataDir: data, mediaUrl: (k) => `/media/${k}` });
  try {
    const info = await core.engine.whenReady();
    if (info.state !== 'ready') throw new Error(`engine failed: ${info.error}`);
    console.log(`\n## Classify — ${machine()}`);
    console.log(`backend: ${info.backend}; workers=${info.workers}; ${RUNS} runs per photo after a warm-up`);
    const samples = [1, 2, 3, 4, 5, 6].map((n) => join(SAMPLES, `sample${n}.jpg`));
    console.log(`photos: face-api demo sample1-6.jpg (group photos, 1920 px wide, 3-5 faces)`);

    for (const model of BUILTIN_MODELS) {
      const line = await timeIt(core, samples, { model, faces: false }, (r) => r.timings.objectsMs);
      console.log(`  ${model}, objects only: ${line}`);
    }
    const faces = await timeIt(core, samples, { objects: false }, (r) => r.timings.facesMs);
    console.log(`  faces only (detect + faceres age/gender + emotion per face): ${faces}`);
    const full = await timeIt(core, samples, {}, (r) => r.timings.objectsMs + r.timings.facesMs);
    console.log(`  default (centernet objects + faces): ${full}`);

    const toy = join(data, 'red-blue');
    await writeRedBlueModel(toy);
    const stand = join(data, 'mobilenet');
    await writeMobileNetStandIn(stand, ['a', 'b', 'c']);
    for (const [name, dir, what] of [
      ['red-blue', toy, 'test model (64², pooling + dense)'],
      ['mobilenet', stand, 'Teachable-Machine-sized stand-in (MobileNetV2 α 0.35, 224², random weights)'],
    ] as const) {
      const t = performance.now();
      const imported = await core.call('models.import', { dir, name });
      if (!imported.ok) throw new Error(imported.error.message);
      const importMs = performance.now() - t;
      const line = await timeIt(
        core,
        samples,
        { model: name, objects: false, faces: false },
        (r) => r.timings.modelMs,
      );
      console.log(`  imported ${what}: import ${fmt(importMs)} ms; per photo ${line}`);
    }

    if (skipWithoutDatasets()) return;
    // Which detector by default: no boxes are given for these photos, so measure what can be:
    // speed, and how many of the faces found by the face pipeline fall inside a "person" box.
    const folders = ['groups', 'identities/_queries', 'portraits'];
    const photos = folders.flatMap((f) =>
      readdirSync(join(DATASETS, f))
        .filter((n) => ['.jpg', '.jpeg', '.png'].includes(extname(n).toLowerCase()))
        .sort()
        .map((n) => join(DATASETS, f, n)),
    );
    console.log(`\ndetector comparison on ${photos.length} photos of ${DATASETS} (${folders.join(', ')}):`);
    const facesOf = new Map<string, ClassifyResult['faces']>();
    for (const p of photos) facesOf.set(p, (await run(core, { source: { path: p }, objects: false })).faces);
    const totalFaces = [...facesOf.values()].reduce((n, f) => n + f.length, 0);
    for (const model of BUILTIN_MODELS) {
      const times: number[] = [];
      let covered = 0;
      let people = 0;
      let photosWithPerson = 0;
      const labels = new Map<string, number>();
      for (const p of photos) {
        const r = await run(core, { source: { path: p }, model, faces: false });
        times.push(r.timings.objectsMs);
        const persons = r.objects.filter((o) => o.label === 'person');
        people += persons.length;
        if (persons.length) photosWithPerson++;
        for (const o of r.objects) labels.set(o.label, (labels.get(o.label) ?? 0) + 1);
        for (const f of facesOf.get(p) ?? []) {
          const [cx, cy] = [f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2];
          if (
            persons.some(
              (o) =>
                cx >= o.box[0] && cx <= o.box[0] + o.box[2] && cy >= o.box[1] && cy <= o.box[1] + o.box[3],
            )
          )
            covered++;
        }
      }
      const other = [...labels.entries()]
        .filter(([l]) => l !== 'person')
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ');
      console.log(
        `  ${model}: objects median ${fmt(median(times))} ms (p95 ${fmt(percentile(times, 95))}); ` +
          `a person in ${photosWithPerson}/${photos.length} photos, ${people} person boxes; ` +
          `faces inside a person box ${covered}/${totalFaces} (${fmt((100 * covered) / Math.max(1, totalFaces))}%); other labels: ${other || 'none'}`,
      );
    }
  } finally {
    await core.close();
    rmSync(data, { recursive: true, force: true });
  }
}
