import { randomUUID } from 'node:crypto';
import type { ImageSource } from '../../../shared/schemas';
import type { Engine } from '../engine/engine';
import type { RawFace } from '../engine/protocol';
import type { DetectorOptions } from '../engine/face-detector';
import { decodeImage, type DecodedImage, type DecodeLimits } from '../imaging/decode';
import { jpegOf } from '../imaging/encode';
import { faceCropJpeg } from '../imaging/face-crop';
import { clipBox, type Box, sameBox } from '../imaging/boxes';
import type { SeenFace, Store } from '../store/store';
import type { NotePhoto } from '../store/history-log';

export interface AnalyseDeps {
  engine: Engine;
  store: Store;
  limits: DecodeLimits;
  mediaUrl: (key: string) => string;
  /** Told about faces newly kept as "seen", so the search index can add them. */
  onSeen?: (faces: { id: string; descriptor: Float32Array }[]) => void;
  /** Told about seen faces deleted, so the search index drops them. */
  onUnseen?: (ids: string[]) => void;
}

export interface AnalysedFace {
  box: [number, number, number, number];
  score: number;
  landmarks: [number, number][];
  pose: RawFace['pose'];
  /** faceres (1024), as image.inspect reports it. */
  descriptor: Float32Array;
  /** What matching compares and the store keeps (see RawFace.matchDescriptor). */
  matchDescriptor: Float32Array;
  detector: RawFace['detector'];
  /** Id of the kept "seen" face ('' when the descriptor is missing). */
  seenId: string;
}

export interface AnalysedPhoto {
  img: DecodedImage;
  faces: AnalysedFace[];
  preview: { key: string; url: string; width: number; height: number };
  thumbnail: { key: string; url: string };
  timings: { decodeMs: number; detectMs: number; totalMs: number };
}

export const seenCropKey = (seenId: string) => `crops/${seenId}.jpg`;

/**
 * Erases seen faces already gone from the list: out of the search index (`unindex`), descriptor
 * rows zeroed, crops deleted.
 */
export async function eraseSeenFaces(
  store: Store,
  faces: readonly SeenFace[],
  unindex: (ids: string[]) => void,
): Promise<void> {
  if (faces.length === 0) return;
  unindex(faces.map((f) => f.id));
  await store.vectors.erase(...faces.map((f) => f.row));
  for (const f of faces) await store.media.remove(seenCropKey(f.id));
}

const PREVIEW_SIDE = 1600;
const THUMB_SIDE = 320;

const scaleBox = (b: number[], s: number): [number, number, number, number] => [
  Math.round(b[0]! * s),
  Math.round(b[1]! * s),
  Math.round(b[2]! * s),
  Math.round(b[3]! * s),
];

/**
 * Decode once, detect and describe: nothing is written. Boxes come back in original pixels
 * after EXIF orientation, largest face first. Blur uses only this: the faces of bystanders it
 * hides are never kept.
 */
export async function detectFaces(
  deps: Pick<AnalyseDeps, 'engine' | 'limits'>,
  source: ImageSource,
  /** Also find small faces (boxes only); minFace in original pixels. */
  recall?: DetectorOptions,
  /** false: boxes only, no descriptors (see DetectRequest.describe). */
  describe = true,
  /** Sees the decoded image before any detection, and may refuse it by throwing. */
  accept?: (img: DecodedImage) => void,
) {
  const t0 = performance.now();
  const img = await decodeImage(source, deps.limits);
  accept?.(img);
  const t1 = performance.now();
  // Options come in original pixels; the engine sees the decoded (maybe scaled-down) image.
  const s = img.scale;
  const raw = await deps.engine.detect(img.rgb, {
    recall: recall && {
      ...recall,
      minFace: recall.minFace / s,
      ...(recall.within && {
        within: recall.within.map((b): Box => [b[0] / s, b[1] / s, b[2] / s, b[3] / s]),
      }),
    },
    describe,
  });
  const t2 = performance.now();
  const faces: AnalysedFace[] = raw
    .map((f) => ({
      box: clipBox(scaleBox(f.box, img.scale), img.width, img.height),
      score: f.score,
      landmarks: f.landmarks.map(
        ([x, y]) => [Math.round(x * img.scale), Math.round(y * img.scale)] as [number, number],
      ),
      pose: f.pose,
      descriptor: f.descriptor,
      matchDescriptor: f.matchDescriptor,
      detector: f.detector,
      seenId: '',
    }))
    .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  return { img, faces, t0, t1, t2 };
}

