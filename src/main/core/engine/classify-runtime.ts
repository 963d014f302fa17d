import type { Human, Result } from '@vladmandic/human';
import { loadModelArtifacts, MODEL_SCHEME } from './disk-io';
import { dropNestedDuplicates } from '../imaging/boxes';
import type {
  ClassifyModelName,
  ClassifyRequest,
  ModelProbe,
  ObjectModelName,
  RawClassification,
  RawFaceAttributes,
  RawObject,
  UserModelSpec,
} from './classify-protocol';
import type { RgbImage } from './protocol';
import { describing } from './runtime';

type Tf = Human['tf'];
type Tensor = ReturnType<Tf['tensor']>;
type GraphModel = Awaited<ReturnType<Tf['loadGraphModel']>>;

/** human's emotion model (oarriaga): 64×64 grey in, these seven out. */
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const GREY = [0.2989, 0.587, 0.114];
/** COCO class ids are 1…80; nanodet's scores come in that order. */
const COCO_CLASSES = 80;
/** Non-maximum suppression overlap for both detectors. */
const IOU = 0.4;
/** User models kept loaded at once per worker (least recently used goes first). */
const USER_MODEL_CACHE = 3;

interface UserModel {
  inputShape: (number | null)[];
  inputDtype: string;
  run(input: Tensor): Promise<{ values: number[]; shape: number[] }>;
  dispose(): void;
}

/**
 * Classification beside face detection, on the same human instance and TensorFlow.js backend:
 * COCO objects (centernet or nanodet), per-face age, gender and emotion, and users' own models.
 * Models load on first use, from resources/models or a model folder, never from a network.
 */
export class ClassifyRuntime {
  private readonly objectModels = new Map<ObjectModelName, Promise<GraphModel>>();
  private emotionModel: Promise<GraphModel> | null = null;
  private readonly userModels = new Map<string, Promise<UserModel>>();

  constructor(
    private readonly human: Human,
    /** Told when one of CLASSIFY_MODELS has loaded, and how long it took. */
    private readonly onLoaded: (name: ClassifyModelName, loadMs: number) => void = () => {},
  ) {}

  /** Loads `<name>.json` from resources/models, reporting it once loaded. */
  private loadBuiltin(name: ClassifyModelName): Promise<GraphModel> {
    const t0 = performance.now();
    const model: Promise<GraphModel> = this.tf.loadGraphModel(MODEL_SCHEME + `${name}.json`);
    model.then(
      () => this.onLoaded(name, round(performance.now() - t0)),
      () => {},
    );
    return model;
  }

  private get tf(): Tf {
    return this.human.tf;
  }

