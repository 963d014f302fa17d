import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../engine/engine';
import { EmbeddingFile } from '../store/embeddings';
import { DESCRIPTOR_DIM, DESCRIPTOR_MODEL } from '../store/store';
import { createCore } from '../core';
import {
  callOk,
  cosine,
  createTestCore,
  sampleImage,
  seenFacesOnDisk,
  tempDir,
  testEngineOptions,
} from '../test-support';

const OLD_MODEL = 'human/faceres+mobileface-aligned';

/** Every row of an embedding file, as vectors. */
async function rows(file: string): Promise<Float32Array[]> {
  const f = await EmbeddingFile.open(file, DESCRIPTOR_DIM);
  try {
    const all = await f.readAll();
    return Array.from({ length: f.rows }, (_, r) => all.slice(r * DESCRIPTOR_DIM, (r + 1) * DESCRIPTOR_DIM));
  } finally {
    await f.close();
  }
}

/** Rewrites a data dir as another descriptor model would have left it: other model id, other vectors. */
async function ageDataDir(data: string): Promise<void> {
  const wl = join(data, 'watchlist.json');
  writeFileSync(wl, JSON.stringify({ ...JSON.parse(readFileSync(wl, 'utf8')), model: OLD_MODEL }));
  const faces = join(data, 'faces.jsonl');
  const [, ...rest] = readFileSync(faces, 'utf8').split('\n');
  writeFileSync(faces, [JSON.stringify({ version: 1, model: OLD_MODEL }), ...rest].join('\n'));
  for (const name of ['watchlist.vec', 'faces.vec']) {
    const f = await EmbeddingFile.open(join(data, name), DESCRIPTOR_DIM);
    const n = f.rows;
    await f.close();
    const buf = readFileSync(join(data, name));
    // Old descriptors: same length, other values (sign-flipped halves).
    const v = new Float32Array(buf.buffer, buf.byteOffset + 16, n * DESCRIPTOR_DIM);
    for (let i = 0; i < v.length; i += 2) v[i] = -v[i]!;
    writeFileSync(join(data, name), buf);
  }
}

/** Photos of two people (crops of the sample photos), one face each. */
async function twoFacePhotos(dir: string): Promise<{ alice: string; bea: string }> {
  const alice = join(dir, 'alice.jpg');
  const bea = join(dir, 'bea.jpg');
  await sharp(sampleImage(1)).extract({ left: 250, top: 230, width: 520, height: 520 }).toFile(alice);
  await sharp(sampleImage(6)).extract({ left: 1020, top: 200, width: 500, height: 520 }).toFile(bea);
  return { alice, bea };
}

