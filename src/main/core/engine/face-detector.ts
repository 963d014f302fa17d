import type { Human } from '@vladmandic/human';
import { DEFAULT_BLUR } from '../../../shared/blur-schemas';
import { type Box as AnyBox, iou } from '../imaging/boxes';
import { loadModelArtifacts } from './disk-io';
import type { RgbImage } from './protocol';
import type { Turn } from './views';

type Tf = Human['tf'];
type GraphModel = Awaited<ReturnType<Tf['loadGraphModel']>>;
type Tensor = ReturnType<Tf['tensor']>;
type Box = [number, number, number, number];

export interface DetectedBox {
  box: Box;
  score: number;
  /** Six BlazeFace keypoints (eyes, nose, mouth, ears) in image pixels. */
  keypoints: [number, number][];
}

export interface DetectorOptions {
  /** Smallest face height (image pixels) the passes are sized for; smaller costs more time. */
  minFace: number;
  /** Detector score a region needs to be kept. */
  minScore: number;
  /**
   * Search only around these boxes (image pixels; see `searchAreas`) instead of the whole image:
   * the export's self-check, where the output differs from the already-searched photo only there.
   */
  within?: readonly AnyBox[];
  /**
   * Also search the photo turned by these clockwise quarter turns (1, 2, 3: 90°, 180°, 270°):
   * a scan or export upside down or sideways, with no EXIF tag to undo it. Large faces only
   * (runtime.ts `viewBoxes`).
   */
  turns?: readonly Turn[];
  /** Also search the photo on a mirrored border, for faces the image edge cuts through. */
  edges?: boolean;
}

/**
 * Blur's defaults, chosen on bench/recall.bench.ts (docs/benchmarks.md): passes sized for 24-px
 * faces cost about 3 s of BlazeFace per 12-MP photo here (RetinaFace, run beside it, 2–3×
 * that); 16 px doubles BlazeFace's. For BlazeFace, below 0.6 the faces it adds
 * to the pipeline's were mostly clutter on the shipped photos (badges, doors, folds); above it,
 * mostly real faces the pipeline missed (partial, small, in sunglasses).
 */
export const DEFAULT_DETECTOR: DetectorOptions = {
  minFace: DEFAULT_BLUR.minFace,
  minScore: 0.6,
  // Blur also looks at the photo turned and past its edges (runtime.ts `viewBoxes`): a face
  // upside down, sideways or cut by the edge is still a face to hide. Large faces only, for
  // about the cost of four runs of the face pipeline's detector on a 1280-px photo.
  turns: [1, 2, 3],
  edges: true,
};

export interface DetectorModelSpec {
  file: string;
  /** Input side the model was trained at (its anchor strides assume it). */
  side: number;
  heads: { stride: number; anchors: number; cls: string; reg: string }[];
}

/** human's `blazeface.json`: the 256-px back-camera BlazeFace, two heads (stride 16 and 32). */
export const BLAZEFACE_BACK: DetectorModelSpec = {
  file: 'blazeface.json',
  side: 256,
  heads: [
    {
      stride: 16,
      anchors: 2,
      cls: 'StatefulPartitionedCall/functional_1/conv2d_33/BiasAdd',
      reg: 'StatefulPartitionedCall/functional_1/conv2d_35/BiasAdd',
    },
    {
      stride: 32,
      anchors: 6,
      cls: 'StatefulPartitionedCall/functional_1/conv2d_34/BiasAdd',
      reg: 'StatefulPartitionedCall/functional_1/conv2d_36/BiasAdd',
    },
  ],
};

/** MediaPipe's full-range BlazeFace (192 px, one dense stride-4 head), from human-models. */
export const BLAZEFACE_FULL: DetectorModelSpec = {
  file: 'facemesh-detection-full.json',
  side: 192,
  heads: [
    {
      stride: 4,
      anchors: 1,
      cls: 'StatefulPartitionedCall/model/d2sp_classifier_face_4/d2sp_classifier_face_4',
      reg: 'StatefulPartitionedCall/model/d2sp_regressor_face_4/d2sp_regressor_face_4',
    },
  ],
};

/**
 * Face heights (at the model's scale) found reliably: measured on faces pasted into 256-px
 * inputs, recall is 1.0 from 15 px and 0.89 at 13 px; 14 px leaves a small margin.
 */
const MODEL_MIN_FACE = 14;
/** Next pass shrinks by this much: each pass covers faces ~14–110 px at its scale, with overlap. */
const LEVEL_RATIO = 5;
/**
 * First-pass score a region needs to get the second look, whose score then decides. Small faces
 * often score 0.3–0.6 at 14 px and well above 0.6 when looked at again: on the recall bench this
 * raises recall at 48 px from 0.82 to 1.00 and at 32 px from 0.25 to 0.68, for about one more
 * false positive per textured 12-MP photo (docs/benchmarks.md). Blur prefers the false positive.
 */
