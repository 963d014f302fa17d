import { randomUUID } from 'node:crypto';
import type { InspectResult, ImageSource } from '../../../shared/schemas';
import type { Engine } from '../engine/engine';
import { decodeImage, type DecodeLimits } from '../imaging/decode';
import { jpegOf } from '../imaging/encode';
import type { SeenFace, Store } from '../store/store';

export interface InspectDeps {
  engine: Engine;
  store: Store;
  limits: DecodeLimits;
  mediaUrl: (key: string) => string;
}

const PREVIEW_SIDE = 1600;
const THUMB_SIDE = 320;

const scaleBox = (b: number[], s: number): [number, number, number, number] => [
  Math.round(b[0]! * s),
  Math.round(b[1]! * s),
  Math.round(b[2]! * s),
  Math.round(b[3]! * s),
];

/** Decode → detect → keep descriptors (as "seen" faces) → preview and thumbnail. */
export async function inspectImage(deps: InspectDeps, source: ImageSource): Promise<InspectResult> {
  const t0 = performance.now();
  const img = await decodeImage(source, deps.limits);
  const t1 = performance.now();
  const raw = await deps.engine.detect(img.rgb);
  const t2 = performance.now();

  const previewKey = `previews/${img.sha256}.jpg`;
  const thumbKey = `thumbs/${img.sha256}.jpg`;
  const preview = await jpegOf(img.rgb, PREVIEW_SIDE);
  if (!(await deps.store.media.has(previewKey))) await deps.store.media.put(previewKey, preview.data);
  if (!(await deps.store.media.has(thumbKey)))
    await deps.store.media.put(thumbKey, (await jpegOf(img.rgb, THUMB_SIDE)).data);

  const faces = raw.map((f) => ({
    box: scaleBox(f.box, img.scale),
    score: f.score,
    landmarks: f.landmarks.map(
      ([x, y]) => [Math.round(x * img.scale), Math.round(y * img.scale)] as [number, number],
    ),
    descriptor: f.descriptor,
  }));
  const ids = await deps.store.exclusive(() => rememberFaces(deps.store, img.sha256, img.file, faces));

  return {
    file: img.file,
    width: img.width,
    height: img.height,
    format: img.format,
    sha256: img.sha256,
    faces: faces.map((f, i) => ({
      box: f.box,
      score: f.score,
      landmarks: f.landmarks,
      descriptorId: ids[i]!,
      descriptorLength: f.descriptor.length,
    })),
    previewUrl: deps.mediaUrl(previewKey),
    previewWidth: preview.width,
    previewHeight: preview.height,
    thumbnailUrl: deps.mediaUrl(thumbKey),
    timings: {
      decodeMs: Math.round(t1 - t0),
      detectMs: Math.round(t2 - t1),
      totalMs: Math.round(performance.now() - t0),
    },
  };
}

/**
 * Keeps each face's descriptor as a "seen" face (searchable later). A photo seen before keeps
 * its earlier records instead of piling up duplicates.
 */
async function rememberFaces(
  store: Store,
  photoSha256: string,
  file: string,
  faces: { box: [number, number, number, number]; score: number; descriptor: Float32Array }[],
): Promise<string[]> {
  const earlier = store.faces.data.faces.filter((f) => f.photoSha256 === photoSha256);
  if (earlier.length === faces.length && earlier.every((f, i) => sameBox(f.box, faces[i]!.box))) {
    return earlier.map((f) => f.id);
  }
  const withVectors = faces.filter((f) => f.descriptor.length === store.vectors.dim);
  if (withVectors.length === 0) return faces.map(() => '');
  const first = await store.vectors.append(withVectors.map((f) => f.descriptor));
  const now = new Date().toISOString();
  const records: SeenFace[] = withVectors.map((f, i) => ({
    id: randomUUID(),
    row: first + i,
    photoSha256,
    file,
    box: f.box,
    score: f.score,
    seenAt: now,
  }));
  await store.faces.update((doc) => {
    doc.faces = doc.faces.filter((f) => f.photoSha256 !== photoSha256).concat(records);
  });
  let k = 0;
  return faces.map((f) => (f.descriptor.length === store.vectors.dim ? records[k++]!.id : ''));
}

function sameBox(a: number[], b: number[]): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= 1);
}
