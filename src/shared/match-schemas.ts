import { z } from 'zod';
import { boxSchema, imageSourceSchema } from './schemas';
import { subjectStatusSchema } from './watchlist-schemas';

export const verdictSchema = z.enum(['match', 'possible', 'no_match']);
export type Verdict = z.infer<typeof verdictSchema>;

/** Score thresholds (calibrated score space, see docs/calibration.md). */
const thresholdFields = { match: z.number().min(0).max(1), possible: z.number().min(0).max(1) };
export const thresholdsSchema = z
  .object(thresholdFields)
  .refine((t) => t.possible <= t.match, { message: 'possible must not exceed match' });
export type Thresholds = z.infer<typeof thresholdsSchema>;
/** A change of thresholds: one left out keeps its value (checked against the other once merged). */
export const thresholdsUpdateSchema = z.object(thresholdFields).partial().strict();

export const candidateSchema = z.object({
  subjectId: z.string(),
  name: z.string(),
  status: subjectStatusSchema,
  score: z.number().min(0).max(1),
  /** Best raw cosine similarity among the subject's enrolled faces. */
  similarity: z.number(),
  thumbnailUrl: z.string().nullable(),
});
export type Candidate = z.infer<typeof candidateSchema>;

export const verdictBasisSchema = z.object({
  verdict: verdictSchema,
  /** Which threshold produced the verdict, so the UI can say so. */
  threshold: z
    .enum(['match', 'possible'])
    .nullable()
    .describe(
      'The name of the level whose threshold the score reached, so the verdict can be explained (its value is in `thresholds`); null for no_match.',
    ),
  thresholds: thresholdsSchema,
});

/** Faces smaller than this (`faceSizeOf`) are refused for enrolment and judged with a caveat. */
export const RELIABLE_FACE_PX = 48;

/** A face's size as enrolment and the caveats measure it: the shorter side of its box, in px. */
export const faceSizeOf = (box: readonly number[]): number => Math.min(box[2]!, box[3]!);

/**
 * Why a verdict says less than it seems; null when nothing stands in the way. Defaults to null so
 * results kept in the history before it existed still read.
 */
export const faceCaveatSchema = z
  .enum(['too_small', 'no_descriptor'])
  .nullable()
  .default(null)
  .describe(
    `too_small: the face's shorter side is under ${RELIABLE_FACE_PX} px, too few pixels for a trustworthy descriptor, so a no_match says little; no_descriptor: no landmarks were found, so the face was not matched at all.`,
  );
export type FaceCaveat = z.infer<typeof faceCaveatSchema>;

export const identifiedFaceSchema = z
  .object({
    box: boxSchema,
    detectorScore: z.number(),
    candidates: z.array(candidateSchema),
    caveat: faceCaveatSchema,
  })
  .extend(verdictBasisSchema.shape);

export const identifyResultSchema = z.object({
  historyId: z.string(),
  file: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  previewUrl: z.string(),
  previewWidth: z.number().int(),
  previewHeight: z.number().int(),
  faces: z.array(identifiedFaceSchema),
  /** Subjects with at least one enrolled face: those this photo was matched against. */
  watchlistSize: z.number().int(),
});
export type IdentifyResult = z.infer<typeof identifyResultSchema>;

/** A photo as a result shows it: its size (after EXIF orientation) and its stored preview. */
const photoViewSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  previewUrl: z.string(),
  previewWidth: z.number().int(),
  previewHeight: z.number().int(),
});

export const verifyResultSchema = z
  .object({
    historyId: z.string(),
    file: z.string(),
    ...photoViewSchema.shape,
    subjectId: z.string(),
    name: z.string(),
    /** The face in the photo that scored best against the subject; null when no face. */
    box: boxSchema.nullable(),
    score: z.number(),
    similarity: z.number().nullable(),
    facesInPhoto: z.number().int(),
    /** About the face that scored best (null when no face was matched). */
    caveat: faceCaveatSchema,
  })
  .extend(verdictBasisSchema.shape);

/** One side of a compare: its largest face (the one compared) and how many faces it shows. */
const comparedPhotoSchema = z
  .object({ file: z.string(), box: boxSchema, facesInPhoto: z.number().int() })
  .extend(photoViewSchema.shape);

export const compareResultSchema = z
  .object({
    historyId: z.string(),
    a: comparedPhotoSchema,
    b: comparedPhotoSchema,
    score: z.number(),
    similarity: z.number(),
    /** too_small when either face is. */
    caveat: faceCaveatSchema,
  })
  .extend(verdictBasisSchema.shape);

export const searchInputSchema = z
  .object({
    query: z.union([
      z.object({ source: imageSourceSchema, faceIndex: z.number().int().nonnegative().optional() }).strict(),
      z.object({ descriptorId: z.string().min(1) }).strict(),
    ]),
    k: z.number().int().min(1).max(1000).default(10),
    metric: z.enum(['cosine', 'euclidean']).default('cosine'),
    source: z.enum(['watchlist', 'seen', 'all']).default('all'),
    /**
     * true: rank every face exactly. false: rank the best candidates of a 2-bit scan (recall@10
     * measured in docs/benchmarks.md). Default: exact below 100 000 faces, approximate above.
     */
    exact: z.boolean().optional(),
  })
  .strict();

export const searchHitSchema = z.object({
  rank: z.number().int(),
  kind: z.enum(['watchlist', 'seen']),
  faceId: z.string(),
  subjectId: z.string().nullable(),
  name: z.string().nullable(),
  file: z
    .string()
    .describe(
      "The face's photo: for a seen face, as the job that saw it named it (the path it was read from, or an upload's file name); for a watchlist face, only the file name of the photo it was enrolled from (the watchlist keeps no path).",
    ),
  box: boxSchema,
  score: z.number(),
  similarity: z.number(),
  distance: z.number(),
  thumbnailUrl: z.string().nullable(),
});

export const searchResultSchema = z.object({
  historyId: z.string(),
  queryBox: boxSchema.nullable(),
  metric: z.enum(['cosine', 'euclidean']),
  source: z.enum(['watchlist', 'seen', 'all']),
  /** Whether every face was ranked exactly (see the input's `exact`). */
  exact: z.boolean(),
  results: z.array(searchHitSchema),
});

export const feedbackInputSchema = z
  .object({
    historyId: z.string().min(1),
    /** Which face / candidate of that result the feedback is about. */
    faceIndex: z.number().int().nonnegative().default(0),
    subjectId: z.string().optional(),
    verdict: z.enum(['correct', 'wrong']),
    /** The right label, when a classification was wrong. */
    label: z.string().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();
