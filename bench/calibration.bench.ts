// Score calibration: embeds the evaluation photos (../shared/datasets, never committed) with the
// engine exactly as the app does, builds genuine (same person) and impostor (different people)
// pairs, compares similarity metrics, fits the impostor tail that DEFAULT_CALIBRATION ships,
// derives the near-duplicate cut, and measures how to combine several enrolled faces per subject.
// Pairs compare `RawFace.matchDescriptor` (unit faceres ++ unit aligned mobileface: its cosine is
// the mean of the two cosines); the faceres-only figures are printed beside it for comparison
// (its first 1024 values). docs/calibration.md records a run.
//   node --import tsx -e "import('./bench/calibration.bench.ts').then(m => m.calibrationBench())"
// Set VIGIL_BENCH_CACHE=/tmp/some.json to keep descriptors between runs (outside the repo).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { EngineRuntime } from '../src/main/core/engine/runtime';
import type { RgbImage } from '../src/main/core/engine/protocol';
import { decodeImage } from '../src/main/core/imaging/decode';
import { faceSharpness } from '../src/main/core/imaging/face-crop';
import {
  DEFAULT_CALIBRATION,
  fmrOfScore,
  meanTemplate,
  scoreForFmr,
  scoreOf,
  similarity as cosineOf,
  similarityForScore,
  type Calibration,
} from '../src/main/core/match/calibration';
import { DATASETS, fmt, machine, SAMPLES, skipWithoutDatasets } from './util';

// ---------------------------------------------------------------------------------------------
// Embedding (one in-process runtime, descriptors cached in memory for the whole run)

export type Box = [number, number, number, number];

/** Values of the faceres part at the start of `matchDescriptor` (the rest is mobileface). */
export const FACERES_DIM = 1024;
/** The faceres-only cosine (the descriptor before the fusion), for before/after figures. */
export const faceresPart = (v: Float32Array) => v.subarray(0, FACERES_DIM);
/** The aligned-mobileface part of the fused vector. */
export const mobilefacePart = (v: Float32Array) => v.subarray(FACERES_DIM);

export interface DetectedFace {
  box: Box;
  score: number;
  /** `RawFace.matchDescriptor`: what the app compares and stores (1280 values). */
  descriptor: Float32Array;
  /** Variance of the Laplacian of the face (imaging/face-crop.ts), the enrolment focus gate. */
  sharpness: number;
}

export interface Photo {
  path: string;
  /** Path relative to the datasets folder (or `face-api/sampleN.jpg`). */
  rel: string;
  width: number;
  height: number;
  /** Faces left to right, overlapping double detections removed. */
  faces: DetectedFace[];
  /** Double detections dropped (a box mostly inside a higher-scoring one). */
  dropped: number;
  /** Faces without landmarks (no match descriptor: the app shows them but never matches them). */
  unmatched: number;
}

let runtime: Promise<EngineRuntime> | null = null;
const photos = new Map<string, Photo>();
let diskCache: Record<string, { width: number; height: number; faces: RawCached[] }> | null = null;
type RawCached = { box: Box; score: number; sharpness: number; d: number[] };
/** Cache entries are per descriptor model, so a cache from another model is never reused. */
const cacheKey = (rel: string) => `${DEFAULT_CALIBRATION.modelId}:${rel}`;

export function engine(): Promise<EngineRuntime> {
  runtime ??= EngineRuntime.create(join(process.cwd(), 'resources/models'));
  return runtime;
}

/** Share of the smaller box covered by the other one. */
function overlap(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return (ix * iy) / Math.min(a[2] * a[3], b[2] * b[3]);
}

/** Drops a box mostly inside a higher-scoring one (blazeface sometimes reports a face twice). */
export function dedupeFaces(faces: DetectedFace[]): { faces: DetectedFace[]; dropped: number } {
  const kept: DetectedFace[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => overlap(k.box, f.box) > 0.5)) kept.push(f);
  }
  kept.sort((a, b) => a.box[0] - b.box[0] || a.box[1] - b.box[1]);
  return { faces: kept, dropped: faces.length - kept.length };
}

function relName(path: string): string {
  if (path.startsWith(SAMPLES)) return `face-api/${basename(path)}`;
  return relative(DATASETS, path);
}

function loadDiskCache(): void {
  const file = process.env.VIGIL_BENCH_CACHE;
  if (diskCache || !file) return;
  diskCache = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as typeof diskCache) : {};
}

function saveDiskCache(): void {
  const file = process.env.VIGIL_BENCH_CACHE;
  if (file && diskCache) writeFileSync(file, JSON.stringify(diskCache));
}

export async function embedPhoto(path: string): Promise<Photo> {
  const hit = photos.get(path);
  if (hit) return hit;
  loadDiskCache();
  const rel = relName(path);
  let width: number;
  let height: number;
  let raw: DetectedFace[];
  const cached = diskCache?.[cacheKey(rel)];
  let unmatched = 0;
  if (cached) {
    ({ width, height } = cached);
    raw = cached.faces.map((f) => ({
      box: f.box,
      score: f.score,
      sharpness: f.sharpness,
      descriptor: Float32Array.from(f.d),
    }));
  } else {
    const img = await decodeImage({ path });
    ({ width, height } = img.rgb);
    raw = [];
    for (const f of await (await engine()).detect(img.rgb)) {
      // As the app: a face without a match descriptor (no landmarks) is never compared.
      if (!f.matchDescriptor.length) {
        unmatched++;
        continue;
      }
      const sharpness = await faceSharpness(img.rgb, f.box, 1);
      raw.push({ box: f.box, score: f.score, sharpness, descriptor: f.matchDescriptor });
    }
    if (diskCache) {
      diskCache[cacheKey(rel)] = {
        width,
        height,
        faces: raw.map((f) => ({
          box: f.box,
          score: f.score,
          sharpness: f.sharpness,
          d: Array.from(f.descriptor),
        })),
      };
    }
  }
  const { faces, dropped } = dedupeFaces(raw);
  const photo: Photo = { path, rel, width, height, faces, dropped, unmatched };
  photos.set(path, photo);
  return photo;
}

async function embedAll(paths: string[]): Promise<Photo[]> {
  const out: Photo[] = [];
  for (const p of paths) out.push(await embedPhoto(p));
  saveDiskCache();
  return out;
}

const images = /\.(jpe?g|png|webp)$/i;
const list = (dir: string) =>
  readdirSync(dir)
    .filter((f) => images.test(f))
    .sort()
    .map((f) => join(dir, f));