const CANDIDATE_SCORE = 0.3;
/** Rows per band at the model's scale, and their overlap (above the largest face a pass covers). */
const BAND = 1024;
const BAND_OVERLAP = 160;

/**
 * Loads BlazeFace with its input made dynamic. The network is fully convolutional up to its
 * output reshapes, so reading the four head convolutions directly lets one call cover a whole
 * band of a large photo at the scale the faces need, instead of squeezing the photo into 256 px
 * (where a 64-px face in a 4000-px photo is 4 px and never found).
 */
export interface FaceDetector {
  spec: DetectorModelSpec;
  model: GraphModel;
}

export async function loadFaceDetector(
  tf: Tf,
  modelsDir: string,
  spec: DetectorModelSpec = BLAZEFACE_BACK,
): Promise<FaceDetector> {
  const artifacts = await loadModelArtifacts(modelsDir, spec.file);
  const topology = artifacts.modelTopology as { node: { op: string; attr?: Record<string, unknown> }[] };
  for (const node of topology.node) {
    if (node.op !== 'Placeholder') continue;
    node.attr = {
      ...node.attr,
      shape: { shape: { dim: [-1, -1, -1, 3].map((size) => ({ size: `${size}` })) } },
    };
  }
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts as Parameters<Tf['io']['fromMemory']>[0]));
  return { spec, model };
}

/** Scales (model px per image px) of the passes for an image whose longest side is `maxSide`. */
export function passScales(maxSide: number, minFace: number): number[] {
  const scales = [Math.min(1, MODEL_MIN_FACE / Math.max(1, minFace))];
  const last = Math.min(1, 256 / maxSide);
  while (scales[scales.length - 1]! > last)
    scales.push(Math.max(last, scales[scales.length - 1]! / LEVEL_RATIO));
  return scales;
}

/** Every face in the photo: multi-scale, banded BlazeFace passes merged with NMS. */
export async function detectFaceBoxes(
  tf: Tf,
  det: FaceDetector,
  image: RgbImage,
  opts: DetectorOptions = DEFAULT_DETECTOR,
): Promise<DetectedBox[]> {
  const found: DetectedBox[] = [];
  for (const scale of passScales(Math.max(image.width, image.height), opts.minFace)) {
    const outW = Math.max(32, Math.round(image.width * scale));
    const bandRows = Math.ceil(BAND / scale);
    const overlapRows = Math.ceil(BAND_OVERLAP / scale);
    for (let top = 0; top < image.height; top += bandRows - overlapRows) {
      const bottom = Math.min(image.height, top + bandRows);
      found.push(
        ...(await detectBand(
          tf,
          det,
          image,
          top,
          bottom,
          outW,
          scale,
          Math.min(opts.minScore, CANDIDATE_SCORE),
        )),
      );
      if (bottom === image.height) break;
    }
  }
  const candidates = nms(found, 0.3);
  const verified: DetectedBox[] = [];
  for (const c of candidates) {
    const score = await verifyScore(tf, det, image, c.box);
    if (score >= opts.minScore) verified.push({ ...c, box: faceBox(c.box), score });
  }
  return verified;
}

/**
 * BlazeFace's raw box spans brows to mouth; the face pipeline's boxes (and what blur must hide)
 * span forehead to chin. Measured on the 22 faces of the sample photos: 1.44–1.85× larger
 * (median 1.6), centred 0.17 of the raw height higher.
 */
const FACE_BOX_SCALE = 1.6;
const FACE_BOX_RAISE = 0.17;

function faceBox([x, y, w, h]: Box): Box {
  const cx = x + w / 2;
  const cy = y + h / 2 - FACE_BOX_RAISE * h;
  return [
    cx - (w * FACE_BOX_SCALE) / 2,
    cy - (h * FACE_BOX_SCALE) / 2,
    w * FACE_BOX_SCALE,
    h * FACE_BOX_SCALE,
  ];
}

/** The face's share of the verification view's side. */
const VERIFY_FACE = 0.25;

/**
 * A second look at one candidate: the region around it, rescaled so the face is 64 px in a
 * 256-px view (the size BlazeFace scores best), detected again. Clutter that looked like a
 * 14-px face rarely still does at 64 px; the score returned is the best overlapping detection's.
 */
