import { z } from 'zod';
import { boxSchema, imageSourceSchema } from './schemas';

/** The COCO detectors that ship with Vigil; the first is the default (docs/benchmarks.md). */
export const BUILTIN_MODELS = ['centernet', 'nanodet'] as const;
export const DEFAULT_BUILTIN_MODEL: (typeof BUILTIN_MODELS)[number] = 'centernet';

export const modelNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, dots, dashes and underscores');

/**
 * How pixels (0…255) become model input: teachable = x / 127 − 1 (Teachable Machine),
 * symmetric = x / 127.5 − 1, unit = x / 255, raw = x.
 */
export const NORMALIZATIONS = ['teachable', 'symmetric', 'unit', 'raw'] as const;
export const normalizationSchema = z.enum(NORMALIZATIONS);
export type Normalization = z.infer<typeof normalizationSchema>;

export const modelInputSchema = z.object({
  width: z.number().int().min(8).max(2048),
  height: z.number().int().min(8).max(2048),
  channels: z.union([z.literal(1), z.literal(3)]),
  normalization: normalizationSchema,
  /** cover: centre crop to the input's aspect then resize (Teachable Machine); fill: stretch. */
  fit: z.enum(['cover', 'fill']),
});
export type ModelInput = z.infer<typeof modelInputSchema>;

export const modelEntrySchema = z.object({
  name: z.string(),
  kind: z.enum(['builtin', 'user']),
  /** builtin: COCO objects with boxes (and faces); user: an image classifier. */
  task: z.enum(['objects', 'classifier']),
  format: z.enum(['graph', 'layers']),
  labels: z.array(z.string()),
  input: modelInputSchema,
  sizeBytes: z.number().int().nonnegative(),
  /** Where the labels came from: Teachable Machine's metadata.json, a labels.txt, or built in. */
  labelsFrom: z.enum(['metadata.json', 'labels.txt', 'builtin']),
  importedAt: z.string().nullable(),
  /** The folder it was imported from (user models). */
  source: z.string().nullable(),
  isDefault: z.boolean(),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelsListSchema = z.object({
  models: z.array(modelEntrySchema),
  /** The model Classify uses when none is named. */
  defaultModel: z.string(),
});

export const modelImportInputSchema = z
  .object({
    /** A folder on the machine running the core (the browser gives a path; the server reads it). */
    dir: z.string().min(1).max(4096),
    name: modelNameSchema.optional(),
    /** Overrides what metadata.json says (or the defaults: 224×224 RGB, unit, fill). */
    input: modelInputSchema.partial().strict().optional(),
  })
  .strict();

export const labelScoreSchema = z.object({
  classId: z.number().int(),
  label: z.string(),
  score: z.number(),
});
export type LabelScore = z.infer<typeof labelScoreSchema>;

export const detectedObjectSchema = labelScoreSchema.extend({ box: boxSchema });

export const faceAttributesSchema = z.object({
  box: boxSchema,
  score: z.number(),
  /** Estimated age in years (faceres); null when the model gave none. */
  age: z.number().nullable(),
  gender: z.enum(['female', 'male']).nullable(),
  genderScore: z.number(),
  emotion: z.string().nullable(),
  emotionScore: z.number(),
  emotions: z.array(z.object({ emotion: z.string(), score: z.number() })),
});
export type FaceAttributes = z.infer<typeof faceAttributesSchema>;

export const classifyInputSchema = z
  .object({
    source: imageSourceSchema,
    /** A built-in or imported model by name; default: the `classify.defaultModel` setting. */
    model: z.string().min(1).max(100).optional(),
    top: z.number().int().min(1).max(100).default(5),
    objects: z.boolean().default(true),
    faces: z.boolean().default(true),
    /** Lowest detector score an object needs. */
    minScore: z.number().min(0.05).max(1).default(0.3),
  })
  .strict();

export const classifyResultSchema = z.object({
  historyId: z.string(),
  /** The input as given: a path, or the uploaded file's name. */
  file: z.string(),
  fileName: z.string(),
  extension: z.string(),
  /** When it was classified (ISO 8601). */
  date: z.string(),
  backend: z.string(),
  /** The model that produced `top`. */
  model: z.string(),
  modelKind: z.enum(['builtin', 'user']),
  /** The COCO detector behind `objects` (null when objects were not asked for). */
  objectModel: z.string().nullable(),
  top: z.array(labelScoreSchema),
  objects: z.array(detectedObjectSchema),
  faces: z.array(faceAttributesSchema),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.string(),
  sha256: z.string(),
  thumbnailUrl: z.string(),
  previewUrl: z.string(),
  previewWidth: z.number().int().positive(),
  previewHeight: z.number().int().positive(),
  timings: z.object({
    decodeMs: z.number(),
    objectsMs: z.number(),
    facesMs: z.number(),
    modelMs: z.number(),
    totalMs: z.number(),
  }),
  success: z.literal(true),
});
export type ClassifyResult = z.infer<typeof classifyResultSchema>;

export const classifyExportInputSchema = z
  .object({
    historyIds: z.array(z.string().min(1).max(100)).min(1).max(10_000),
    format: z.enum(['csv', 'json']),
  })
  .strict();

export const classifySettingSchema = z.object({
  /** The chosen model (null: the built-in default). */
  defaultModel: z.string().nullable(),
  /** The model in force. */
  effectiveModel: z.string(),
});

export const classifySettingInputSchema = z
  .object({ defaultModel: z.string().min(1).max(100).nullable() })
  .strict();