describe('a data dir written by another descriptor model', () => {
  it('describes enrolled faces again from their kept photos and drops seen faces', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const { alice, bea } = await twoFacePhotos(dir);

    let core = await createTestCore(data);
    const a = await callOk<{ id: string }>(core, 'watchlist.create', { name: 'Alice' });
    const b = await callOk<{ id: string }>(core, 'watchlist.create', { name: 'Bea' });
    await callOk(core, 'watchlist.enroll', { subjectId: a.id, source: { path: alice } });
    await callOk(core, 'watchlist.enroll', { subjectId: b.id, source: { path: bea } });
    await callOk(core, 'match.identify', { source: { path: sampleImage(3) } });
    const before = await rows(join(data, 'watchlist.vec'));
    expect(seenFacesOnDisk(data).length).toBe(3);
    await core.close();

    await ageDataDir(data);
    // Bea's kept source photo is gone: her face cannot be described again.
    const doc = JSON.parse(readFileSync(join(data, 'watchlist.json'), 'utf8')) as {
      subjects: { name: string; faces: { sourceKey: string; row: number }[] }[];
    };
    const beaFace = doc.subjects.find((s) => s.name === 'Bea')!.faces[0]!;
    rmSync(join(data, 'media', beaFace.sourceKey));

    // Without a working engine nothing is described and nothing is lost: the open fails, the
    // data dir stays as it was (and unlocked), and the next start does the work.
    const broken = tempDir();
    await expect(
      createCore({
        dataDir: data,
        mediaUrl: (k) => k,
        engine: { ...testEngineOptions(), modelsDir: broken },
      }),
    ).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect(JSON.parse(readFileSync(join(data, 'watchlist.json'), 'utf8'))).toEqual(doc);

    core = await createTestCore(data);
    let migratedRows = 0;
    try {
      const after = JSON.parse(readFileSync(join(data, 'watchlist.json'), 'utf8')) as typeof doc & {
        model: string;
      };
      expect(after.model).toBe(DESCRIPTOR_MODEL);
      expect(after.subjects.map((s) => [s.name, s.faces.length])).toEqual([
        ['Alice', 1],
        ['Bea', 0],
      ]);
      const vec = await rows(join(data, 'watchlist.vec'));
      migratedRows = vec.length;
      const aliceRow = after.subjects[0]!.faces[0]!.row;
      // A new row, the same descriptor enrolment gave; every older row zeroed.
      expect(aliceRow).toBeGreaterThanOrEqual(before.length);
      expect(cosine(vec[aliceRow]!, before[0]!)).toBeGreaterThan(0.999);
      for (let r = 0; r < vec.length; r++)
        if (r !== aliceRow) expect(vec[r]!.every((x) => x === 0)).toBe(true);
      // Seen faces: gone from the list and the file, and the file now names the new model.
      expect(seenFacesOnDisk(data)).toEqual([]);
      expect(JSON.parse(readFileSync(join(data, 'faces.jsonl'), 'utf8').split('\n')[0]!)).toEqual({
        version: 1,
        model: DESCRIPTOR_MODEL,
      });
      for (const v of await rows(join(data, 'faces.vec'))) expect(v.every((x) => x === 0)).toBe(true);
      // Diagnostics says what happened, for the app's users (the log goes to stderr).
      const diag = await callOk<{ modelChange: unknown }>(core, 'app.diagnostics', {});
      expect(diag.modelChange).toMatchObject({
        from: OLD_MODEL,
        to: DESCRIPTOR_MODEL,
        enrolled: 1,
        seenDropped: 3,
        lost: [
          { subject: 'Bea', file: 'bea.jpg', code: 'PHOTO_MISSING', reason: 'its source photo is missing' },
        ],
      });
      // Matching works on the new descriptors.
      const r = await callOk<{ faces: { verdict: string; candidates: { name: string }[] }[] }>(
        core,
        'match.identify',
        { source: { path: sampleImage(1) } },
      );
      const hit = r.faces.filter((f) => f.verdict === 'match');
      expect(hit.map((f) => f.candidates[0]!.name)).toEqual(['Alice']);
    } finally {
      await core.close();
    }
    // Nothing left to do on the next open: no rows appended again; the report stays.
    core = await createTestCore(data);
    try {
      const diag = await callOk<{ modelChange: { enrolled: number } }>(core, 'app.diagnostics', {});
      expect(diag.modelChange.enrolled).toBe(1);
    } finally {
      await core.close();
    }
    // A crash between the watchlist's step and the seen faces' leaves only the latter to do;
    // the report of the first step is kept.
    const faces = join(data, 'faces.jsonl');
    const [, ...rest] = readFileSync(faces, 'utf8').split('\n');
    writeFileSync(faces, [JSON.stringify({ version: 1, model: OLD_MODEL }), ...rest].join('\n'));
    core = await createTestCore(data);
    try {
      const diag = await callOk<{ modelChange: { enrolled: number; lost: unknown[] } }>(
        core,
        'app.diagnostics',
        {},
      );
      expect([diag.modelChange.enrolled, diag.modelChange.lost.length]).toEqual([1, 1]);
      expect(JSON.parse(readFileSync(faces, 'utf8').split('\n')[0]!).model).toBe(DESCRIPTOR_MODEL);
    } finally {
      await core.close();
    }
    expect((await rows(join(data, 'watchlist.vec'))).length).toBe(migratedRows);
  });

  it('describes the kept photos one per engine worker and logs how far it got', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const { alice, bea } = await twoFacePhotos(dir);
    let core = await createTestCore(data);
    try {
      for (const [name, path] of [
        ['Alice', alice],
        ['Bea', bea],
      ] as const) {
        const s = await callOk<{ id: string }>(core, 'watchlist.create', { name });
        await callOk(core, 'watchlist.enroll', { subjectId: s.id, source: { path } });
      }
    } finally {
      await core.close();
    }
    await ageDataDir(data);

    let inFlight = 0;
    let most = 0;
    const detect = Engine.prototype.detect;
    const spy = vi.spyOn(Engine.prototype, 'detect').mockImplementation(async function (
      this: Engine,
      ...args: Parameters<Engine['detect']>
    ) {
      most = Math.max(most, ++inFlight);
      try {
        return await detect.apply(this, args);
      } finally {
        inFlight--;
      }
    });
    const lines: string[] = [];
    try {
      core = await createCore({
        dataDir: data,
        mediaUrl: (k) => k,
        engine: { ...testEngineOptions(), workers: 2 },
        log: (line) => lines.push(line),
      });
    } finally {
      spy.mockRestore();
    }
    try {
      expect(most).toBe(2);
      // A face slower than the 5-s progress interval (a loaded machine) adds a "1 of 2" line.
      expect(lines[0]).toBe(`describing 2 enrolled faces again (${OLD_MODEL} → ${DESCRIPTOR_MODEL})`);
      expect(lines.at(-1)).toBe('2 of 2 enrolled faces done');
      expect(lines.slice(1, -1).every((l) => l === '1 of 2 enrolled faces done')).toBe(true);
      const wl = await callOk<{ subjects: { name: string; faceCount: number }[] }>(
        core,
        'watchlist.list',
        {},
      );
      expect(wl.subjects.map((s) => [s.name, s.faceCount])).toEqual([
        ['Alice', 1],
        ['Bea', 1],
      ]);
    } finally {
      await core.close();
    }
  });
});