// ---------------------------------------------------------------------------------------------
// The labelled data. Every label below was checked by eye on the photos (docs/calibration.md).

export const IDENTITIES = () => join(DATASETS, 'identities');
export const QUERIES = () => join(DATASETS, 'identities', '_queries');

/** People in each query photo, left to right after de-duplication; null = not enrolled. */
export const QUERY_FACES: Record<string, (string | null)[]> = {
  'alex-lacamoire.png': ['alex_lacamoire'],
  'alex_lacamoire1.jpg': ['alex_lacamoire'],
  'johnsnow_test1.jpg': ['kit_harington'],
  'kit_with_rose.jpg': ['rose_leslie', 'kit_harington'],
  'lin-manuel-miranda.png': [null],
  'obama1.jpg': ['obama'],
  // The third face (right, low) is a child in the crowd: a stranger.
  'obama_and_biden.jpg': ['biden', 'obama', null],
  'two_people.jpg': ['obama', 'biden'],
};

/**
 * Photos that are one original picture (a resize, crop or re-encode): pairs between them are
 * "same-source", not independent evidence. Keyed by `rel` or `rel#face`.
 */
const SAME_SOURCE: Record<string, string> = {
  ...Object.fromEntries(
    [
      'obama.jpg',
      'obama-240p.jpg',
      'obama-480p.jpg',
      'obama-720p.jpg',
      'obama-1080p.jpg',
      'obama_small.jpg',
      'obama_partial_face.jpg',
      'obama_partial_face2.jpg',
    ].map((f) => [`identities/obama/${f}`, 'obama official portrait']),
  ),
  'identities/obama/obama3.jpg': 'obama3',
  'identities/_queries/two_people.jpg#0': 'obama3',
  'identities/biden/biden.jpg': 'biden.jpg',
  'identities/_queries/two_people.jpg#1': 'biden.jpg',
};

/** Group photos that are the face-api demo samples again (same faces): left out. */
const DUPLICATE_PHOTOS = new Set(['groups/group-3.jpg', 'groups/group-6.jpg', 'groups/group-7.jpg']);

/** Portrait series of one person (different photos, one session; checked by eye). */
function portraitPerson(name: string, index: number): string | null {
  if (/^person-vlado/.test(name)) return 'series:vlado';
  if (/^stock-emotions-a-/.test(name)) return 'series:emotions-a';
  if (/^stock-emotions-b-/.test(name)) return 'series:emotions-b';
  if (/^stock-teen-[1-4]\./.test(name)) return 'series:teen-a';
  // One fashion shoot: the woman in the black-and-white jacket is in both photos.
  if ((name === 'stock-models-11.jpg' || name === 'stock-models-13.jpg') && index === 0)
    return 'series:shoot-a';
  return null;
}

/**
 * Files where the same people may appear in several photos without a label: pairs across
 * files of one collection are neither genuine nor impostor (left out); pairs within one photo
 * are still different people.
 */
function collectionOf(rel: string): string | null {
  if (/groups\/group-[1245]\.jpg$|portraits\/person-vlado/.test(rel)) return 'human-author-photos';
  if (/portraits\/stock-models-1[1-4]\.jpg$/.test(rel)) return 'fashion-shoot';
  if (/portraits\/stock-models-[23]\.jpg$/.test(rel)) return 'beach-shoot';
  return null;
}

/** Not a face, or not a real person. */
function excluded(rel: string, index: number): 'not-a-face' | 'synthetic-person' | null {
  if (rel === 'portraits/stock-teen-7.jpg' && index === 1) return 'not-a-face'; // bokeh light
  if (/portraits\/(cgi-|ai-face)/.test(rel)) return 'synthetic-person'; // CGI characters recur across files
  return null;
}

export type FaceKind = 'identity' | 'query' | 'series' | 'stranger';

export interface LabelledFace {
  id: string;
  photo: Photo;
  index: number;
  face: DetectedFace;
  /** Identity label; strangers get a label of their own (`face:<id>`). */
  person: string;
  kind: FaceKind;
  /** Faces sharing a source come from one original picture. */
  source: string;
  collection: string | null;
  /** Face width in analysed pixels. */
  size: number;
}

export interface Dataset {
  photos: Photo[];
  /** Real people, labelled; CGI and non-faces left out. */
  faces: LabelledFace[];
  /** CGI / generated faces (strangers for the accuracy bench, never in the calibration). */
  synthetic: LabelledFace[];
  droppedDoubles: number;
  /** Faces found without landmarks (no match descriptor), left out as the app leaves them. */
  unmatched: number;
  skippedPhotos: string[];
}

export function datasetPaths(): { identities: string[]; queries: string[]; others: string[] } {
  const identities: string[] = [];
  for (const person of readdirSync(IDENTITIES()).sort()) {
    if (person.startsWith('_')) continue;
    identities.push(...list(join(IDENTITIES(), person)));
  }
  const others = [
    ...list(join(DATASETS, 'groups')),
    ...list(join(DATASETS, 'portraits')),
    ...[1, 2, 3, 4, 5, 6].map((n) => join(SAMPLES, `sample${n}.jpg`)),
  ];
  return { identities, queries: list(QUERIES()), others };
}

export function largestFace(photo: Photo): number {
  let best = -1;
  photo.faces.forEach((f, i) => {
    if (best < 0 || f.box[2] * f.box[3] > photo.faces[best]!.box[2] * photo.faces[best]!.box[3]) best = i;
  });
  return best;
}

