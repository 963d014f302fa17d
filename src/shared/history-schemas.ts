import { z } from 'zod';
import { errorShapeSchema } from './errors';

export const jobKindSchema = z.enum([
  'inspect',
  'enroll',
  'identify',
  'verify',
  'compare',
  'search',
  'classify',
  'blur',
  'export',
  'import',
]);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobStatusSchema = z.enum(['PENDING', 'RUNNING', 'FINISHED', 'ERROR', 'CANCELLED']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const feedbackSchema = z.object({
  at: z.string(),
  faceIndex: z.number().int(),
  subjectId: z.string().optional(),
  verdict: z.enum(['correct', 'wrong']),
  /** The right label, when a classification was wrong. */
  label: z.string().optional(),
  note: z.string().optional(),
});

/**
 * What a record's English `summary` says, as a message key and its values, so the UI can say it
 * in its own language. Records from before it existed have none: the UI shows `summary`.
 */
export const summaryMessageSchema = z.object({
  key: z.enum([
    'inspect',
    'identify',
    'identifyMatches',
    'verify',
    'verifyNoFace',
    'verifyUnmatched',
    'compare',
    'search',
    'searchApproximate',
    'enroll',
    'export',
    'import',
    'classify',
    'blur',
  ]),
  values: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type SummaryMessage = z.infer<typeof summaryMessageSchema>;

export const historyRecordSchema = z.object({
  id: z.string(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  inputs: z.array(z.object({ file: z.string(), sha256: z.string().nullable() })),
  summary: z.string(),
  summaryMessage: summaryMessageSchema.optional(),
  result: z.unknown().optional(),
  error: errorShapeSchema.nullable(),
  feedback: z.array(feedbackSchema),
});
export type HistoryRecord = z.infer<typeof historyRecordSchema>;

/**
 * A summary wording that contains the text filter in the caller's language: a message key, or a
 * key with the counts that wording needs above zero (a blur's "still detectable" part is said
 * only where `leaks` is), so that the other records of that key do not match.
 */
export const summaryMatchSchema = z.union([
  summaryMessageSchema.shape.key,
  z
    .object({ key: summaryMessageSchema.shape.key, nonZero: z.array(z.string().max(40)).min(1).max(8) })
    .strict(),
]);
export type SummaryMatch = z.infer<typeof summaryMatchSchema>;

export const historyListInputSchema = z
  .object({
    kind: jobKindSchema.optional(),
    status: jobStatusSchema.optional(),
    /** ISO 8601: a date (UTC midnight) or a date and time with Z or an offset. */
    since: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
    text: z.string().max(200).optional(),
    /**
     * Summaries whose wording in the caller's language contains `text` (the stored `summary` is
     * English): the UI names them by message key, and records with those keys match too.
     */
    summaryKeys: z.array(summaryMatchSchema).max(40).optional(),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
