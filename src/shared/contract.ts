import { z } from 'zod';
import { engineInfoSchema, healthSchema, imageSourceSchema, inspectResultSchema } from './schemas';
import {
  enrollInputSchema,
  enrollResultSchema,
  importReportSchema,
  subjectFieldsSchema,
  subjectSchema,
  subjectSummarySchema,
} from './watchlist-schemas';
import {
  compareResultSchema,
  feedbackInputSchema,
  identifyResultSchema,
  searchInputSchema,
  searchResultSchema,
  thresholdsSchema,
  verifyResultSchema,
} from './match-schemas';
import { historyListInputSchema, historyRecordSchema } from './history-schemas';

/** A channel is declared here once; IPC, HTTP, preload and clients all derive from it. */
interface ChannelDef<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Shown in generated API docs. */
  summary: string;
}

function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def;
}

const empty = z.object({}).strict();
const id = z.string().min(1).max(100);

export const retentionSettingSchema = z.object({
  days: z.number().int().min(1).max(36_500).nullable(),
  records: z.number().int().min(1).max(10_000_000).nullable(),
});

export const diagnosticsSchema = z.object({
  version: z.string(),
  startedAt: z.string(),
  platform: z.object({ os: z.string(), arch: z.string(), node: z.string(), electron: z.string().nullable() }),
  engine: engineInfoSchema,
  dataDir: z.string(),
  dataBytes: z.number().int(),
  counts: z.object({
    subjects: z.number().int(),
    enrolledFaces: z.number().int(),
    seenFaces: z.number().int(),
    history: z.number().int(),
  }),
  latency: z.array(
    z.object({
      channel: z.string(),
      count: z.number().int(),
      p50: z.number(),
      p95: z.number(),
      p99: z.number(),
    }),
  ),
  recentErrors: z.array(
    z.object({ at: z.string(), channel: z.string(), code: z.string(), message: z.string() }),
  ),
});

export const settingsSchema = z.object({
  retention: retentionSettingSchema,
  /** The thresholds in force. */
  thresholds: thresholdsSchema,
  /** The calibrated defaults (docs/calibration.md) and what they mean. */
  defaults: thresholdsSchema,
  custom: z.boolean(),
  calibration: z.object({
    model: z.string(),
    metric: z.string(),
    /** Estimated false-match rate of a stranger at each default threshold. */
    falseMatchRate: z.object({ match: z.number(), possible: z.number() }),
  }),
});

