import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Config, Human, Result } from '@vladmandic/human';
import { MODEL_SCHEME, registerDiskModelRouter } from './disk-io';
import { CLASSIFY_MODELS } from './classify-protocol';
import { alignedChip, fuseUnit } from './align';
import { type Box, dropNestedDuplicates, iou, searchAreas, shareInside } from '../imaging/boxes';
import type { DetectRequest, RawFace, RgbImage, WorkerInfo } from './protocol';
import { fallbackReason, type NativeFallback } from '../../../shared/schemas';
import {
  BLAZEFACE_FULL,
  cropRgb,
  DEFAULT_DETECTOR,
  detectFaceBoxes,
  nms,
  loadFaceDetector,
  type DetectedBox,
  type DetectorOptions,
  type FaceDetector,
} from './face-detector';
import { RETINAFACE_MODEL, RetinaFace } from './retinaface';
import { clipDetection, padRgb, scaleBox, shrinkRgb, turnRgb, unpadBox, unturnBox } from './views';

// Not named `require`: the bundler would rewrite those calls, and these must stay dynamic.
const nodeRequire = createRequire(import.meta.url);

type HumanModule = { Human: new (config?: Partial<Config>) => Human };

/** Models the face pipeline needs, by file name in resources/models. */
export const FACE_MODELS = ['blazeface.json', 'facemesh.json', 'faceres.json'] as const;

/** Five landmarks from the 468-point mesh: eye centres, nose tip, mouth corners. */
const LANDMARK_PAIRS: [number, number][] = [
  [33, 133],
  [362, 263],
  [1, 1],
  [61, 61],
  [291, 291],
];

/**
 * Native tfjs-node when it loads (it is optional: its install downloads libtensorflow),
 * else human's WASM build. human's `exports` map hides the WASM build, so load it by path.
 */
function loadHuman(force?: 'wasm' | 'tensorflow'): {
  mod: HumanModule;
  backend: 'tensorflow' | 'wasm';
  fallback: NativeFallback | null;
} {
  const distDir = dirname(nodeRequire.resolve('@vladmandic/human'));
  let fallback: NativeFallback = { forcedBy: 'VIGIL_BACKEND=wasm', loadError: null };
  if (force !== 'wasm') {
    try {
      nodeRequire('@tensorflow/tfjs-node');
      return {
        mod: nodeRequire(join(distDir, 'human.node.js')) as HumanModule,
        backend: 'tensorflow',
        fallback: null,
      };
    } catch (err) {
      if (force === 'tensorflow') throw err;
      fallback = {
        forcedBy: null,
        loadError: (err instanceof Error ? err.message : String(err)).split('\n')[0]!,
      };
    }
  }
  return { mod: nodeRequire(join(distDir, 'human.node-wasm.js')) as HumanModule, backend: 'wasm', fallback };
}

