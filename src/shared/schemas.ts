import { z } from 'zod';

/** `[x, y, width, height]` in the original image's pixels, after EXIF orientation. */
export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof boxSchema>;

export const pointSchema = z.tuple([z.number(), z.number()]);

/**
 * An image arrives by path (desktop drag and drop, CLI) or by bytes (browser).
 * Bytes travel base64-encoded so one schema serves IPC and HTTP alike.
 */
export const imageSourceSchema = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z
    .object({
      name: z.string().min(1).max(1024),
      bytes: z.base64(),
    })
    .strict(),
]);
export type ImageSource = z.infer<typeof imageSourceSchema>;

export const faceSchema = z.object({
  box: boxSchema,
  score: z.number().min(0).max(1),
  /** Eyes, nose and mouth corners in image pixels (from the face mesh), when available. */
  landmarks: z.array(pointSchema),
  /** Id of the 1024-d descriptor kept in the store's binary embedding file. */
  descriptorId: z.string(),
  descriptorLength: z.number().int(),
});
export type Face = z.infer<typeof faceSchema>;

export const inspectResultSchema = z.object({
  file: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.string(),
  sha256: z.string(),
  faces: z.array(faceSchema),
  /** Preview of the oriented photo (longest side ≤ 1600 px) for drawing boxes on. */
  previewUrl: z.string(),
  previewWidth: z.number().int().positive(),
  previewHeight: z.number().int().positive(),
  thumbnailUrl: z.string(),
  timings: z.object({ decodeMs: z.number(), detectMs: z.number(), totalMs: z.number() }),
});
export type InspectResult = z.infer<typeof inspectResultSchema>;

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string() });

export const modelInfoSchema = z.object({
  name: z.string(),
  file: z.string(),
  loaded: z.boolean(),
  loadMs: z.number().nullable(),
  sizeBytes: z.number().int(),
});

/** Why a native runtime is not in use: a setting forced WASM, or the native module did not load. */
export const nativeFallbackSchema = z.object({
  /** The setting that forces WASM (`VIGIL_BACKEND=wasm`), when one does. */
  forcedBy: z.string().nullable(),
  /** The first line of the native module's load error, when it failed. */
  loadError: z.string().nullable(),
});
export type NativeFallback = z.infer<typeof nativeFallbackSchema>;

/** The fallback in one English sentence (the CLI's log line and `backendReason`). */
export function fallbackReason(module: string, f: NativeFallback): string {
  return f.forcedBy
    ? `${f.forcedBy} forces WASM`
    : `${module} is not installed or does not load here (${f.loadError})`;
}

export const engineInfoSchema = z.object({
  state: z.enum(['starting', 'ready', 'failed']),
  backend: z.enum(['tensorflow', 'wasm']).nullable(),
  /** Why the native backend is not in use, when it is not. */
  backendReason: z.string().nullable(),
  /** The same, structured (the UI words it in its own language). */
  backendFallback: nativeFallbackSchema.nullable(),
  wasmFeatures: z.object({ simd: z.boolean(), threads: z.boolean() }).nullable(),
  /** What runs RetinaFace, blur's second small-face detector (ONNX Runtime, native or WASM). */
  detectorRuntime: z.enum(['onnxruntime-node', 'onnxruntime-wasm']).nullable(),
  /** Why the native ONNX Runtime is not in use, when it is not. */
  detectorRuntimeReason: z.string().nullable(),
  detectorRuntimeFallback: nativeFallbackSchema.nullable(),
  /** The pool's size: workers beyond the first start when a call finds the others busy. */
  workers: z.number().int(),
  /** Workers started so far (each holds its own copy of the models). */
  workersStarted: z.number().int(),
  versions: z.object({ human: z.string(), tfjs: z.string(), node: z.string() }),
  models: z.array(modelInfoSchema),
  loadMs: z.number().nullable(),
  error: z.string().nullable(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;