export async function loadDataset(): Promise<Dataset> {
  const paths = datasetPaths();
  const all = await embedAll([...paths.identities, ...paths.queries, ...paths.others]);
  const faces: LabelledFace[] = [];
  const synthetic: LabelledFace[] = [];
  const skippedPhotos: string[] = [];
  let droppedDoubles = 0;
  let unmatched = 0;
  for (const photo of all) {
    if (DUPLICATE_PHOTOS.has(photo.rel)) {
      skippedPhotos.push(photo.rel);
      continue;
    }
    droppedDoubles += photo.dropped;
    unmatched += photo.unmatched;
    const name = basename(photo.path);
    const folder = basename(dirname(photo.path));
    const inIdentities = photo.rel.startsWith('identities/');
    const isQuery = folder === '_queries';
    const enrolIndex = inIdentities && !isQuery ? largestFace(photo) : -1;
    photo.faces.forEach((face, index) => {
      const id = `${photo.rel}#${index}`;
      const why = excluded(photo.rel, index);
      if (why === 'not-a-face') return;
      let person = `face:${id}`;
      let kind: FaceKind = 'stranger';
      if (isQuery) {
        const label = QUERY_FACES[name]?.[index];
        if (label === undefined) return; // an unexpected extra detection: unlabelled
        if (label) {
          person = label;
          kind = 'query';
        }
      } else if (inIdentities) {
        if (index !== enrolIndex) return; // identity photos: the largest face is the person
        person = folder;
        kind = 'identity';
      } else {
        const series = folder === 'portraits' ? portraitPerson(name, index) : null;
        if (series) {
          person = series;
          kind = 'series';
        }
      }
      const labelled: LabelledFace = {
        id,
        photo,
        index,
        face,
        person,
        kind,
        source: SAME_SOURCE[id] ?? SAME_SOURCE[photo.rel] ?? photo.rel,
        collection: collectionOf(photo.rel),
        size: face.box[2],
      };
      (why === 'synthetic-person' ? synthetic : faces).push(labelled);
    });
  }
  return { photos: all, faces, synthetic, droppedDoubles, unmatched, skippedPhotos };
}

// ---------------------------------------------------------------------------------------------
// Pairs

export type GenuineClass = 'independent' | 'same-source' | 'series' | 'synthetic';

export interface Pair {
  a: Float32Array;
  b: Float32Array;
  cls: GenuineClass | 'impostor';
  ida: string;
  idb: string;
}

/** True when two faces are certainly different people. */
export function isImpostorPair(a: LabelledFace, b: LabelledFace): boolean {
  if (a.person === b.person) return false;
  if (a.collection && a.collection === b.collection && a.photo !== b.photo) return false;
  return true;
}

export function realPairs(faces: LabelledFace[]): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const a = faces[i]!;
      const b = faces[j]!;
      let cls: Pair['cls'] | null = null;
      if (a.person === b.person) {
        if (a.kind === 'series') cls = 'series';
        else cls = a.source === b.source ? 'same-source' : 'independent';
      } else if (isImpostorPair(a, b)) cls = 'impostor';
      if (cls) pairs.push({ a: a.face.descriptor, b: b.face.descriptor, cls, ida: a.id, idb: b.id });
    }
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Synthetic genuine pairs: the same face after degradation (overstates the genuine-accept rate)

interface Augmentation {
  name: string;
  /** Face width after resizing, px. */
  face: number;
  jpeg?: number;
  linear?: [number, number];
  rotate?: number;
  flop?: boolean;
  /** Window shift in face widths (x, y). */
  shift?: [number, number];
}

export const AUGMENTATIONS: Augmentation[] = [
  { name: 'face 40 px', face: 40 },
  { name: 'face 64 px + JPEG q30', face: 64, jpeg: 30 },
  { name: 'face 80 px', face: 80 },
  { name: 'JPEG q30', face: 160, jpeg: 30 },
  { name: 'dark, low contrast', face: 160, linear: [0.5, 10] },
  { name: 'bright, high contrast', face: 160, linear: [1.5, -50] },
  { name: 'rotated 12°', face: 160, rotate: 12 },
  { name: 'mirrored', face: 160, flop: true },
  { name: 'crop shifted', face: 160, shift: [0.3, 0.2] },
];

async function augment(
  img: RgbImage,
  box: Box,
  aug: Augmentation,
): Promise<{ rgb: RgbImage; centre: [number, number] }> {
  const side = Math.max(box[2], box[3]);
  const cx = box[0] + box[2] / 2 + (aug.shift?.[0] ?? 0) * side;
  const cy = box[1] + box[3] / 2 + (aug.shift?.[1] ?? 0) * side;
  const half = side * 1.1;
  const left = Math.max(0, Math.round(cx - half));
  const top = Math.max(0, Math.round(cy - half));
  const width = Math.min(img.width - left, Math.round(2 * half));
  const height = Math.min(img.height - top, Math.round(2 * half));
  const scale = aug.face / side;
  let pipe = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .extract({ left, top, width, height })
    .resize(Math.max(8, Math.round(width * scale)), Math.max(8, Math.round(height * scale)));
  if (aug.linear) pipe = pipe.linear(aug.linear[0], aug.linear[1]);
  if (aug.flop) pipe = pipe.flop();
  if (aug.rotate) pipe = pipe.rotate(aug.rotate, { background: { r: 128, g: 128, b: 128 } });
  let buf = await pipe.png().toBuffer();
  if (aug.jpeg) buf = await sharp(buf).jpeg({ quality: aug.jpeg }).toBuffer();
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // Where the original face centre lands: in the resized window, mirrored, then rotated about
  // the window centre (sharp rotates clockwise and enlarges the canvas to fit).
  const w = Math.max(8, Math.round(width * scale));
  const h = Math.max(8, Math.round(height * scale));
  let fx = (box[0] + box[2] / 2 - left) * scale;
  const fy = (box[1] + box[3] / 2 - top) * scale;
  if (aug.flop) fx = w - fx;
  const a = ((aug.rotate ?? 0) * Math.PI) / 180;
  const dx = fx - w / 2;
  const dy = fy - h / 2;
  const centre: [number, number] = [
    info.width / 2 + dx * Math.cos(a) - dy * Math.sin(a),
    info.height / 2 + dx * Math.sin(a) + dy * Math.cos(a),
  ];
  return {
    rgb: {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    },
    centre,
  };
}

export interface SyntheticResult {
  aug: string;
  faces: number;
  missed: number;
  sims: number[];
  pairs: Pair[];
}