async function verifyScore(tf: Tf, det: FaceDetector, image: RgbImage, box: Box): Promise<number> {
  const side = Math.max(box[2], box[3]) / VERIFY_FACE;
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  const x0 = Math.round(cx - side / 2);
  const y0 = Math.round(cy - side / 2);
  const n = Math.max(1, Math.round(side));
  // Copy the window (grey outside the photo), sampled straight at the view's size when larger.
  const out = Math.min(n, det.spec.side * 2);
  const step = n / out;
  const pixels = new Uint8Array(out * out * 3).fill(127);
  for (let y = 0; y < out; y++) {
    const sy = Math.floor(y0 + (y + 0.5) * step);
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < out; x++) {
      const sx = Math.floor(x0 + (x + 0.5) * step);
      if (sx < 0 || sx >= image.width) continue;
      const si = (sy * image.width + sx) * 3;
      const di = (y * out + x) * 3;
      pixels[di] = image.data[si]!;
      pixels[di + 1] = image.data[si + 1]!;
      pixels[di + 2] = image.data[si + 2]!;
    }
  }
  const view: RgbImage = { data: pixels, width: out, height: out };
  const seen = await detectBand(tf, det, view, 0, out, det.spec.side, det.spec.side / out, 0.05);
  const expected: Box = [
    (cx - x0 - box[2] / 2) / step,
    (cy - y0 - box[3] / 2) / step,
    box[2] / step,
    box[3] / step,
  ];
  return seen.reduce((best, d) => (iou(d.box, expected) > 0.3 ? Math.max(best, d.score) : best), 0);
}

async function detectBand(
  tf: Tf,
  det: FaceDetector,
  image: RgbImage,
  top: number,
  bottom: number,
  outW: number,
  scale: number,
  minScore: number,
): Promise<DetectedBox[]> {
  const rows = bottom - top;
  const outH = Math.max(32, Math.round(rows * scale));
  const sx = image.width / outW;
  const sy = rows / outH;
  const slice = image.data.subarray(top * image.width * 3, bottom * image.width * 3);
  const heads = tf.tidy(() => {
    const pixels = tf.tensor4d(slice, [1, rows, image.width, 3], 'int32');
    const resized = tf.image.resizeBilinear(pixels, [outH, outW]);
    const input = tf.sub(tf.div(resized, 127.5), 1);
    return det.model.execute(
      input,
      det.spec.heads.flatMap((h) => [h.cls, h.reg]),
    ) as Tensor[];
  });
  try {
    const data = await Promise.all(heads.map((t: Tensor) => t.data() as Promise<Float32Array>));
    const out: DetectedBox[] = [];
    det.spec.heads.forEach((head, i) => {
      const cls = data[2 * i]!;
      const reg = data[2 * i + 1]!;
      const [, gh, gw] = heads[2 * i]!.shape as number[];
      // The model's strides assume a 256 input; at other sizes the grid keeps the same stride.
      const stride = head.stride;
      for (let r = 0; r < gh!; r++) {
        for (let c = 0; c < gw!; c++) {
          for (let k = 0; k < head.anchors; k++) {
            const a = (r * gw! + c) * head.anchors + k;
            const score = 1 / (1 + Math.exp(-cls[a]!));
            if (score < minScore) continue;
            const v = reg.subarray(a * 16, a * 16 + 16);
            const cx = stride * (c + 0.5) + v[0]!;
            const cy = stride * (r + 0.5) + v[1]!;
            const keypoints: [number, number][] = [];
            for (let p = 0; p < 6; p++)
              keypoints.push([
                (stride * (c + 0.5) + v[4 + 2 * p]!) * sx,
                top + (stride * (r + 0.5) + v[5 + 2 * p]!) * sy,
              ]);
            out.push({
              box: [(cx - v[2]! / 2) * sx, top + (cy - v[3]! / 2) * sy, v[2]! * sx, v[3]! * sy],
              score,
              keypoints,
            });
          }
        }
      }
    });
    return out;
  } finally {
    tf.dispose(heads);
  }
}

/** Greedy NMS; each kept box is the score-weighted mean of the boxes it suppresses (steadier). */
export function nms(boxes: DetectedBox[], threshold: number): DetectedBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: DetectedBox[] = [];
  const used = new Array<boolean>(sorted.length).fill(false);
  for (let i = 0; i < sorted.length; i++) {
    if (used[i]) continue;
    const best = sorted[i]!;
    const group = [best];
    for (let j = i + 1; j < sorted.length; j++) {
      if (!used[j] && iou(best.box, sorted[j]!.box) > threshold) {
        used[j] = true;
        group.push(sorted[j]!);
      }
    }
    const w = group.reduce((s, g) => s + g.score, 0);
    const box = [0, 1, 2, 3].map((k) => group.reduce((s, g) => s + g.box[k]! * g.score, 0) / w) as Box;
    kept.push({ box, score: best.score, keypoints: best.keypoints });
  }
  return kept;
}

/** A copy of the w×h part of an image at (x, y). */
export function cropRgb(image: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + w * 3), row * w * 3);
  }
  return { data, width: w, height: h };
}