export const contract = {
  'app.health': channel({
    input: empty,
    output: healthSchema,
    summary: 'Liveness and version of the core.',
  }),
  'engine.info': channel({
    input: empty,
    output: engineInfoSchema,
    summary: 'Inference backend in use, models with load times, library versions.',
  }),
  'image.inspect': channel({
    input: z.object({ source: imageSourceSchema }).strict(),
    output: inspectResultSchema,
    summary: 'Decode one photo and find its faces with boxes, scores, landmarks and descriptors.',
  }),
  'watchlist.list': channel({
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    output: z.object({ subjects: z.array(subjectSummarySchema) }),
    summary: 'Subjects on the watchlist, optionally filtered by name, alias or case reference.',
  }),
  'watchlist.get': channel({
    input: z.object({ id }).strict(),
    output: subjectSchema,
    summary: 'One subject with its enrolled faces.',
  }),
  'watchlist.create': channel({
    input: subjectFieldsSchema.strict(),
    output: subjectSchema,
    summary: 'Add a subject (faces are enrolled separately).',
  }),
  'watchlist.update': channel({
    input: z.object({ id, patch: subjectFieldsSchema.partial().strict() }).strict(),
    output: subjectSchema,
    summary: "Edit a subject's name, aliases, notes, case reference or status.",
  }),
  'watchlist.delete': channel({
    input: z.object({ id }).strict(),
    output: z.object({ deleted: z.number().int() }),
    summary: 'Delete a subject and its enrolled faces.',
  }),
  'watchlist.enroll': channel({
    input: enrollInputSchema,
    output: enrollResultSchema,
    summary:
      'Enrol one face of a photo onto a subject (NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, LOW_QUALITY, DUPLICATE).',
  }),
  'watchlist.removeFace': channel({
    input: z.object({ subjectId: id, faceId: id }).strict(),
    output: subjectSchema,
    summary: 'Remove one enrolled face from a subject.',
  }),
  'watchlist.export': channel({
    input: empty,
    output: z.object({
      fileName: z.string(),
      subjects: z.number().int(),
      faces: z.number().int(),
      bytes: z.number().int(),
      /** The export file, base64: metadata, crops, source photos, descriptors and model id. */
      data: z.string(),
    }),
    summary: 'The whole watchlist as one file.',
  }),
  'watchlist.import': channel({
    input: z.object({ source: imageSourceSchema }).strict(),
    output: importReportSchema,
    summary: 'Merge an exported watchlist file by subject id; reports what was added, updated, skipped.',
  }),
  'match.identify': channel({
    input: z
      .object({ source: imageSourceSchema, limit: z.number().int().min(1).max(20).default(5) })
      .strict(),
    output: identifyResultSchema,
    summary: 'Every face in a photo against the whole watchlist: candidates, scores and a verdict per face.',
  }),
  'match.verify': channel({
    input: z.object({ subjectId: id, source: imageSourceSchema }).strict(),
    output: verifyResultSchema,
    summary: 'Is this subject in this photo: the best face, its calibrated score and a verdict.',
  }),
  'match.compare': channel({
    input: z.object({ a: imageSourceSchema, b: imageSourceSchema }).strict(),
    output: compareResultSchema,
    summary: 'Similarity of the largest faces of two photos, with a verdict.',
  }),
  'match.search': channel({
    input: searchInputSchema,
    output: searchResultSchema,
    summary: 'Top-K most similar faces over the watchlist, faces seen before, or both.',
  }),
  'settings.get': channel({
    input: empty,
    output: settingsSchema,
    summary: 'Match thresholds in force and their calibrated defaults.',
  }),
  'settings.update': channel({
    input: z
      .object({
        thresholds: thresholdsSchema.nullable().optional(),
        retention: retentionSettingSchema.optional(),
      })
      .strict(),
    output: settingsSchema,
    summary: 'Set the match thresholds (null restores the calibrated defaults) and history retention.',
  }),
  'app.diagnostics': channel({
    input: empty,
    output: diagnosticsSchema,
    summary:
      'Backend, models, versions, data dir and size, counts, latency per channel since start, recent errors.',
  }),
  'history.export': channel({
    input: z
      .object({
        format: z.enum(['csv', 'json']),
        kind: historyListInputSchema.shape.kind,
        status: historyListInputSchema.shape.status,
        since: historyListInputSchema.shape.since,
        text: historyListInputSchema.shape.text,
      })
      .strict(),
    output: z.object({ fileName: z.string(), records: z.number().int(), data: z.string() }),
    summary: 'History as CSV or JSON (base64 file content), with the same filters as history.list.',
  }),
  'history.list': channel({
    input: historyListInputSchema,
    output: z.object({ total: z.number().int(), records: z.array(historyRecordSchema) }),
    summary: 'Jobs, newest first, filtered by kind, status, date and text (without full results).',
  }),
  'history.get': channel({
    input: z.object({ id }).strict(),
    output: historyRecordSchema,
    summary: 'One job with its full result.',
  }),
  'history.delete': channel({
    input: z.object({ ids: z.array(id).min(1).max(10_000) }).strict(),
    output: z.object({ deleted: z.number().int() }),
    summary: 'Delete history records.',
  }),
  'feedback.give': channel({
    input: feedbackInputSchema,
    output: historyRecordSchema,
    summary: 'Record correct / wrong feedback on a result.',
  }),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;

export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** What a shell implements: one async handler per channel, given validated input. */
export type Handlers = {
  [C in ChannelName]: (input: z.output<Contract[C]['input']>) => Promise<ChannelOutput<C>>;
};
