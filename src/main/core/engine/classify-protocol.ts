/** What the engine pool and its workers exchange for classification (see protocol.ts). */

/** The COCO detectors that ship in resources/models (see manifest.json). */
export const OBJECT_MODELS = ['centernet', 'nanodet'] as const;
export type ObjectModelName = (typeof OBJECT_MODELS)[number];

/** The models a worker loads on its first classification that needs them (`<name>.json`). */
export const CLASSIFY_MODELS = [...OBJECT_MODELS, 'emotion'] as const;
export type ClassifyModelName = (typeof CLASSIFY_MODELS)[number];

/** A user's TensorFlow.js image classifier, copied into the data dir (services/models.ts). */
export interface UserModelSpec {
  /** Folder holding model.json and its weight files. */
  dir: string;
  format: 'graph' | 'layers';
  width: number;
  height: number;
  channels: 1 | 3;
  /** Each input value is pixel (0…255) × scale + offset. */
  scale: number;
  offset: number;
  /** cover: centre crop to the input's aspect, then resize (Teachable Machine); fill: stretch. */
  fit: 'cover' | 'fill';
}

export interface ClassifyRequest {
  objects: { model: ObjectModelName; minScore: number; maxResults: number } | null;
  faces: boolean;
  custom: UserModelSpec | null;
}

/** Boxes are `[x, y, width, height]` in the pixels the worker was given (the caller scales them). */
export interface RawObject {
  classId: number;
  score: number;
  box: [number, number, number, number];
}

export interface RawFaceAttributes {
  box: [number, number, number, number];
  score: number;
  /** faceres' age estimate in years; null when faceres gave none. */
  age: number | null;
  gender: 'female' | 'male' | null;
  genderScore: number;
  /** All seven emotions, most likely first. */
  emotions: { emotion: string; score: number }[];
}

export interface RawClassification {
  objects: RawObject[];
  faces: RawFaceAttributes[];
  /** The user model's output, one value per label; null without a user model. */
  scores: number[] | null;
  timings: { objectsMs: number; facesMs: number; customMs: number };
}

/** What loading a user model and running it once on a blank image found. */
export interface ModelProbe {
  /** The model's declared input shape (null for a free dimension). */
  inputShape: (number | null)[];
  inputDtype: string;
  /** Output shape of the trial run. */
  outputShape: number[];
}

export type ClassifyToWorker =
  | {
      type: 'classify';
      id: number;
      data: ArrayBuffer;
      width: number;
      height: number;
      request: ClassifyRequest;
    }
  | { type: 'model-probe'; id: number; spec: UserModelSpec }
  | { type: 'model-release'; dir: string };

export type ClassifyFromWorker =
  | { type: 'classified'; id: number; value: RawClassification }
  /** A CLASSIFY_MODELS model finished loading in this worker (the engine's info lists it as loaded). */
  | { type: 'model-loaded'; name: ClassifyModelName; loadMs: number }
  | { type: 'probed'; id: number; value: ModelProbe };