  async classify(image: RgbImage, req: ClassifyRequest): Promise<RawClassification> {
    const tf = this.tf;
    const input = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    const timings = { objectsMs: 0, facesMs: 0, customMs: 0 };
    try {
      let t0 = performance.now();
      const objects = req.objects
        ? await this.detectObjects(input, req.objects.model, req.objects.minScore, req.objects.maxResults)
        : [];
      timings.objectsMs = round(performance.now() - t0);
      t0 = performance.now();
      const faces = req.faces ? await this.faceAttributes(input) : [];
      timings.facesMs = round(performance.now() - t0);
      t0 = performance.now();
      const scores = req.custom ? (await this.runUserModel(input, req.custom)).values : null;
      timings.customMs = round(performance.now() - t0);
      return { objects, faces, scores, timings };
    } finally {
      tf.dispose(input);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // COCO objects
  // ---------------------------------------------------------------------------------------------

  private objectModel(name: ObjectModelName): Promise<GraphModel> {
    const cached = this.objectModels.get(name);
    if (cached) return cached;
    const model = this.loadBuiltin(name);
    // A failed load is not cached: the next call tries again and reports its own error.
    model.catch(() => this.objectModels.delete(name));
    this.objectModels.set(name, model);
    return model;
  }

  private async detectObjects(
    input: Tensor,
    name: ObjectModelName,
    minScore: number,
    maxResults: number,
  ): Promise<RawObject[]> {
    const model = await this.objectModel(name);
    const [, height, width] = input.shape as number[];
    const found =
      name === 'centernet'
        ? await this.centernet(model, input, minScore)
        : await this.nanodet(model, input, minScore);
    const kept = await this.nms(found, maxResults, minScore);
    return kept.map((o) => ({
      classId: o.classId,
      score: round(o.score, 3),
      box: toPixels(o.box, width!, height!),
    }));
  }

  /** centernet (512², RGB 0…255 in): `tower_0/detections` holds [x1, y1, x2, y2, score, class]. */
  private async centernet(model: GraphModel, input: Tensor, minScore: number): Promise<NormObject[]> {
    const tf = this.tf;
    const size = model.inputs[0]?.shape?.[1] ?? 512;
    const resized = tf.tidy(() => tf.image.resizeBilinear(tf.cast(input, 'float32') as never, [size, size]));
    const out = model.execute(resized, ['tower_0/detections']) as Tensor;
    try {
      const rows = (await out.array()) as number[][][];
      const found: NormObject[] = [];
      for (const [x1, y1, x2, y2, score, cls] of rows[0] ?? []) {
        if (!(score! >= minScore) || !Number.isFinite(cls)) continue;
        found.push({
          classId: Math.round(cls!) + 1,
          score: score!,
          box: [x1! / size, y1! / size, (x2! - x1!) / size, (y2! - y1!) / size],
        });
      }
      return found;
    } finally {
      tf.dispose([resized, out]);
    }
  }

  /**
   * nanodet (416², NCHW, RGB 0…1): per stride (13², 26², 52² cells) one output of 80 class
   * scores and one of 4 × 11 distance bins (left, top, right, bottom) in units of the stride.
   * The distance is the expectation over the softmax of its bins (generalised focal loss).
   */
  private async nanodet(model: GraphModel, input: Tensor, minScore: number): Promise<NormObject[]> {
    const tf = this.tf;
    const size = model.inputs[0]?.shape?.[2] ?? 416;
    const prepared = tf.tidy(() =>
      tf.transpose(
        tf.div(tf.image.resizeBilinear(tf.cast(input, 'float32') as never, [size, size]), 255),
        [0, 3, 1, 2],
      ),
    );
    const outputs = model.execute(prepared) as Tensor[];
    try {
      const found: NormObject[] = [];
      for (const cells of [13, 26, 52]) {
        const n = cells * cells;
        const scoresT = outputs.find((t) => t.shape[1] === n && t.shape[2] === COCO_CLASSES);
        const distT = outputs.find((t) => t.shape[1] === n && t.shape[2] !== COCO_CLASSES);
        if (!scoresT || !distT) throw new Error(`nanodet: no outputs for the ${cells}×${cells} grid`);
        const bins = (distT.shape[2] ?? 44) / 4;
        const scores = await scoresT.data();
        const distances = tf.tidy(() => {
          const probs = tf.softmax(tf.reshape(distT, [n, 4, bins]) as never);
          return tf.sum(tf.mul(probs, tf.range(0, bins, 1, 'float32')), 2);
        });
        const dist = await distances.data();
        tf.dispose(distances);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < COCO_CLASSES; c++) {
            const score = scores[i * COCO_CLASSES + c]!;
            if (score < minScore) continue;
            const cx = ((i % cells) + 0.5) / cells;
            const cy = (Math.floor(i / cells) + 0.5) / cells;
            const [l, t, r, b] = [0, 1, 2, 3].map((k) => dist[i * 4 + k]! / cells);
            const x1 = Math.max(0, cx - l!);
            const y1 = Math.max(0, cy - t!);
            const x2 = Math.min(1, cx + r!);
            const y2 = Math.min(1, cy + b!);
            found.push({ classId: c + 1, score, box: [x1, y1, x2 - x1, y2 - y1] });
          }
        }
      }
      return found;
    } finally {
      tf.dispose([prepared, ...outputs]);
    }
  }

  /** Per-class non-maximum suppression, best first. */
  private async nms(found: NormObject[], maxResults: number, minScore: number): Promise<NormObject[]> {
    if (found.length === 0) return [];
    const tf = this.tf;
    const kept: NormObject[] = [];
    const classes = [...new Set(found.map((o) => o.classId))];
    for (const cls of classes) {
      const group = found.filter((o) => o.classId === cls);
      const boxes = tf.tensor2d(
        group.map((o) => [o.box[1], o.box[0], o.box[1] + o.box[3], o.box[0] + o.box[2]]),
        [group.length, 4],
      );
      const scores = tf.tensor1d(group.map((o) => o.score));
      const idx = await tf.image.nonMaxSuppressionAsync(
        boxes as never,
        scores as never,
        maxResults,
        IOU,
        minScore,
      );
      for (const i of await idx.data()) kept.push(group[i]!);
      tf.dispose([boxes, scores, idx]);
    }
    return kept.sort((a, b) => b.score - a.score).slice(0, maxResults);
  }

