import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import sharp from 'sharp';
import { dropNestedDuplicates, iou } from '../imaging/boxes';
import { cropRgb, nms, type DetectedBox } from './face-detector';
import { withFreeSpatialDims } from './onnx-shape';
import type { RgbImage } from './protocol';
import type { NativeFallback } from '../../../shared/schemas';

type Box = [number, number, number, number];

const nodeRequire = createRequire(import.meta.url);

/** The parts of onnxruntime's API used here; onnxruntime-node and onnxruntime-web both have them. */
interface OrtApi {
  InferenceSession: {
    create(path: string | Uint8Array, opts?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  env: { wasm: { numThreads?: number } };
}

export type OrtRuntime = 'onnxruntime-node' | 'onnxruntime-wasm';

/**
 * onnxruntime-node (native, bundled in its npm package) when it loads, else onnxruntime-web's
 * WASM build (about 8× slower per tile here). VIGIL_ORT=wasm forces WASM (tests).
 */
export function loadOrt(force?: 'wasm'): {
  ort: OrtApi;
  runtime: OrtRuntime;
  fallback: NativeFallback | null;
} {
  let fallback: NativeFallback = { forcedBy: 'VIGIL_ORT=wasm', loadError: null };
  if (force !== 'wasm') {
    try {
      return { ort: nodeRequire('onnxruntime-node') as OrtApi, runtime: 'onnxruntime-node', fallback: null };
    } catch (err) {
      fallback = {
        forcedBy: null,
        loadError: (err instanceof Error ? err.message : String(err)).split('\n')[0]!,
      };
    }
  }
  const ort = nodeRequire('onnxruntime-web') as OrtApi;
  // One thread per engine worker: the pool already runs one worker per core.
  ort.env.wasm.numThreads = 1;
  return { ort, runtime: 'onnxruntime-wasm', fallback };
}

/** The model file in resources/models (from the `retinaface` npm package, MIT). */
export const RETINAFACE_MODEL = 'mnet.25_v2.onnx';

/**
 * RetinaFace, MobileNet-0.25 backbone, trained on WIDER FACE (insightface's mnet.25, 640-px
 * input). Anchors per stride as insightface configures it: 8 → 32, 16 px; 16 → 128, 64 px;
 * 32 → 512, 256 px. Scores come as [background × 2, face × 2] per location.
 */
const HEADS = [
  { stride: 8, sizes: [32, 16] },
  { stride: 16, sizes: [128, 64] },
  { stride: 32, sizes: [512, 256] },
] as const;

/**
 * The first pass enlarges the photo so the smallest wanted face is this tall. Measured on the
 * recall bench (docs/benchmarks.md): faces under about 30 model px are mostly missed, and a
 * 24-px face is found far more often at 2× (0.70–0.78) than at 1.33× (0.13–0.20).
 */
const FACE_PX = 48;
/** No pass enlarges more than this: 3× a 12-MP photo is 108 MP of convolution. */
const MAX_SCALE = 2;
/** Each further pass shrinks by this much (each covers faces ~30–160 model px whole in a tile). */
const LEVEL_RATIO = 4;
/**
 * Each pass runs in bands this tall (the model's own 640-px input; its sizes are freed at load,
 * onnx-shape.ts), each as wide as the pass up to MAX_TILE_W. A 640 × 4160 run holds about 330 MB.
 */
const TILE = 640;
const MAX_TILE_W = 4160;
/** The model's coarsest stride: a run's sides are rounded up to it (grey beyond the photo). */
const STRIDE = 32;
/** Overlap of side-by-side runs in model px: a face up to this size lies whole in one of them. */
const TILE_OVERLAP = 160;
/**
 * Bands start every half band, so each face is looked at twice, each time with other context,
 * and NMS keeps the better. Measured on the recall bench (docs/benchmarks.md), against square
 * tiles overlapping by 160 px: 24-px faces 0.80 → 0.85 for 6 % more time; bands overlapping by
 * 160 px were 25 % faster than tiles but lost a 24-px face.
 */
const BAND_STEP = TILE / 2;
/** `confirm`'s window, in candidate sizes, and the side it is resized to (one tile). */
const CONFIRM_CONTEXT = 4;
const CONFIRM_SIDE = 480;
/**
 * Candidates below this probability are not decoded. 0.3 is a score of 0.225 (`retinaScore`), just
 * above where runtime.ts's second looks start (0.2); measured with it on the recall bench.
 */
const CANDIDATE_P = 0.3;
/**
 * Landmark offsets come in units of 0.2 anchor sizes: insightface's `landmark_std` for this
 * network (`net3l`, the mnet.25 v2 export; the `retinaface` package decodes with 0.18).
 */
const LANDMARK_STD = 0.2;

/**
 * RetinaFace's probability on BlazeFace's score scale: its measured operating point (0.8: as many
 * clutter regions per face-free photo as BlazeFace's second look at 0.6) maps to 0.6, so one
 * threshold serves both detectors. Piecewise linear, monotonic, 1 ↦ 1.
 */
export function retinaScore(p: number): number {
  return p >= 0.8 ? 0.6 + (p - 0.8) * 2 : p * 0.75;
}

/**
 * RetinaFace's boxes (WIDER FACE style) are tight, brows to chin; the face pipeline's (and what
 * blur hides) are squares over the whole face. Measured on the 22 faces of the sample photos at
 * two scales (44 pairs): the pipeline's box is 1.71× as wide (1.33–2.10) and 1.31× as tall
 * (1.14–1.71), centred 0.04 of the height lower.
 */
const FACE_BOX_W = 1.71;
const FACE_BOX_H = 1.31;
const FACE_BOX_DROP = 0.04;

export function faceBox([x, y, w, h]: Box): Box {
  const cx = x + w / 2;
  const cy = y + h / 2 + FACE_BOX_DROP * h;
  return [cx - (w * FACE_BOX_W) / 2, cy - (h * FACE_BOX_H) / 2, w * FACE_BOX_W, h * FACE_BOX_H];
}

export class RetinaFace {
  /** The model's input, reused for every run (32 MB at 640 × 4160). */
  private readonly input = new Float32Array(3 * TILE * MAX_TILE_W);

  private constructor(
    private readonly ort: OrtApi,
    private readonly session: InferenceSession,
    readonly runtime: OrtRuntime,
    /** Why the native runtime is not in use, when it is not. */
    readonly fallback: NativeFallback | null,
  ) {}

  static async load(modelPath: string, force?: 'wasm'): Promise<RetinaFace> {
    const { ort, runtime, fallback } = loadOrt(force);
    let model: Uint8Array;
    try {
      model = withFreeSpatialDims(await readFile(modelPath));
    } catch (err) {
      throw new Error(`${modelPath}: ${(err as Error).message}`);
    }
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new RetinaFace(ort, session, runtime, fallback);
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** Scales (model px per image px) of the passes for an image whose longest side is `maxSide`. */
  passScales(maxSide: number, minFace: number): number[] {
    const scales = [Math.min(MAX_SCALE, FACE_PX / Math.max(1, minFace))];
    const last = Math.min(scales[0]!, TILE / maxSide);
    while (scales[scales.length - 1]! > last)
      scales.push(Math.max(last, scales[scales.length - 1]! / LEVEL_RATIO));
    return scales;
  }

  /**
   * Every face, as probabilities mapped by `retinaScore`, at or above `minScore`: passes in
   * half-overlapping bands from the enlarged photo down to the whole photo in one run, merged
   * with NMS.
   */
  async detect(image: RgbImage, minFace: number, minScore: number): Promise<DetectedBox[]> {
    const found: DetectedBox[] = [];
    for (const scale of this.passScales(Math.max(image.width, image.height), minFace)) {
      const w = Math.max(1, Math.round(image.width * scale));
      const h = Math.max(1, Math.round(image.height * scale));
      const sx = image.width / w;
      // One band at a time, resized from its source rows: memory stays at one band.
      for (let top = 0; ; top += BAND_STEP) {
        const bandH = Math.min(TILE, h - top);
        const r0 = Math.max(0, Math.floor(top / scale));
        const r1 = Math.min(image.height, Math.ceil((top + bandH) / scale));
        const band = await resizeRows(image, r0, r1, w, bandH);
        const sy = (r1 - r0) / bandH;
        for (let left = 0; ; left += MAX_TILE_W - TILE_OVERLAP) {
          for (const b of await this.detectTile(band, w, bandH, left)) {
            const score = retinaScore(b.score);
            if (score < minScore) continue;
            found.push({
              box: faceBox([b.box[0] * sx, r0 + b.box[1] * sy, b.box[2] * sx, b.box[3] * sy]),
              score,
              keypoints: b.keypoints.map(([x, y]) => [x * sx, r0 + y * sy] as [number, number]),
            });
          }
          if (left + MAX_TILE_W >= w) break;
        }
        if (top + TILE >= h) break;
      }
    }
    // Overlapping bands and passes see one face several times, at slightly different boxes.
    return dropNestedDuplicates(nms(found, 0.3));
  }

  /**
   * A second, closer look at one candidate face: a window 4× its size around it (grey past the
   * image's edges), resized to 480 px so the face is 120 px, in one tile. Returns the best
   * `retinaScore` of a face found there over the candidate (IoU > 0.3), or 0. Measured on the
   * recall bench (docs/benchmarks.md): real small faces confirm, the clutter that a photo-wide
   * pass takes for faces mostly does not.
   */
  async confirm(image: RgbImage, box: readonly number[]): Promise<number> {
    const [bx, by, bw, bh] = box as Box;
    const out = CONFIRM_SIDE;
    const side = Math.max(8, Math.round(CONFIRM_CONTEXT * Math.max(bw, bh)));
    const z = out / side;
    const x0 = Math.round(bx + bw / 2 - side / 2);
    const y0 = Math.round(by + bh / 2 - side / 2);
    // Only the window's part inside the image is copied and resized (a candidate as large as the
    // photo must not cost a window 16× the photo); the rest of the view stays grey.
    const xa = Math.max(0, x0);
    const ya = Math.max(0, y0);
    const xb = Math.min(image.width, x0 + side);
    const yb = Math.min(image.height, y0 + side);
    if (xb <= xa || yb <= ya) return 0;
    const left = Math.min(out - 1, Math.round((xa - x0) * z));
    const top = Math.min(out - 1, Math.round((ya - y0) * z));
    const w = Math.max(1, Math.min(out - left, Math.round((xb - xa) * z)));
    const h = Math.max(1, Math.min(out - top, Math.round((yb - ya) * z)));
    const part = await sharp(cropRgb(image, xa, ya, xb - xa, yb - ya).data, {
      raw: { width: xb - xa, height: yb - ya, channels: 3 },
    })
      .resize(w, h, { fit: 'fill', kernel: 'cubic' })
      .raw()
      .toBuffer();
    const view = { data: new Uint8Array(out * out * 3).fill(127), width: out, height: out };
    for (let r = 0; r < h; r++)
      view.data.set(part.subarray(r * w * 3, (r + 1) * w * 3), ((top + r) * out + left) * 3);
    const want: Box = [(bx - x0) * z, (by - y0) * z, bw * z, bh * z];
    let best = 0;
    // minFace FACE_PX: one pass at scale 1, one tile.
    for (const d of await this.detect(view, FACE_PX, 0))
      if (iou(d.box, want) > 0.3) best = Math.max(best, d.score);
    return best;
  }

  /**
   * One run over the band from column `left`, at most MAX_TILE_W wide, its sides rounded up to
   * the coarsest stride (grey past the band's edges), in band pixels.
   */
  private async detectTile(band: Uint8Array, w: number, h: number, left: number): Promise<DetectedBox[]> {
    const cols = Math.min(MAX_TILE_W, w - left);
    // Never under the model's own 640 × 640 (grey-padded, as the recall figures were measured).
    const tw = Math.max(TILE, Math.ceil(cols / STRIDE) * STRIDE);
    const th = Math.max(TILE, Math.ceil(h / STRIDE) * STRIDE);
    const plane = tw * th;
    const input = this.input.subarray(0, 3 * plane);
    if (cols < tw || h < th) input.fill(127);
    for (let y = 0; y < h; y++) {
      let si = (y * w + left) * 3;
      let di = y * tw;
      for (let x = 0; x < cols; x++, si += 3, di++) {
        input[di] = band[si]!;
        input[di + plane] = band[si + 1]!;
        input[di + 2 * plane] = band[si + 2]!;
      }
    }
    const out = await this.session.run({
      [this.session.inputNames[0]!]: new this.ort.Tensor('float32', input, [1, 3, th, tw]),
    });
    const faces: DetectedBox[] = [];
    for (const head of HEADS) {
      const cls = out[`face_rpn_cls_prob_reshape_stride${head.stride}`];
      const reg = out[`face_rpn_bbox_pred_stride${head.stride}`];
      const lmk = out[`face_rpn_landmark_pred_stride${head.stride}`];
      if (!cls || !reg || !lmk) throw new Error(`RetinaFace: missing outputs for stride ${head.stride}`);
      faces.push(
        ...decodeHead(
          head.stride,
          head.sizes,
          cls.data as Float32Array,
          reg.data as Float32Array,
          lmk.data as Float32Array,
          cls.dims[2]!,
          cls.dims[3]!,
          left,
        ),
      );
    }
    return faces;
  }
}

/**
 * insightface's decoding for one stride: anchors centred at stride·(col, row) + 7.5, box deltas
 * relative to the anchor's size, box sizes as exp(delta)·size, landmarks as offsets·0.2·size.
 * Returns raw probabilities, in the tile's band coordinates (shifted by `left`).
 */
export function decodeHead(
  stride: number,
  sizes: readonly number[],
  score: Float32Array,
  reg: Float32Array,
  lmk: Float32Array,
  gh: number,
  gw: number,
  left = 0,
): DetectedBox[] {
  const area = gh * gw;
  const n = sizes.length;
  const out: DetectedBox[] = [];
  for (let a = 0; a < n; a++) {
    const size = sizes[a]!;
    for (let i = 0; i < area; i++) {
      const p = score[(n + a) * area + i]!;
      if (!(p >= CANDIDATE_P)) continue;
      const cx = (i % gw) * stride + 7.5;
      const cy = Math.floor(i / gw) * stride + 7.5;
      const bx = cx + reg[a * 4 * area + i]! * size;
      const by = cy + reg[(a * 4 + 1) * area + i]! * size;
      const bw = size * Math.exp(reg[(a * 4 + 2) * area + i]!);
      const bh = size * Math.exp(reg[(a * 4 + 3) * area + i]!);
      const keypoints: [number, number][] = [];
      for (let k = 0; k < 5; k++)
        keypoints.push([
          left + cx + lmk[(a * 10 + 2 * k) * area + i]! * size * LANDMARK_STD,
          cy + lmk[(a * 10 + 2 * k + 1) * area + i]! * size * LANDMARK_STD,
        ]);
      out.push({ box: [left + bx - bw / 2, by - bh / 2, bw, bh], score: p, keypoints });
    }
  }
  return out;
}

/** Source rows [r0, r1) resized to w × h RGB. */
async function resizeRows(
  image: RgbImage,
  r0: number,
  r1: number,
  w: number,
  h: number,
): Promise<Uint8Array> {
  if (w === image.width && h === r1 - r0)
    return image.data.subarray(r0 * image.width * 3, r1 * image.width * 3);
  const rows = image.data.subarray(r0 * image.width * 3, r1 * image.width * 3);
  // Enlarging: nearest neighbour, 10× faster than lanczos over a 48-MP pass (recall measured with it).
  const kernel = w > image.width ? 'nearest' : 'lanczos3';
  const buf = await sharp(rows, { raw: { width: image.width, height: r1 - r0, channels: 3 } })
    .resize(w, h, { fit: 'fill', kernel })
    .raw()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