export async function syntheticPairs(faces: LabelledFace[]): Promise<SyntheticResult[]> {
  const rt = await engine();
  const results = AUGMENTATIONS.map((a) => ({
    aug: a.name,
    faces: 0,
    missed: 0,
    sims: [] as number[],
    pairs: [] as Pair[],
  }));
  for (const f of faces) {
    const img = (await decodeImage({ path: f.photo.path })).rgb;
    for (let k = 0; k < AUGMENTATIONS.length; k++) {
      const aug = AUGMENTATIONS[k]!;
      const res = results[k]!;
      res.faces++;
      const { rgb, centre } = await augment(img, f.face.box, aug);
      const found = await rt.detect(rgb);
      let best: { d: number; descriptor: Float32Array } | null = null;
      for (const g of found) {
        if (!g.matchDescriptor.length) continue;
        const d = Math.hypot(g.box[0] + g.box[2] / 2 - centre[0], g.box[1] + g.box[3] / 2 - centre[1]);
        if (d < aug.face * 0.5 && (!best || d < best.d)) best = { d, descriptor: g.matchDescriptor };
      }
      if (!best) {
        res.missed++;
        continue;
      }
      res.sims.push(cosineOf(f.face.descriptor, best.descriptor));
      res.pairs.push({
        a: f.face.descriptor,
        b: best.descriptor,
        cls: 'synthetic',
        ida: f.id,
        idb: `${f.id}~${aug.name}`,
      });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Metrics

export interface MetricDef {
  name: string;
  /** Similarity: larger means more alike. */
  sim: (a: Float32Array, b: Float32Array) => number;
  /** How to print a similarity value. */
  show: (s: number) => string;
}

/**
 * The shipped metric (cosine over the fused vector = mean of the two cosines) and its two parts:
 * faceres alone (the descriptor before the fusion) and aligned mobileface alone.
 */
export function metrics(): MetricDef[] {
  return [
    { name: 'fused: cosine of matchDescriptor', sim: (a, b) => cosineOf(a, b), show: (s) => fmt(s, 3) },
    {
      name: 'faceres alone (before)',
      sim: (a, b) => cosineOf(faceresPart(a), faceresPart(b)),
      show: (s) => fmt(s, 3),
    },
    {
      name: 'aligned mobileface alone',
      sim: (a, b) => cosineOf(mobilefacePart(a), mobilefacePart(b)),
      show: (s) => fmt(s, 3),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Statistics

export function quantile(sortedAsc: number[], p: number): number {
  if (sortedAsc.length === 0) return NaN;
  const idx = Math.min(sortedAsc.length - 1, Math.max(0, Math.ceil(p * sortedAsc.length) - 1));
  return sortedAsc[idx]!;
}

/**
 * The lowest threshold t (among impostor values) with FMR(≥ t) ≤ fmr; above every impostor
 * when none qualifies. Returns the threshold and the impostor count at or above it.
 */
export function thresholdAtFmr(impostorsDesc: number[], fmr: number): { t: number; count: number } {
  const n = impostorsDesc.length;
  const allowed = Math.floor(fmr * n);
  for (let i = allowed - 1; i >= 0; i--) {
    let j = i;
    while (j + 1 < n && impostorsDesc[j + 1] === impostorsDesc[i]) j++;
    if (j + 1 <= allowed) return { t: impostorsDesc[i]!, count: j + 1 };
  }
  return { t: nextUp(impostorsDesc[0] ?? 0), count: 0 };
}

function nextUp(x: number): number {
  return x + Math.max(1e-9, Math.abs(x) * 1e-9);
}

function countAtLeast(values: number[], t: number): number {
  let n = 0;
  for (const v of values) if (v >= t) n++;
  return n;
}

export const rate = (values: number[], t: number) =>
  values.length ? countAtLeast(values, t) / values.length : NaN;

/** Wilson 95 % interval of a proportion k/n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN];
  const z = 1.96;
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

function auc(genuine: number[], impostorsAsc: number[]): number {
  // Mann–Whitney with ties counted half, by binary search on the sorted impostors.
  let sum = 0;
  for (const g of genuine) {
    let lo = 0;
    let hi = impostorsAsc.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (impostorsAsc[mid]! < g) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < impostorsAsc.length && impostorsAsc[eq] === g) eq++;
    sum += lo + (eq - lo) / 2;
  }
  return sum / (genuine.length * impostorsAsc.length);
}

function meanSd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
}

/**
 * Logistic impostor tail: FMR(s) = 1 / (1 + e^((s − m)/c)). Least squares of the empirical
 * quantile s_f on ln(1/f − 1) at 21 FMR levels spaced evenly in log from 1e-1 down to the
 * lowest level with ≥ 10 impostor pairs above it.
 */
export function fitLogistic(impostorsDesc: number[]): { location: number; scale: number; lowest: number } {
  const n = impostorsDesc.length;
  return fitLogisticTail((f) => impostorsDesc[Math.max(0, Math.ceil(f * n) - 1)]!, n);
}

/** The same fit on any quantile function of `n` (possibly weighted) impostor pairs. */
function fitLogisticTail(
  quantile: (f: number) => number,
  n: number,
): { location: number; scale: number; lowest: number } {
  const lowest = Math.max(1e-3, 10 / n);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let j = 0; j <= 20; j++) {
    const f = 10 ** (-1 + (j / 20) * Math.log10(lowest / 0.1));
    xs.push(Math.log(1 / f - 1));
    ys.push(quantile(f));
  }
  const [mx] = meanSd(xs);
  const [my] = meanSd(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const scale = sxy / sxx;
  return { location: my - scale * mx, scale, lowest };
}

const logisticFmr = (s: number, m: number, c: number) => 1 / (1 + Math.exp((s - m) / c));

const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Upper tail of the standard normal (Numerical Recipes erfcc, fractional error < 1.2e-7). */
function normalQ(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = ERFC[i]! + t * poly;
  const r = t * Math.exp(-x * x + poly);
  return z >= 0 ? r / 2 : 1 - r / 2;
}

/** Deterministic PRNG (mulberry32) for the bootstrap. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (x: number, d = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : 'n/a');
const sci = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : 'n/a');
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

function histogram(groups: [string, number[]][], lo: number, hi: number, step: number): string[] {
  const lines: string[] = [];
  const bins = Math.round((hi - lo) / step);
  lines.push(`${pad('cosine', 13)}${groups.map(([n]) => lpad(n, 13)).join('')}`);
  for (let b = 0; b < bins; b++) {
    const a = lo + b * step;
    const z = a + step;
    const cells = groups.map(([, v]) => {
      const c = v.filter((x) => x >= a && (b === bins - 1 ? x <= z : x < z)).length;
      return lpad(c ? `${c} ${pct(c / v.length, 0)}` : '.', 13);
    });
    lines.push(`${pad(`${a.toFixed(2)}–${z.toFixed(2)}`, 13)}${cells.join('')}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Combining several enrolled faces

type Strategy = 'best' | 'mean' | 'mean-score' | 'template';

function* subsets<T>(arr: T[], k: number, start = 0, acc: T[] = []): Generator<T[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = start; i < arr.length; i++) yield* subsets(arr, k, i + 1, [...acc, arr[i]!]);
}

function combinedSim(strategy: Strategy, probe: Float32Array, gallery: Float32Array[]): number {
  if (strategy === 'template') return cosineOf(probe, meanTemplate(gallery));
  const sims = gallery.map((g) => cosineOf(probe, g));
  if (strategy === 'best') return Math.max(...sims);
  // mean-score ranks by the mean calibrated score (returned as the cosine with that score).
  if (strategy === 'mean-score')
    return similarityForScore(sims.reduce((a, b) => a + scoreOf(b), 0) / sims.length);
  return sims.reduce((a, b) => a + b, 0) / sims.length;
}

/** Subjects with several independent photos: identity folders + queries, portrait series. */
function subjects(faces: LabelledFace[]): Map<string, LabelledFace[]> {
  const m = new Map<string, LabelledFace[]>();
  for (const f of faces) {
    if (f.kind === 'stranger') continue;
    m.set(f.person, [...(m.get(f.person) ?? []), f]);
  }
  return m;
}

function impostorsFor(person: LabelledFace[], faces: LabelledFace[]): LabelledFace[] {
  return faces.filter((q) => person.every((p) => isImpostorPair(p, q)));
}

// ---------------------------------------------------------------------------------------------

export async function calibrationBench(): Promise<void> {
  console.log(`\n## Calibration — ${machine()}, ${new Date().toISOString().slice(0, 10)}`);
  if (skipWithoutDatasets()) return;
  const t0 = performance.now();
  const data = await loadDataset();
  const { faces } = data;
  const tEmbed = performance.now() - t0;
  const rt = await engine();
  console.log(
    `engine: human ${rt.info.versions.human}, ${rt.info.backend}${rt.info.wasmFeatures ? ` (simd ${rt.info.wasmFeatures.simd})` : ''}; ` +
      `${data.photos.length} photos embedded in ${fmt(tEmbed / 1000)} s`,
  );
  const kinds = (k: FaceKind) => faces.filter((f) => f.kind === k).length;
  console.log(
    `faces of real people: ${faces.length} (identity folders ${kinds('identity')}, query faces ${kinds('query')}, ` +
      `portrait series ${kinds('series')}, other people ${kinds('stranger')}); CGI/generated faces left out: ${data.synthetic.length}; ` +
      `double detections dropped: ${data.droppedDoubles}; ` +
      `faces without landmarks (never matched): ${data.unmatched}; duplicate photos left out: ${data.skippedPhotos.join(', ')}`,
  );

  // Pairs --------------------------------------------------------------------------------------
  const pairs = realPairs(faces);
  const t1 = performance.now();
  const synth = await syntheticPairs(faces.filter((f) => f.kind === 'identity' || f.kind === 'query'));
  const tSynth = performance.now() - t1;
  const synthPairs = synth.flatMap((s) => s.pairs);
  const all = [...pairs, ...synthPairs];
  const classes: (GenuineClass | 'impostor')[] = [
    'independent',
    'same-source',
    'series',
    'synthetic',
    'impostor',
  ];
  const byClass = (c: Pair['cls']) => all.filter((p) => p.cls === c);
  const impostorFaceCount = new Set(byClass('impostor').flatMap((p) => [p.ida, p.idb])).size;
  console.log(
    `pairs: ${classes.map((c) => `${c} ${byClass(c).length}`).join(', ')} ` +
      `(synthetic: ${synth.reduce((a, s) => a + s.faces, 0)} augmented faces in ${fmt(tSynth / 1000)} s, ` +
      `${synth.reduce((a, s) => a + s.missed, 0)} not re-detected); impostor pairs span ${impostorFaceCount} faces`,
  );
  console.log(
    'genuine classes: independent = two different photos of a labelled person; same-source = one original picture resized/cropped;\n' +
      'series = one portrait session (by eye); synthetic = a face vs its own degraded copy (overstates acceptance).',
  );

  // Metric comparison ----------------------------------------------------------------------------
  console.log('\n### Metrics (genuine: independent real pairs; FMR thresholds from the impostor pairs)');
  console.log(
    `${pad('metric', 40)}${lpad('AUC', 8)}${lpad("d'", 7)}${lpad('t@FMR1e-2', 11)}${lpad('TAR', 7)}${lpad('t@FMR1e-3', 11)}${lpad('TAR', 7)}` +
      `${lpad('series TAR@1e-2', 17)}${lpad('@1e-3', 7)}${lpad('synth TAR@1e-3', 16)}`,
  );
  const defs = metrics();
  const distributions: string[] = [];
  for (const m of defs) {
    const sims = new Map<Pair['cls'], number[]>();
    for (const c of classes)
      sims.set(
        c,
        byClass(c).map((p) => m.sim(p.a, p.b)),
      );
    const imp = sims.get('impostor')!;
    const impDesc = [...imp].sort((a, b) => b - a);
    const impAsc = [...impDesc].reverse();
    const ind = sims.get('independent')!;
    const [mi, si] = meanSd(imp);
    const [mg, sg] = meanSd(ind);
    const dprime = (mg - mi) / Math.sqrt((si * si + sg * sg) / 2);
    const t2 = thresholdAtFmr(impDesc, 1e-2);
    const t3 = thresholdAtFmr(impDesc, 1e-3);
    console.log(
      `${pad(m.name, 40)}${lpad(fmt(auc(ind, impAsc), 4), 8)}${lpad(fmt(dprime, 2), 7)}${lpad(m.show(t2.t), 11)}${lpad(pct(rate(ind, t2.t), 0), 7)}` +
        `${lpad(m.show(t3.t), 11)}${lpad(pct(rate(ind, t3.t), 0), 7)}${lpad(pct(rate(sims.get('series')!, t2.t), 0), 17)}` +
        `${lpad(pct(rate(sims.get('series')!, t3.t), 0), 7)}${lpad(pct(rate(sims.get('synthetic')!, t3.t), 0), 16)}`,
    );
    distributions.push(`${m.name}:`);
    for (const c of classes) {
      const v = [...sims.get(c)!].sort((a, b) => a - b);
      if (!v.length) continue;
      const [mean, sd] = meanSd(v);
      distributions.push(
        `  ${pad(c, 12)} n=${lpad(v.length, 5)}  mean ${m.show(mean)} sd ${fmt(sd, 3)}  min ${m.show(v[0]!)}  p5 ${m.show(quantile(v, 0.05))}` +
          `  p50 ${m.show(quantile(v, 0.5))}  p95 ${m.show(quantile(v, 0.95))}  max ${m.show(v[v.length - 1]!)}`,
      );
    }
  }
  const meanCheck = Math.max(
    ...byClass('impostor')
      .slice(0, 2000)
      .map((p) => Math.abs(defs[0]!.sim(p.a, p.b) - (defs[1]!.sim(p.a, p.b) + defs[2]!.sim(p.a, p.b)) / 2)),
  );
  console.log(
    `(the fused cosine equals the mean of the faceres and mobileface cosines within ${sci(meanCheck)}: both halves are unit vectors)`,
  );
  console.log('\nDistributions:');
  for (const l of distributions) console.log(l);

  // The chosen metric: cosine ---------------------------------------------------------------------
  const cos = (c: Pair['cls']) => byClass(c).map((p) => cosineOf(p.a, p.b));
  const imp = cos('impostor');
  const impDesc = [...imp].sort((a, b) => b - a);
  console.log('\n### Cosine histogram (counts and share of each class)');
  const lowest = Math.min(...classes.flatMap((c) => cos(c)));
  for (const l of histogram(
    classes.map((c) => [c, cos(c)] as [string, number[]]),
    Math.min(0, Math.floor(lowest * 20) / 20),
    1,
    0.05,
  ))
    console.log(l);

  // Fit -------------------------------------------------------------------------------------------
  const fit = fitLogistic(impDesc);
  const [mu, sd] = meanSd(imp);
  console.log('\n### Impostor tail models (FMR = share of impostor pairs at or above the cosine)');
  console.log(
    `logistic fit: location ${fit.location.toFixed(4)}, scale ${fit.scale.toFixed(4)} (fitted from FMR 1e-1 down to ${sci(fit.lowest)}); ` +
      `normal: mean ${mu.toFixed(4)}, sd ${sd.toFixed(4)}`,
  );
  console.log(
    `${pad('cosine', 8)}${lpad('empirical', 20)}${lpad('logistic', 11)}${lpad('normal', 11)}${lpad('score', 8)}`,
  );
  // Cosines where this fit puts FMR 1e-1 … 1e-5, rounded to 0.005.
  const grid = [1e-1, 3e-2, 1e-2, 5e-3, 3e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4, 1e-5].map(
    (f) => Math.round((fit.location + fit.scale * Math.log(1 / f - 1)) * 200) / 200,
  );
  for (const s of grid) {
    const k = countAtLeast(imp, s);
    const lf = logisticFmr(s, fit.location, fit.scale);
    console.log(
      `${pad(s.toFixed(3), 8)}${lpad(`${sci(k / imp.length)} (${k})`, 20)}${lpad(sci(lf), 11)}${lpad(sci(normalQ((s - mu) / sd)), 11)}` +
        `${lpad(fmt(Math.min(1, -Math.log10(lf) / 6), 3), 8)}`,
    );
  }
  console.log(
    'The normal model underestimates the tail (strangers would get too-high scores); the logistic tail',
  );
  console.log(
    'stays at or above the measured FMR where it can be measured and extrapolates conservatively below it.',
  );

  // Subsets: how the tail depends on the photos
  const sv = (id: string) => id.includes('solvay1927');
  const subsetFit = (label: string, keep: (p: Pair) => boolean) => {
    const v = byClass('impostor')
      .filter(keep)
      .map((p) => cosineOf(p.a, p.b))
      .sort((a, b) => b - a);
    const f = fitLogistic(v);
    const at = (x: number) => f.location + f.scale * Math.log(1 / x - 1);
    console.log(
      `  ${pad(label, 46)} n=${lpad(v.length, 6)}  empirical t@1e-2 ${fmt(thresholdAtFmr(v, 1e-2).t, 3)} t@1e-3 ${fmt(thresholdAtFmr(v, 1e-3).t, 3)}` +
        `  logistic t@1e-2 ${fmt(at(1e-2), 3)} t@1e-3 ${fmt(at(1e-3), 3)} t@1e-4 ${fmt(at(1e-4), 3)}`,
    );
  };
  const size = new Map(faces.map((f) => [f.id, f.size]));
  const kindOf = new Map(faces.map((f) => [f.id, f.kind]));
  console.log('Impostor tail by subset (which strangers drive the tail):');
  subsetFit('all impostor pairs (the calibration)', () => true);
  subsetFit('without Solvay 1927 × Solvay 1927', (p) => !(sv(p.ida) && sv(p.idb)));
  subsetFit(
    'one side an identity/query/series face',
    (p) => kindOf.get(p.ida) !== 'stranger' || kindOf.get(p.idb) !== 'stranger',
  );
  subsetFit('both faces ≥ 150 px', (p) => Math.min(size.get(p.ida)!, size.get(p.idb)!) >= 150);
  subsetFit('a face < 150 px', (p) => Math.min(size.get(p.ida)!, size.get(p.idb)!) < 150);

  // Bootstrap over photos
  const photoIds = [...new Set(faces.map((f) => f.photo.rel))];
  const photoIndex = new Map(photoIds.map((p, i) => [p, i]));
  const photoOf = new Map(faces.map((f) => [f.id, photoIndex.get(f.photo.rel)!]));
  const impPairs = byClass('impostor')
    .map((p) => ({ s: cosineOf(p.a, p.b), pa: photoOf.get(p.ida)!, pb: photoOf.get(p.idb)! }))
    .sort((a, b) => b.s - a.s);
  const random = rng(20260501);
  const boots: { t2: number; t3: number; l2: number; l3: number; l4: number }[] = [];
  for (let b = 0; b < 200; b++) {
    const w = new Float64Array(photoIds.length);
    for (let i = 0; i < photoIds.length; i++) w[Math.floor(random() * photoIds.length)]! += 1;
    const weights = impPairs.map((p) => (p.pa === p.pb ? w[p.pa]! : w[p.pa]! * w[p.pb]!));
    const total = weights.reduce((a, x) => a + x, 0);
    // Weighted quantiles by expansion into a cumulative share.
    const level = (f: number) => {
      let acc = 0;
      for (let i = 0; i < impPairs.length; i++) {
        acc += weights[i]!;
        if (acc >= f * total) return impPairs[i]!.s;
      }
      return impPairs[impPairs.length - 1]!.s;
    };
    const { location: m, scale: c } = fitLogisticTail(level, total);
    boots.push({
      t2: level(1e-2),
      t3: level(1e-3),
      l2: m + c * Math.log(99),
      l3: m + c * Math.log(999),
      l4: m + c * Math.log(9999),
    });
  }
  const ci = (key: keyof (typeof boots)[number]) => {
    const v = boots.map((b) => b[key]).sort((a, b) => a - b);
    return `${fmt(quantile(v, 0.05), 3)}–${fmt(quantile(v, 0.95), 3)}`;
  };
  console.log(
    `Bootstrap over photos (200 resamples, 90% intervals): empirical cosine at FMR 1e-2 ${ci('t2')}, at 1e-3 ${ci('t3')}; ` +
      `logistic at 1e-2 ${ci('l2')}, 1e-3 ${ci('l3')}, 1e-4 ${ci('l4')}`,
  );

  // Shipped calibration vs this run
  const cal: Calibration = DEFAULT_CALIBRATION;
  const drift = Math.abs(cal.impostor.location - fit.location) + Math.abs(cal.impostor.scale - fit.scale) * 5;
  console.log(
    `\nDEFAULT_CALIBRATION ships location ${cal.impostor.location}, scale ${cal.impostor.scale}; this run fits ` +
      `${fit.location.toFixed(3)}, ${fit.scale.toFixed(3)}${drift > 0.01 ? '  <-- differs: update calibration.ts and docs/calibration.md' : ' (agrees)'}`,
  );

  // Thresholds table (shipped calibration) -----------------------------------------------------------
  console.log('\n### Score thresholds (DEFAULT_CALIBRATION, one comparison): FMR and FNMR at each');
  const gen = {
    independent: cos('independent'),
    'same-source': cos('same-source'),
    series: cos('series'),
    synthetic: cos('synthetic'),
  };
  console.log(
    `${pad('score', 7)}${pad('default', 10)}${lpad('cosine', 8)}${lpad('model FMR', 11)}${lpad('measured FMR (pairs)', 24)}` +
      Object.keys(gen)
        .map((k) => lpad(`FNMR ${k}`, 18))
        .join(''),
  );
  const marks = [
    1 / 6,
    0.25,
    scoreForFmr(1e-2),
    0.4,
    0.45,
    scoreForFmr(1e-3),
    0.55,
    0.6,
    scoreForFmr(1e-4),
    0.75,
    5 / 6,
    1,
  ];
  for (const score of marks) {
    const t = similarityForScore(score, cal);
    const k = countAtLeast(imp, t);
    const tag =
      Math.abs(score - cal.thresholds.match) < 1e-9
        ? 'match'
        : Math.abs(score - cal.thresholds.possible) < 1e-9
          ? 'possible'
          : '';
    console.log(
      `${pad(fmt(score, 3), 7)}${pad(tag, 10)}${lpad(fmt(t, 3), 8)}${lpad(sci(fmrOfScore(score, cal)), 11)}` +
        `${lpad(`${sci(k / imp.length)} (${k}/${imp.length})`, 24)}` +
        Object.values(gen)
          .map((v) => lpad(`${pct(1 - rate(v, t), 0)} of ${v.length}`, 18))
          .join(''),
    );
  }

  // Synthetic detail
  console.log('\n### Synthetic genuine pairs (face vs its own degraded copy), per augmentation');
  for (const s of synth) {
    const v = [...s.sims].sort((a, b) => a - b);
    console.log(
      `  ${pad(s.aug, 24)} faces ${s.faces}, not re-detected ${s.missed}; cosine p5 ${fmt(quantile(v, 0.05), 3)} median ${fmt(quantile(v, 0.5), 3)}` +
        `; ≥ possible ${pct(rate(v, similarityForScore(cal.thresholds.possible, cal)), 0)}, ≥ match ${pct(rate(v, similarityForScore(cal.thresholds.match, cal)), 0)}`,
    );
  }

  // Face quality ----------------------------------------------------------------------------------
  console.log('\n### Face quality (size px, detector score, sharpness = Laplacian variance at 112 px)');
  const spread = (v: number[], d = 0) => {
    const a = [...v].sort((x, y) => x - y);
    return `min ${fmt(a[0] ?? NaN, d)} p5 ${fmt(quantile(a, 0.05), d)} p50 ${fmt(quantile(a, 0.5), d)} p95 ${fmt(quantile(a, 0.95), d)}`;
  };
  for (const kind of ['identity', 'query', 'series', 'stranger'] as FaceKind[]) {
    const list = faces.filter((f) => f.kind === kind);
    console.log(
      `  ${pad(kind, 9)} n=${lpad(list.length, 4)}  size ${spread(list.map((f) => f.size))}  detector ${spread(
        list.map((f) => f.face.score),
        2,
      )}  sharpness ${spread(list.map((f) => f.face.sharpness))}`,
    );
  }
  const faceById = new Map(faces.map((f) => [f.id, f]));
  const gate = (label: string, weak: (f: LabelledFace) => boolean) => {
    const pick = (p: Pair) => weak(faceById.get(p.ida)!) || weak(faceById.get(p.idb)!);
    const g = byClass('independent');
    const gw = g.filter(pick).map((p) => cosineOf(p.a, p.b));
    const gs = g.filter((p) => !pick(p)).map((p) => cosineOf(p.a, p.b));
    const iw = byClass('impostor')
      .filter(pick)
      .map((p) => cosineOf(p.a, p.b));
    const is = byClass('impostor')
      .filter((p) => !pick(p))
      .map((p) => cosineOf(p.a, p.b));
    const tp = similarityForScore(cal.thresholds.possible, cal);
    console.log(
      `  ${pad(label, 22)} independent genuine ≥ possible: weak ${pct(rate(gw, tp), 0)} of ${gw.length}, others ${pct(rate(gs, tp), 0)} of ${gs.length}; ` +
        `impostor FMR at possible: weak ${sci(rate(iw, tp))} of ${iw.length}, others ${sci(rate(is, tp))} of ${is.length}`,
    );
  };
  console.log('Pairs where a face is weak vs pairs where both are not:');
  gate('sharpness < 300', (f) => f.face.sharpness < 300);
  gate('face < 150 px', (f) => f.size < 150);
  gate('detector score < 0.7', (f) => f.face.score < 0.7);
  const failing = faces
    .filter((f) => f.kind === 'identity' && (f.size < 48 || f.face.score < 0.5 || f.face.sharpness < 40))
    .map((f) => `${f.id} (size ${f.size}, detector ${f.face.score}, sharpness ${f.face.sharpness})`);
  console.log(
    `Identity-folder faces below the enrolment gates (size 48, detector 0.5, sharpness 40): ${failing.length ? failing.join('; ') : 'none'}`,
  );

  // Near-duplicates -------------------------------------------------------------------------------
  console.log(
    '\n### Near-duplicate cut (`nearDuplicate`): one picture again vs distinct photos of one person',
  );
  for (const m of defs) {
    const v = (c: Pair['cls']) =>
      byClass(c)
        .map((p) => m.sim(p.a, p.b))
        .sort((a, b) => a - b);
    const same = v('same-source');
    const ind = v('independent');
    const ser = v('series');
    const top = (x: number[]) => x.slice(-3).map((y) => fmt(y, 3));
    console.log(
      `  ${pad(m.name, 34)} same-source min ${fmt(same[0] ?? NaN, 3)} p10 ${fmt(quantile(same, 0.1), 3)} median ${fmt(quantile(same, 0.5), 3)}; ` +
        `independent max ${fmt(ind[ind.length - 1] ?? NaN, 3)} (top 3 ${top(ind).join(', ')}); series max ${fmt(ser[ser.length - 1] ?? NaN, 3)} (top 3 ${top(ser).join(', ')})`,
    );
  }
  const nd = cal.nearDuplicate;
  const sameFused = cos('same-source');
  const sameBelow = byClass('same-source')
    .map((p) => ({ s: cosineOf(p.a, p.b), p }))
    .filter((x) => x.s < nd)
    .sort((a, b) => a.s - b.s)
    .map((x) => `${x.p.ida}~${x.p.idb} ${fmt(x.s, 3)}`);
  console.log(
    `  at the shipped cut ${nd}: same-source pairs merged ${pct(rate(sameFused, nd), 0)} of ${sameFused.length}; ` +
      `independent pairs merged ${countAtLeast(cos('independent'), nd)}, series pairs merged ${countAtLeast(cos('series'), nd)}, ` +
      `impostor pairs merged ${countAtLeast(imp, nd)}`,
  );
  console.log(
    `  same-source pairs below the cut (counted as distinct photos): ${sameBelow.join('; ') || 'none'}`,
  );

  // Combination -----------------------------------------------------------------------------------
  console.log('\n### Combining several enrolled faces per subject');
  console.log(
    'Galleries: k photos of one subject with distinct sources; probes: the subject’s photos from other sources;',
  );
  console.log(
    'strangers: every face certainly not that subject. TAR at each strategy’s own measured FMR (a fair ranking),',
  );
  console.log(
    'and the FMR each strategy reaches when the one-comparison cosine thresholds are used unchanged.',
  );
  const subj = subjects(faces);
  const tPossible = similarityForScore(cal.thresholds.possible, cal);
  const tMatch = similarityForScore(cal.thresholds.match, cal);
  console.log(
    `${pad('k', 3)}${pad('strategy', 12)}${lpad('galleries', 10)}${lpad('genuine', 9)}${lpad('stranger', 10)}` +
      `${lpad('TAR@FMR1e-2', 13)}${lpad('TAR@FMR1e-3', 13)}${lpad(`FMR@${fmt(tPossible, 3)}`, 12)}${lpad(`FMR@${fmt(tMatch, 3)}`, 12)}`,
  );
  for (const k of [1, 2, 3]) {
    for (const strategy of ['best', 'mean', 'mean-score', 'template'] as Strategy[]) {
      if (k === 1 && strategy !== 'best') continue;
      const g: number[] = [];
      const s: number[] = [];
      let galleries = 0;
      for (const own of subj.values()) {
        const bySource = new Map<string, LabelledFace>();
        for (const f of own) if (!bySource.has(f.source)) bySource.set(f.source, f);
        const reps = [...bySource.values()];
        if (reps.length < k + 1) continue;
        const strangers = impostorsFor(own, faces);
        for (const gal of subsets(reps, k)) {
          galleries++;
          const gv = gal.map((f) => f.face.descriptor);
          for (const p of own)
            if (!gal.some((x) => x.source === p.source)) g.push(combinedSim(strategy, p.face.descriptor, gv));
          for (const q of strangers) s.push(combinedSim(strategy, q.face.descriptor, gv));
        }
      }
      const sDesc = [...s].sort((a, b) => b - a);
      const a2 = thresholdAtFmr(sDesc, 1e-2);
      const a3 = thresholdAtFmr(sDesc, 1e-3);
      console.log(
        `${pad(k, 3)}${pad(k === 1 ? 'single' : strategy, 12)}${lpad(galleries, 10)}${lpad(g.length, 9)}${lpad(s.length, 10)}` +
          `${lpad(pct(rate(g, a2.t), 0), 13)}${lpad(pct(rate(g, a3.t), 0), 13)}${lpad(sci(rate(s, tPossible)), 12)}${lpad(sci(rate(s, tMatch)), 12)}`,
      );
    }
  }

  // Best-of correction: every photo enrolled (leave the probe's source out)
  console.log(
    '\nBest-of over all of a subject’s other photos: measured stranger rate vs the corrected model',
  );
  console.log(
    `${pad('cosine', 8)}${lpad('measured', 20)}${lpad('model k=1', 11)}${lpad('model k', 11)}${lpad('model k distinct', 18)}`,
  );
  for (const t of [3e-2, 1e-2, 4e-3, 2e-3, 1e-3].map((f) => similarityForScore(scoreForFmr(f), cal))) {
    let hits = 0;
    let n = 0;
    let p1 = 0;
    let pk = 0;
    let pd = 0;
    for (const own of subj.values()) {
      for (const src of new Set(own.map((f) => f.source))) {
        const gal = own.filter((f) => f.source !== src);
        if (gal.length < 2) continue;
        const gv = gal.map((f) => f.face.descriptor);
        const k = gv.length;
        let distinct = 0;
        const kept: Float32Array[] = [];
        for (const d of gv) if (!kept.some((x) => cosineOf(x, d) >= cal.nearDuplicate)) kept.push(d);
        distinct = kept.length;
        const f1 = logisticFmr(t, cal.impostor.location, cal.impostor.scale);
        for (const q of impostorsFor(own, faces)) {
          n++;
          if (combinedSim('best', q.face.descriptor, gv) >= t) hits++;
          p1 += f1;
          pk += 1 - (1 - f1) ** k;
          pd += 1 - (1 - f1) ** distinct;
        }
      }
    }
    console.log(
      `${pad(t.toFixed(3), 8)}${lpad(`${sci(hits / n)} (${hits}/${n})`, 20)}${lpad(sci(p1 / n), 11)}${lpad(sci(pk / n), 11)}${lpad(sci(pd / n), 18)}`,
    );
  }
  console.log(`bench time ${fmt((performance.now() - t0) / 1000)} s`);
}