  // ---------------------------------------------------------------------------------------------
  // Faces: age and gender from faceres (human's face pipeline), emotion on the face box
  // ---------------------------------------------------------------------------------------------

  private async faceAttributes(input: Tensor): Promise<RawFaceAttributes[]> {
    const tf = this.tf;
    // faceres's outputs give human's age and gender.
    const result: Result = await this.human.detect(input as never, describing(true));
    if (result.error) throw new Error(result.error);
    const faces = dropNestedDuplicates(result.face);
    if (faces.length === 0) return [];
    const emotion = await this.emotion();
    const [, height, width] = input.shape as number[];
    const out: RawFaceAttributes[] = [];
    for (const face of faces) {
      const [x, y, w, h] = face.box;
      const probs = tf.tidy(() => {
        // Cropped from the 0…255 pixels first: no full-size float copy of a large photo.
        const crop = tf.image.cropAndResize(
          input as never,
          [[y / height!, x / width!, (y + h) / height!, (x + w) / width!]],
          [0],
          [64, 64],
        );
        const grey = tf.div(tf.sum(tf.mul(crop, GREY), 3, true), 255);
        return emotion.execute(tf.mul(tf.sub(grey, 0.5), 2)) as Tensor;
      });
      const values = await probs.data();
      tf.dispose(probs);
      const emotions = EMOTIONS.map((e, i) => ({ emotion: e, score: round(values[i] ?? 0, 3) })).sort(
        (a, b) => b.score - a.score,
      );
      const gender = face.gender === 'female' || face.gender === 'male' ? face.gender : null;
      out.push({
        box: face.box.map((v) => Math.round(v)) as [number, number, number, number],
        score: round(face.boxScore ?? face.score, 3),
        age: typeof face.age === 'number' && face.age > 0 ? round(face.age) : null,
        gender,
        genderScore: gender ? round(face.genderScore ?? 0, 3) : 0,
        emotions,
      });
    }
    return out;
  }

  private emotion(): Promise<GraphModel> {
    if (this.emotionModel) return this.emotionModel;
    const model = this.loadBuiltin('emotion');
    model.catch(() => (this.emotionModel = null));
    this.emotionModel = model;
    return model;
  }

  // ---------------------------------------------------------------------------------------------
  // The user's own models
  // ---------------------------------------------------------------------------------------------

  /**
   * Graph models load with human's tf. human's WASM build bundles no tfjs-layers, so layers
   * models (Teachable Machine) load with the @tensorflow/tfjs package; both copies of tfjs-core
   * keep their engine on the same global, so its models run on this very backend (checked).
   */
  private async loadUserModel(spec: UserModelSpec): Promise<UserModel> {
    const handler = { load: () => loadModelArtifacts(spec.dir, 'model.json') };
    if (spec.format === 'graph') {
      const model = await this.tf.loadGraphModel(handler as never);
      const info = model.inputs[0];
      return {
        inputShape: ((info?.shape ?? []) as number[]).map((d) => (d === -1 ? null : d)),
        inputDtype: info?.dtype ?? 'float32',
        run: async (x) => first(await model.executeAsync(x as never)),
        dispose: () => model.dispose(),
      };
    }
    const layers = await layersApi(this.tf);
    const model = await layers.loadLayersModel(handler as never);
    const info = model.inputs[0];
    return {
      inputShape: info?.shape ?? [],
      inputDtype: info?.dtype ?? 'float32',
      run: async (x) => first(model.predict(x as never) as never),
      dispose: () => model.dispose(),
    };
  }

  private userModel(spec: UserModelSpec): Promise<UserModel> {
    let model = this.userModels.get(spec.dir);
    if (model) {
      // Most recently used last.
      this.userModels.delete(spec.dir);
      this.userModels.set(spec.dir, model);
      return model;
    }
    model = this.loadUserModel(spec);
    model.catch(() => this.userModels.delete(spec.dir));
    this.userModels.set(spec.dir, model);
    while (this.userModels.size > USER_MODEL_CACHE) {
      const oldest = this.userModels.keys().next().value!;
      this.release(oldest);
    }
    return model;
  }

  /** Forgets a user model (removed, or replaced under the same folder). */
  release(dir: string): void {
    const model = this.userModels.get(dir);
    this.userModels.delete(dir);
    model?.then(
      (m) => m.dispose(),
      () => undefined,
    );
  }

