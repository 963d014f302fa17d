import { z } from 'zod';
import { boxSchema, imageSourceSchema } from './schemas';

export const subjectStatusSchema = z.enum(['wanted', 'caught', 'closed']);

export const poseSchema = z.object({ yaw: z.number(), pitch: z.number(), roll: z.number() });

/** An enrolled face as the renderer sees it (media as URLs, no paths, no vectors). */
export const enrolledFaceSchema = z.object({
  id: z.string(),
  sourceFile: z.string(),
  sourceSha256: z.string(),
  box: boxSchema,
  detectorScore: z.number(),
  /** Shorter side of the face box in original pixels. */
  faceSize: z.number(),
  /** Variance of the Laplacian of the 112-px grey crop: low means blurred. */
  sharpness: z.number(),
  pose: poseSchema.nullable(),
  cropUrl: z.string(),
  sourceUrl: z.string(),
  enrolledAt: z.string(),
});
export type EnrolledFace = z.infer<typeof enrolledFaceSchema>;

// Control characters (a terminal escape in a name would run when the CLI lists it); notes keep
// their line breaks and tabs.
// eslint-disable-next-line no-control-regex
const LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const noControls = (re: RegExp) => (s: string) => !re.test(s);
const CONTROLS_MESSAGE = 'must not contain control characters';

const subjectFields = {
  name: z.string().trim().min(1).max(200).refine(noControls(LINE_CONTROLS), CONTROLS_MESSAGE),
  aliases: z
    .array(z.string().trim().min(1).max(200).refine(noControls(LINE_CONTROLS), CONTROLS_MESSAGE))
    .max(50),
  notes: z.string().max(20_000).refine(noControls(TEXT_CONTROLS), CONTROLS_MESSAGE),
  caseRef: z.string().max(200).refine(noControls(LINE_CONTROLS), CONTROLS_MESSAGE),
  status: subjectStatusSchema,
};

export const subjectFieldsSchema = z.object({
  ...subjectFields,
  aliases: subjectFields.aliases.default([]),
  notes: subjectFields.notes.default(''),
  caseRef: subjectFields.caseRef.default(''),
  status: subjectFields.status.default('wanted'),
});

/**
 * The fields an edit changes; those left out keep their values. Not subjectFieldsSchema.partial():
 * zod 4 still applies a default to a left-out field, so an edit would reset status and notes.
 */
export const subjectPatchSchema = z.object(subjectFields).partial();

export const subjectSchema = subjectFieldsSchema.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  faces: z.array(enrolledFaceSchema),
});
export type Subject = z.infer<typeof subjectSchema>;

export const subjectSummarySchema = subjectSchema.omit({ faces: true }).extend({
  faceCount: z.number().int(),
  thumbnailUrl: z.string().nullable(),
});

export const enrollInputSchema = z
  .object({
    subjectId: z.string().min(1),
    source: imageSourceSchema,
    /** Which face when the photo holds several (index into the detected faces, largest first). */
    faceIndex: z.number().int().nonnegative().optional(),
    /**
     * Enrol the face even if it does not look like the subject's other faces or matches another
     * subject better (FACE_MISMATCH otherwise): the user has checked it is the same person.
     */
    allowMismatch: z.boolean().optional(),
  })
  .strict();

export const enrollResultSchema = z.object({
  subject: subjectSchema,
  face: enrolledFaceSchema,
  /** Faces found in the photo; the enrolled one is `faceIndex` of them (largest first). */
  facesInPhoto: z.number().int(),
  faceIndex: z.number().int(),
});

/** Why an enrolled face could not be described by this Vigil's model (the UI words each code). */
export const undescribedCodes = [
  'PHOTO_MISSING',
  'PHOTO_DAMAGED',
  'PHOTO_TOO_LARGE',
  'FACE_NOT_FOUND',
  'NO_PHOTO_IN_FILE',
] as const;
export type UndescribedCode = (typeof undescribedCodes)[number];

/** An enrolled face that could not be described by this Vigil's model, and why. */
export const undescribedFaceSchema = z.object({
  subject: z.string(),
  file: z.string(),
  /** In English, for logs and scripts. */
  reason: z.string(),
  /** Absent from reports written before codes existed. */
  code: z.enum(undescribedCodes).optional(),
});
export type UndescribedFace = z.infer<typeof undescribedFaceSchema>;

/**
 * Why a face of an import file was left out although it could be read (the UI words each code):
 * DUPLICATE, enrolment would refuse it (the same face of the same photo is on another subject);
 * REMOVED_HERE, it was removed from the watchlist here after an earlier import, so importing the
 * same file again does not bring it back.
 */
export const refusedCodes = ['DUPLICATE', 'REMOVED_HERE'] as const;

const refusedFaceFields = {
  subject: z.string(),
  file: z.string(),
  /** In English, for logs and scripts. */
  reason: z.string(),
};

/** A face of an import file that was not imported, and why. */
export const refusedFaceSchema = z.discriminatedUnion('code', [
  z.object({
    ...refusedFaceFields,
    code: z.literal('DUPLICATE'),
    /** The subject that has this face already (in the data dir, or earlier in the file). */
    enrolledAs: z.object({ id: z.string(), name: z.string() }),
  }),
  z.object({ ...refusedFaceFields, code: z.literal('REMOVED_HERE') }),
]);
export type RefusedFace = z.infer<typeof refusedFaceSchema>;

/**
 * Why a subject of an import file changed nothing (the UI words each code): UP_TO_DATE, it is
 * here already and the file adds nothing; NEWER_HERE, the same, and it was changed here after the
 * file was exported (its fields here are kept); NO_FACE_IMPORTED, it is new but every face the file
 * gives it was left out (`refused` or `notDescribed` say why), so it is not added empty.
 */
export const skippedCodes = ['UP_TO_DATE', 'NEWER_HERE', 'NO_FACE_IMPORTED'] as const;

export const importReportSchema = z.object({
  added: z.array(z.object({ id: z.string(), name: z.string() })),
  updated: z.array(z.object({ id: z.string(), name: z.string(), facesAdded: z.number().int() })),
  skipped: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** In English, for logs and scripts. */
      reason: z.string(),
      /** Absent from reports written before codes existed. */
      code: z.enum(skippedCodes).optional(),
    }),
  ),
  /** Faces of a file from an earlier Vigil model, described again from the photos it carries. */
  describedAgain: z.number().int(),
  /** Faces of such a file that could not be (no photo in the file, face not found again): not imported. */
  notDescribed: z.array(undescribedFaceSchema),
  /**
   * Faces left out although they could be read: already enrolled on another subject, or removed
   * here after an earlier import. Absent from reports written before imports checked this.
   */
  refused: z.array(refusedFaceSchema).optional(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

/**
 * What the last change of descriptor model did to a data dir's faces: enrolled faces described
 * again from their kept photos, those that could not be (removed), seen faces dropped.
 */
export const modelChangeSchema = z.object({
  at: z.string(),
  from: z.string(),
  to: z.string(),
  enrolled: z.number().int(),
  lost: z.array(undescribedFaceSchema),
  seenDropped: z.number().int(),
});
export type ModelChange = z.infer<typeof modelChangeSchema>;
