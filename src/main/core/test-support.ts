// Helpers shared by the core's unit tests (never imported by app code).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, onTestFinished } from 'vitest';
import { createCore, type Core } from './core';
import type { EngineOptions } from './engine/engine';
import type { RgbImage } from './engine/protocol';
import type { Box } from './imaging/boxes';
import type { EmbeddingFile } from './store/embeddings';
import { seenFaceSchema, type SeenFace, type SeenFaceLog } from './store/seen-faces';
import type { StoredSubject } from './store/store';

/** The repository root: vitest runs from it. */
export const REPO_ROOT = process.cwd();

/** Group photos shipped inside @vladmandic/face-api (1920 px wide), nothing downloaded. */
export const SAMPLES_DIR = join(REPO_ROOT, 'node_modules/@vladmandic/face-api/demo');

/** Clearly visible faces in sample1.jpg … sample6.jpg. */
export const SAMPLE_FACES: Record<number, number> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };

/** EXIF as a phone writes it: where (GPS) and a description, for tests that it never leaves. */
export const GPS_EXIF = {
  IFD0: { ImageDescription: 'secret place', Copyright: 'someone' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '52/1 31/1 0/1',
    GPSLongitudeRef: 'E',
    GPSLongitude: '13/1 24/1 0/1',
  },
};

export function sampleImage(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 6) throw new Error(`no sample${n}.jpg (1…6)`);
  return join(SAMPLES_DIR, `sample${n}.jpg`);
}

const leftovers = new Set<string>();

// Directories made outside a test (beforeAll, describe bodies) go when the file's tests end.
afterAll(() => {
  for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
  leftovers.clear();
});

/**
 * A fresh directory under the OS temp dir. Made inside a test it is removed when that test
 * finishes; made in a hook it is removed after the test file.
 */
export function tempDir(prefix = 'vigil-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    leftovers.add(dir);
  }
  return dir;
}

/** Models from resources/models and the TS worker run from source through tsx. */
export function testEngineOptions(): Pick<EngineOptions, 'modelsDir' | 'workerFile'> {
  return {
    modelsDir: join(REPO_ROOT, 'resources/models'),
    workerFile: new URL('./engine/worker-dev.mjs', import.meta.url),
  };
}

/**
 * Subject "Obama" (`s1`) with one enrolled face `w1` at watchlist.vec row `row`, as enrolment
 * stores it (its source photo's hash is 'b' × 64), for tests that write the watchlist by hand.
 */
export function enrolledSubject(row: number): StoredSubject {
  const sha = 'b'.repeat(64);
  return {
    id: 's1',
    name: 'Obama',
    aliases: [],
    notes: '',
    caseRef: '',
    status: 'wanted',
    createdAt: 'now',
    updatedAt: 'now',
    faces: [
      {
        id: 'w1',
        row,
        sourceFile: 'a.jpg',
        sourceSha256: sha,
        sourceKey: `sources/${sha}.img`,
        previewKey: `previews/${sha}.jpg`,
        cropKey: 'crops/w1.jpg',
        box: [1, 2, 3, 4],
        detectorScore: 0.9,
        faceSize: 100,
        sharpness: 50,
        pose: null,
        enrolledAt: 'now',
      },
    ],
  };
}

/** Stores one photo's seen faces as a scan would: their vectors appended, then the records. */
export async function addSeenPhoto(
  faces: SeenFaceLog,
  vectors: EmbeddingFile,
  photoSha256: string,
  batch: Float32Array[],
  idOf: (k: number) => string,
): Promise<void> {
  const first = await vectors.append(batch);
  await faces.replacePhoto(
    photoSha256,
    batch.map((_, k) => ({
      id: idOf(k),
      row: first + k,
      photoSha256,
      file: `${photoSha256.slice(0, 8)}.jpg`,
      box: [k, 0, 10, 10],
      score: 0.9,
      seenAt: 'now',
    })),
  );
}

/** The seen faces as faces.jsonl holds them: its lines replayed (faces added, tombstones). */
export function seenFacesOnDisk(dataDir: string): SeenFace[] {
  const file = join(dataDir, 'faces.jsonl');
  const faces = new Map<string, SeenFace>();
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  for (const line of lines.slice(1)) {
    const v = JSON.parse(line) as { id: string; deleted?: true };
    if (v.deleted) faces.delete(v.id);
    else faces.set(v.id, seenFaceSchema.parse(v));
  }
  return [...faces.values()];
}

/** A core call's value, or an error naming the channel and the failure's code. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: callers assert the shape
export async function callOk<T = any>(core: Core, channel: string, input: unknown): Promise<T> {
  const r = await core.call(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

export function createTestCore(dataDir: string): Promise<Core> {
  return createCore({ dataDir, mediaUrl: (k) => '/media/' + k, engine: testEngineOptions() });
}

/** Cosine similarity: the calibrated metric itself. */
export { similarity as cosine } from './match/calibration';

/** True when no line of an error message looks like a stack frame. */
export function hasStackFrame(text: string): boolean {
  return /^\s*at\s/m.test(text) || /\bat .+:\d+:\d+\)?/.test(text);
}

/**
 * Small faces the face pipeline cannot see: sample 4 shrunk to 220 px wide on an 800×600 grey
 * canvas, its four faces (human's boxes at full size) 31–38 px high at `truth`.
 */
export async function smallFacesPhoto(): Promise<{ photo: RgbImage; truth: Box[] }> {
  const small = await sharp(sampleImage(4)).resize(220).raw().toBuffer({ resolveWithObject: true });
  const scale = 220 / 1920;
  const truth = (
    [
      [611, 64, 278, 278],
      [1216, 134, 305, 305],
      [908, 149, 330, 331],
      [176, 185, 302, 302],
    ] as const
  ).map(([x, y, w, h]): Box => [280 + x * scale, 200 + y * scale, w * scale, h * scale]);
  const { data, info } = await sharp({
    create: { width: 800, height: 600, channels: 3, background: '#8a8f96' },
  })
    .composite([
      {
        input: small.data,
        raw: { width: small.info.width, height: small.info.height, channels: small.info.channels },
        left: 280,
        top: 200,
      },
    ])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { photo: { data: new Uint8Array(data), width: info.width, height: info.height }, truth };
}