  private async runUserModel(
    input: Tensor,
    spec: UserModelSpec,
  ): Promise<{ values: number[]; shape: number[] }> {
    const model = await this.userModel(spec);
    return this.runPrepared(model, input, spec);
  }

  private async runPrepared(model: UserModel, input: Tensor, spec: UserModelSpec) {
    const tf = this.tf;
    const [, height, width] = input.shape as number[];
    const prepared = tf.tidy(() => {
      let box = [0, 0, 1, 1];
      if (spec.fit === 'cover') {
        // Centre crop with the model input's aspect ratio (Teachable Machine crops a square).
        const want = spec.width / spec.height;
        const have = width! / height!;
        if (have > want) {
          const w = want / have;
          box = [0, (1 - w) / 2, 1, (1 + w) / 2];
        } else {
          const h = have / want;
          box = [(1 - h) / 2, 0, (1 + h) / 2, 1];
        }
      }
      let x = tf.image.cropAndResize(
        tf.cast(input, 'float32') as never,
        [box],
        [0],
        [spec.height, spec.width],
      ) as Tensor;
      if (spec.channels === 1) x = tf.sum(tf.mul(x, GREY), 3, true);
      if (model.inputDtype === 'int32') return tf.cast(tf.round(x), 'int32');
      return tf.add(tf.mul(x, spec.scale), spec.offset);
    });
    try {
      return await model.run(prepared);
    } finally {
      tf.dispose(prepared);
    }
  }

  /** Loads a model folder afresh (nothing cached) and runs it once on a blank image. */
  async probe(spec: UserModelSpec): Promise<ModelProbe> {
    let model: UserModel;
    try {
      model = await this.loadUserModel(spec);
    } catch (err) {
      throw new Error(`TensorFlow.js cannot load it: ${message(err)}`);
    }
    try {
      const [, h, w, c] = model.inputShape;
      const channels = c ?? spec.channels;
      if (model.inputShape.length !== 4 || (channels !== 1 && channels !== 3)) {
        return { inputShape: model.inputShape, inputDtype: model.inputDtype, outputShape: [] };
      }
      const blank = this.tf.zeros([1, h ?? spec.height, w ?? spec.width, 3], 'int32');
      try {
        const out = await this.runPrepared(model, blank, {
          ...spec,
          width: w ?? spec.width,
          height: h ?? spec.height,
          channels,
        });
        return { inputShape: model.inputShape, inputDtype: model.inputDtype, outputShape: out.shape };
      } catch (err) {
        throw new Error(`it does not run on a ${w ?? spec.width}×${h ?? spec.height} image: ${message(err)}`);
      } finally {
        this.tf.dispose(blank);
      }
    } finally {
      model.dispose();
    }
  }
}

interface NormObject {
  classId: number;
  score: number;
  /** x, y, width, height as fractions of the image. */
  box: [number, number, number, number];
}

type LayersApi = { loadLayersModel: (handler: never) => Promise<LayersModelLike> };
interface LayersModelLike {
  inputs: { shape: (number | null)[]; dtype: string }[];
  predict(x: never): unknown;
  dispose(): void;
}

async function layersApi(tf: Tf): Promise<LayersApi> {
  const own = (tf as unknown as Partial<LayersApi>).loadLayersModel;
  if (typeof own === 'function') return tf as unknown as LayersApi;
  const tfjs = await import('@tensorflow/tfjs');
  if (tfjs.engine() !== (tf.engine() as unknown)) {
    throw new Error('the @tensorflow/tfjs package and human do not share one TensorFlow.js engine');
  }
  return tfjs as unknown as LayersApi;
}

/** The first output of a model run, as plain numbers; every output tensor is disposed. */
async function first(out: unknown): Promise<{ values: number[]; shape: number[] }> {
  const all = (Array.isArray(out) ? out : [out]) as Tensor[];
  try {
    const t = all[0];
    if (!t) throw new Error('the model produced no output');
    return { values: Array.from(await t.data()), shape: [...t.shape] };
  } finally {
    for (const t of all) t.dispose();
  }
}

/** Fractions of the image → integer pixels of the image the worker was given. */
function toPixels(box: [number, number, number, number], width: number, height: number) {
  const x = Math.max(0, Math.round(box[0] * width));
  const y = Math.max(0, Math.round(box[1] * height));
  return [
    x,
    y,
    Math.min(width - x, Math.round(box[2] * width)),
    Math.min(height - y, Math.round(box[3] * height)),
  ] as [number, number, number, number];
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