/**
 * Writes a photo's preview and thumbnail (once per photo). Call inside `store.exclusive`, so a
 * concurrent release of the same photo (photo-data.ts) cannot delete them under the caller.
 */
export async function keepPreview(
  deps: Pick<AnalyseDeps, 'store' | 'mediaUrl'>,
  img: DecodedImage,
  preview: { data: Buffer; width: number; height: number },
): Promise<AnalysedPhoto['preview'] & { thumbKey: string }> {
  const key = `previews/${img.sha256}.jpg`;
  const thumbKey = `thumbs/${img.sha256}.jpg`;
  if (!(await deps.store.media.has(key))) await deps.store.media.put(key, preview.data);
  if (!(await deps.store.media.has(thumbKey))) {
    await deps.store.media.put(thumbKey, (await jpegOf(img.rgb, THUMB_SIDE)).data);
  }
  return { key, url: deps.mediaUrl(key), width: preview.width, height: preview.height, thumbKey };
}

/** The preview-sized JPEG of a decoded photo (encoded outside the store's exclusive section). */
export const previewJpeg = (img: DecodedImage) => jpegOf(img.rgb, PREVIEW_SIDE);

/**
 * The one pipeline behind inspect, identify, verify, compare and search: detectFaces, then keep
 * descriptors as "seen" faces, a preview and a thumbnail. The photo is noted on the job first,
 * so what is kept of it lives exactly as long as a history record mentions it.
 */
export async function analysePhoto(
  deps: AnalyseDeps,
  source: ImageSource,
  notePhoto: NotePhoto,
): Promise<AnalysedPhoto> {
  const { img, faces, t0, t1, t2 } = await detectFaces(deps, source);
  await notePhoto(img.sha256, img.file);
  const jpeg = await previewJpeg(img);
  const { preview, ids } = await deps.store.exclusive(async () => ({
    preview: await keepPreview(deps, img, jpeg),
    ids: await rememberFaces(deps, img, faces),
  }));
  faces.forEach((f, i) => (f.seenId = ids[i]!));

  const { thumbKey, ...shown } = preview;
  return {
    img,
    faces,
    preview: shown,
    thumbnail: { key: thumbKey, url: deps.mediaUrl(thumbKey) },
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
  deps: AnalyseDeps,
  img: DecodedImage,
  faces: { box: [number, number, number, number]; score: number; matchDescriptor: Float32Array }[],
): Promise<string[]> {
  const { sha256: photoSha256, file } = img;
  const store = deps.store;
  const earlier = store.faces.ofPhoto(photoSha256);
  const matched = faces.map((f) => earlier.find((e) => sameBox(e.box, f.box)));
  if (earlier.length === faces.length && matched.every(Boolean)) return matched.map((e) => e!.id);
  const withVectors = faces.filter((f) => f.matchDescriptor.length === store.vectors.dim);
  if (withVectors.length === 0) return faces.map(() => '');
  const first = await store.vectors.append(withVectors.map((f) => f.matchDescriptor));
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
  // A small crop per face, so search results show the face rather than the whole photo.
  for (const r of records)
    await store.media.put(seenCropKey(r.id), await faceCropJpeg(img.rgb, r.box, img.scale, 128));
  await store.faces.replacePhoto(photoSha256, records);
  deps.onSeen?.(records.map((r, i) => ({ id: r.id, descriptor: withVectors[i]!.matchDescriptor })));
  // Faces this photo gave before (other models or settings) go entirely, not just from the list.
  await eraseSeenFaces(store, earlier, (ids) => deps.onUnseen?.(ids));
  let k = 0;
  return faces.map((f) => (f.matchDescriptor.length === store.vectors.dim ? records[k++]!.id : ''));
}