export function stillPhotoConfig(backend: 'tensorflow' | 'wasm'): Partial<Config> {
  const wasmDir = join(dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm')), '');
  return {
    backend,
    modelBasePath: MODEL_SCHEME,
    wasmPath: wasmDir.endsWith('/') ? wasmDir : wasmDir + '/',
    // Still photos: no result caching between calls, no skipped frames.
    cacheSensitivity: 0,
    cacheModels: false,
    debug: false,
    async: false,
    warmup: 'none',
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: {
        modelPath: 'blazeface.json',
        rotation: false,
        maxDetected: 200,
        minConfidence: 0.2,
        iouThreshold: 0.1,
        skipFrames: 0,
        skipTime: 0,
        return: false,
      },
      mesh: { enabled: true, modelPath: 'facemesh.json' },
      attention: { enabled: false },
      iris: { enabled: false },
      description: { enabled: true, modelPath: 'faceres.json', skipFrames: 0, skipTime: 0, minConfidence: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  } as Partial<Config>;
}

/** The second descriptor (256-d), run on a landmark-aligned chip; see docs/calibration.md. */
export const MATCH_MODEL = 'mobileface.json';

type GraphModel = Awaited<ReturnType<Human['tf']['loadGraphModel']>>;

/** human + TensorFlow.js in the calling thread. The engine pool runs one of these per worker. */
export class EngineRuntime {
  private constructor(
    private readonly human: Human,
    private readonly matchModel: GraphModel,
    private readonly detector: FaceDetector,
    private readonly retina: RetinaFace,
    readonly info: WorkerInfo,
  ) {}

  /** The human instance, for classification beside detection (engine/classify-runtime.ts). */
  get humanInstance(): Human {
    return this.human;
  }

  static async create(modelsDir: string, forceBackend?: 'wasm' | 'tensorflow'): Promise<EngineRuntime> {
    const started = performance.now();
    const { mod, backend, fallback } = loadHuman(forceBackend);
    const human = new mod.Human(stillPhotoConfig(backend));
    registerDiskModelRouter(human.tf.io, modelsDir);
    await human.init();
    const models: WorkerInfo['models'] = [];
    for (const file of FACE_MODELS) {
      const t0 = performance.now();
      const name = file.replace('.json', '');
      // human loads every enabled model in one call; load them one by one to time each.
      await human.load({
        face: { ...stillPhotoConfig(backend).face, ...onlyModel(name) },
      } as Partial<Config>);
      models.push({
        name,
        file,
        loaded: true,
        loadMs: round(performance.now() - t0),
        sizeBytes: modelSize(modelsDir, file),
      });
    }
    // load() merges its argument into human.config: restore the full still-photo config.
    await human.load(stillPhotoConfig(backend));
    for (const m of models)
      m.loaded = human.models.stats().modelStats.some((s) => s.name === m.name && s.loaded);
    if (models.some((m) => !m.loaded)) {
      throw new Error(
        `models failed to load from ${modelsDir}: ${models
          .filter((m) => !m.loaded)
          .map((m) => m.name)
          .join(', ')}`,
      );
    }
    const t0 = performance.now();
    const matchModel = await human.tf.loadGraphModel(MODEL_SCHEME + MATCH_MODEL);
    models.push({
      name: MATCH_MODEL.replace('.json', ''),
      file: MATCH_MODEL,
      loaded: true,
      loadMs: round(performance.now() - t0),
      sizeBytes: modelSize(modelsDir, MATCH_MODEL),
    });
    const t1 = performance.now();
    const detector = await loadFaceDetector(
      human.tf,
      modelsDir,
      process.env.VIGIL_DETECTOR === 'full' ? BLAZEFACE_FULL : undefined,
    );
    models.push({
      name: 'blazeface-multiscale',
      file: 'blazeface.json',
      loaded: true,
      loadMs: round(performance.now() - t1),
      sizeBytes: modelSize(modelsDir, 'blazeface.json'),
    });
    const t2 = performance.now();
    const retina = await RetinaFace.load(
      join(modelsDir, RETINAFACE_MODEL),
      process.env.VIGIL_ORT === 'wasm' ? 'wasm' : undefined,
    );
    models.push({
      name: 'retinaface-mnet025',
      file: RETINAFACE_MODEL,
      loaded: true,
      loadMs: round(performance.now() - t2),
      sizeBytes: statSync(join(modelsDir, RETINAFACE_MODEL)).size,
    });
    // Classification's models load on first use (classify-runtime.ts): listed now, not loaded,
    // so Diagnostics shows them and their size; the engine marks them loaded when a worker says so.
    for (const name of CLASSIFY_MODELS) {
      const file = `${name}.json`;
      const sizeBytes = existsSync(join(modelsDir, file)) ? modelSize(modelsDir, file) : null;
      if (sizeBytes !== null) models.push({ name, file, loaded: false, loadMs: null, sizeBytes });
    }
    const wasm = backend === 'wasm';
    const info: WorkerInfo = {
      backend,
      backendReason: fallback && fallbackReason('@tensorflow/tfjs-node', fallback),
      backendFallback: fallback,
      wasmFeatures: wasm
        ? { simd: Boolean(human.env.wasm.simd), threads: Boolean(human.env.wasm.multithread) }
        : null,
      detectorRuntime: retina.runtime,
      detectorRuntimeReason: retina.fallback && fallbackReason('onnxruntime-node', retina.fallback),
      detectorRuntimeFallback: retina.fallback,
      versions: { human: human.version, tfjs: human.tf.version_core, node: process.versions.node },
      models,
      loadMs: round(performance.now() - started),
    };
    return new EngineRuntime(human, matchModel, detector, retina, info);
  }

  /**
   * mobileface on the ArcFace-aligned chip (RGB 0…255) and on its mirror image, the two unit
   * vectors summed: 256 values, or empty without landmarks. The mirrored pass (one batch of two)
   * raised genuine pairs accepted at FMR 1e-3 from 53 % to 62 % (docs/calibration.md).
   */
  private async matchDescriptor(image: RgbImage, landmarks: [number, number][]): Promise<Float32Array> {
    if (landmarks.length !== 5) return new Float32Array(0);
    const tf = this.human.tf;
    const out = tf.tidy(() => {
      const chip = tf.tensor4d(alignedChip(image, landmarks), [1, 112, 112, 3], 'float32');
      const both = this.matchModel.execute(tf.concat([chip, tf.reverse(chip, 2)])) as ReturnType<
        typeof tf.tensor
      >;
      const unit = tf.div(both, tf.norm(both, 'euclidean', 1, true));
      return tf.sum(unit, 0);
    });
    try {
      return Float32Array.from(await out.data());
    } finally {
      tf.dispose(out);
    }
  }

  /**
   * Boxes only, tuned for recall (small faces in large photos): what blur hides. Two detectors
   * that miss different faces (docs/benchmarks.md): multi-scale BlazeFace and RetinaFace in bands,
   * merged; a face both find keeps the higher-scoring box. With `turns` and `edges`, the photo
   * turned and on a mirrored border are searched too (`viewBoxes`).
   */
  async detectBoxes(image: RgbImage, opts: DetectorOptions = DEFAULT_DETECTOR): Promise<DetectedBox[]> {
    const { within, turns, edges, ...whole } = opts;
    const areas = within && withinAreas(within, whole.minFace, image.width, image.height);
    const found: DetectedBox[] = [];
    if (!areas) found.push(...(await this.bothDetectors(image, whole)));
    else {
      for (const {
        box: [x, y, w, h],
        minFace,
      } of areas) {
        for (const d of await this.detectBoxes(cropRgb(image, x, y, w, h), { ...whole, minFace })) {
          found.push({
            box: [d.box[0] + x, d.box[1] + y, d.box[2], d.box[3]],
            score: d.score,
            keypoints: d.keypoints.map(([kx, ky]) => [kx + x, ky + y] as [number, number]),
          });
        }
      }
    }
    // The views once over the whole image, not per area: each view costs about the same at any
    // size (VIEW_SIDE), and a self-check has several areas.
    const views = await this.viewBoxes(image, whole.minScore, { turns, edges });
    // One face seen upright and turned (or padded) gives two near boxes: keep one.
    return views.length ? dropNestedDuplicates(nms([...found, ...views], 0.3), 0.5) : found;
  }

  /** BlazeFace's and RetinaFace's candidates over the whole image, through the second look. */
  private async bothDetectors(image: RgbImage, opts: DetectorOptions): Promise<DetectedBox[]> {
    return this.confirmed(image, opts, [
      ...(await this.blazeFaceBoxes(image, wideOf(opts))),
      ...(await this.retinaFaceBoxes(image, wideOf(opts))),
    ]);
  }

  /**
   * Candidates that keep a second look's score (`RetinaFace.confirm`) at or above `minScore`; the
   * score is the larger of that look's and the candidate's own less CONFIRM_MARGIN.
   */
  private async confirmed(
    image: RgbImage,
    opts: Pick<DetectorOptions, 'minScore'>,
    candidates: DetectedBox[],
  ): Promise<DetectedBox[]> {
    const kept: DetectedBox[] = [];
    for (const c of dropNestedDuplicates(nms(candidates, 0.3), 0.5)) {
      const score = Math.max(c.score - CONFIRM_MARGIN, await this.retina.confirm(image, c.box));
      if (score >= opts.minScore) kept.push({ ...c, score });
    }
    return kept;
  }

  /**
   * Faces in other views of the photo, in its own pixels: turned by each of `turns`, and on a
   * canvas grown by a mirrored border (`edges`). A view gets the cheap part of the search only:
   * the face pipeline's detector (large faces; a few hundred ms), its faces at its own score; the
   * padded view also the tiled detectors for faces from EDGE_MIN_FACE of its side. On the ten group photos turned by 90°, 180° and 270°
   * this found 250 of their 270 faces against 166 without; adding the tiled detectors for faces
   * from 1/20 of the side found 261 for 7× the time (docs/benchmarks.md).
   */
  private async viewBoxes(
    image: RgbImage,
    minScore: number,
    { turns = [], edges = false }: Pick<DetectorOptions, 'turns' | 'edges'>,
  ): Promise<DetectedBox[]> {
    if (!turns.length && !edges) return [];
    // Views at VIEW_SIDE at most: their faces are large, and the cost stays that of a small photo.
    const { image: small, factor } = await shrinkRgb(image, VIEW_SIDE);
    const { width: w, height: h } = small;
    const search = async (view: RgbImage, tiled = false): Promise<DetectedBox[]> => {
      // The face pipeline's faces are taken at its own score, as on the photo itself: the second
      // look rejected the QA report's half face on its mirrored border (0.3) that BlazeFace and
      // the pipeline both see at 0.7–0.8.
      const faces = (await this.pipelineFaces(view, false)).map((f): DetectedBox => ({
        box: f.box,
        score: f.score,
        keypoints: [],
      }));
      if (!tiled) return faces;
      const coarse = { minFace: EDGE_MIN_FACE * Math.max(view.width, view.height), minScore };
      return [...faces, ...(await this.bothDetectors(view, coarse))];
    };
    const found: DetectedBox[] = [];
    for (const turn of turns)
      found.push(...(await search(turnRgb(small, turn))).map((d) => unturnBox(d, turn, w, h)));
    if (edges) {
      const pad = Math.round(EDGE_PAD * Math.max(w, h));
      for (const d of await search(padRgb(small, pad), true)) {
        const back = unpadBox(d, pad, w, h);
        if (back) found.push(back);
      }
    }
    return found.map((d) => clipDetection(scaleBox(d, factor), image.width, image.height));
  }

  /** Multi-scale BlazeFace alone (the recall bench reports each detector). */
  blazeFaceBoxes(image: RgbImage, opts: DetectorOptions = DEFAULT_DETECTOR): Promise<DetectedBox[]> {
    return detectFaceBoxes(this.human.tf, this.detector, image, opts);
  }

  /** Tiled RetinaFace alone, scores on BlazeFace's scale (`retinaScore`). */
  retinaFaceBoxes(image: RgbImage, opts: DetectorOptions = DEFAULT_DETECTOR): Promise<DetectedBox[]> {
    return this.retina.detect(image, opts.minFace, opts.minScore);
  }

  /**
   * The face pipeline (boxes, landmarks, descriptors unless `describe` is false) on the whole
   * photo; with `recall`, also the small-face detectors, whose faces the pipeline missed (too
   * small for it) are added as boxes without descriptors. Blur asks for recall: a missed face is
   * a privacy leak.
   */
  async detect(image: RgbImage, { recall, describe = true }: DetectRequest = {}): Promise<RawFace[]> {
    const faces = await this.pipelineFaces(image, describe);
    if (!recall) return faces;
    for (const d of await this.detectBoxes(image, recall)) {
      const same = faces.find((f) => sameFaceFound(f.box, d.box));
      if (same) {
        same.box = coveringBox(same, d);
        continue;
      }
      faces.push({
        box: d.box.map(round) as [number, number, number, number],
        score: round(d.score, 4),
        landmarks: [],
        pose: null,
        descriptor: new Float32Array(0),
        matchDescriptor: new Float32Array(0),
        detector: 'small-face',
      });
    }
    return faces;
  }

  private async pipelineFaces(image: RgbImage, describe: boolean): Promise<RawFace[]> {
    const tf = this.human.tf;
    const input = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    let result: Result;
    try {
      result = await this.human.detect(input, describing(describe));
    } finally {
      tf.dispose(input);
    }
    if (result.error) throw new Error(result.error);
    const faces: RawFace[] = [];
    for (const face of dropNestedDuplicates(result.face)) {
      const mesh = face.mesh ?? [];
      const exact: [number, number][] = [];
      if (mesh.length >= 468) {
        for (const [a, b] of LANDMARK_PAIRS) {
          const pa = mesh[a]!;
          const pb = mesh[b]!;
          exact.push([(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2]);
        }
      }
      const landmarks = exact.map(([x, y]) => [round(x), round(y)] as [number, number]);
      const descriptor = Float32Array.from(describe ? (face.embedding ?? []) : []);
      const second = describe ? await this.matchDescriptor(image, exact) : new Float32Array(0);
      faces.push({
        box: face.box.map(round) as [number, number, number, number],
        score: round(face.boxScore ?? face.score, 4),
        landmarks,
        pose: face.rotation?.angle
          ? {
              yaw: round((face.rotation.angle.yaw * 180) / Math.PI),
              pitch: round((face.rotation.angle.pitch * 180) / Math.PI),
              roll: round((face.rotation.angle.roll * 180) / Math.PI),
            }
          : null,
        descriptor,
        // Unit faceres ++ unit mobileface: one cosine over it is the mean of both cosines.
        matchDescriptor:
          descriptor.length && second.length ? fuseUnit(descriptor, second) : new Float32Array(0),
        detector: 'pipeline',
      });
    }
    return faces;
  }
}

/**
 * human's `detect` merges the config it is given into its own for good, so every call on the
 * shared instance (classify-runtime.ts too) says whether faceres runs.
 */
export function describing(describe: boolean): Partial<Config> {
  return { face: { description: { enabled: describe } } } as Partial<Config>;
}

/**
 * The small-face detectors' candidates from this score on get a second look (`RetinaFace.confirm`,
 * about 20 ms each); a candidate's score is then the larger of that look's and its own less
 * CONFIRM_MARGIN. Chosen on the recall bench (docs/benchmarks.md): at 0.6, false positives per
 * textured 12-MP photo fell from 1.3 to 0, and 24-px faces found rose from 0.65 to 0.80. From
 * 0.2 rather than 0.3 (with RetinaFace in bands): 32-px faces 0.90 → 0.95, still 0 false
 * positives, for 17 % more time.
 */
const CANDIDATE_SCORE = 0.2;
const CONFIRM_MARGIN = 0.2;

/**
 * Whether a small-face detector's box is a face the pipeline already has: nearly the same box
 * (IoU), or all but wholly inside the pipeline's larger one (its box takes in hair and chin).
 * Half inside was not enough: in group-1.jpg a neighbour's pipeline box covered 58 % of a 0.99
 * face the pipeline missed, and blur left that face bare.
 */
export function sameFaceFound(pipeline: Box, small: Box): boolean {
  return iou(pipeline, small) >= 0.5 || shareInside(small, pipeline) >= 0.9;
}

/**
 * A recall box of a face the pipeline found, less than this share of it inside the pipeline's
 * box, widens that box to both (detectors' boxes of one face agree to about 0.8–1).
 */
const OWN_BOX_SHARE = 0.75;

/**
 * The box blur hides for a pipeline face that a recall detector also found: the recall box, when
 * surer or well outside the pipeline's, is covered too. The pipeline's detector can take an
 * upside-down face for an upright one (0.78) and box it 0.2 of its height off, where the turned
 * view boxes it right (0.95).
 */
export function coveringBox(
  pipeline: { box: Box; score: number },
  recall: { box: Box; score: number },
): [number, number, number, number] {
  const [a, b] = [pipeline.box, recall.box];
  if (recall.score <= pipeline.score && shareInside(b, a) >= OWN_BOX_SHARE) return [a[0], a[1], a[2], a[3]];
  // Whole pixels, rounded outwards.
  const x = Math.floor(Math.min(a[0], b[0]));
  const y = Math.floor(Math.min(a[1], b[1]));
  const right = Math.ceil(Math.max(a[0] + a[2], b[0] + b[2]));
  const bottom = Math.ceil(Math.max(a[1] + a[3], b[1] + b[3]));
  return [x, y, right - x, bottom - y];
}

/** The candidates' options: every region from CANDIDATE_SCORE gets the second look. */
const wideOf = <O extends DetectorOptions>(o: O): O => ({
  ...o,
  minScore: Math.min(o.minScore, CANDIDATE_SCORE),
});

/**
 * The mirrored border's width per side, as a share of the photo's longer side: room for the
 * missing half of a face as large as the photo is tall.
 */
const EDGE_PAD = 0.25;
/**
 * The padded view also gets the tiled detectors, for faces from this share of its longer side:
 * the face pipeline's detector alone finds only faces large in the photo (a portrait's), not a
 * group photo's face cut by the edge.
 */
const EDGE_MIN_FACE = 1 / 20;
/** The longer side the views are searched at (the face pipeline's detector sees 256 px anyway). */
const VIEW_SIDE = 1280;

/**
 * Where a `within` search looks, and for faces how small: around each box, faces of about its
 * size (half to twice its height, shifted by up to half of it, lie whole inside its area grown by
 * half its size), never smaller than `minFace`, with at least 3 smallest faces of context. A
 * face larger than the boxes is the face pipeline's, which always sees the whole image. Null
 * when the areas would cost more than one search of the whole image (passes cost about
 * area / minFace²).
 */
function withinAreas(
  within: readonly Box[],
  minFace: number,
  width: number,
  height: number,
): { box: Box; minFace: number }[] | null {
  const size = (b: Box) => Math.max(b[2], b[3]);
  const areas = searchAreas(within, (b) => Math.max(size(b) / 2, 3 * minFace), width, height).map((a) => ({
    box: a.box,
    minFace: Math.max(minFace, Math.min(...a.members.map((i) => size(within[i]!) / 2))),
  }));
  const cost = areas.reduce((sum, a) => sum + (a.box[2] * a.box[3]) / a.minFace ** 2, 0);
  return cost < (width * height) / minFace ** 2 ? areas : null;
}

function onlyModel(name: string): Record<string, unknown> {
  const off = { detector: { enabled: false }, mesh: { enabled: false }, description: { enabled: false } };
  if (name === 'blazeface') return { ...off, detector: { enabled: true, modelPath: 'blazeface.json' } };
  if (name === 'facemesh') return { ...off, mesh: { enabled: true, modelPath: 'facemesh.json' } };
  return { ...off, description: { enabled: true, modelPath: 'faceres.json' } };
}

function modelSize(modelsDir: string, file: string): number {
  try {
    const json = JSON.parse(readFileSync(join(modelsDir, file), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    let total = statSync(join(modelsDir, file)).size;
    for (const g of json.weightsManifest) for (const p of g.paths) total += statSync(join(modelsDir, p)).size;
    return total;
  } catch {
    return 0;
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
