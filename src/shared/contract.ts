import { z } from 'zod';
import { engineInfoSchema, healthSchema, imageSourceSchema, inspectResultSchema } from './schemas';
import {
  enrollInputSchema,
  enrollResultSchema,
  importReportSchema,
  subjectFieldsSchema,
  subjectPatchSchema,
  subjectSchema,
  subjectSummarySchema,
  modelChangeSchema,
} from './watchlist-schemas';
import {
  compareResultSchema,
  feedbackInputSchema,
  identifyResultSchema,
  searchInputSchema,
  searchResultSchema,
  thresholdsSchema,
  thresholdsUpdateSchema,
  verifyResultSchema,
} from './match-schemas';
import { historyListInputSchema, historyRecordSchema } from './history-schemas';
import { blurSettingsSchema, detectionSettingsSchema } from './settings-schemas';
import {
  dataBackupInputSchema,
  dataBackupResultSchema,
  dataInfoSchema,
  dataMoveInputSchema,
  dataMoveResultSchema,
  dataRestoreResultSchema,
} from './data-schemas';
import {
  blurDetectInputSchema,
  blurDetectResultSchema,
  blurExportInputSchema,
  blurExportResultSchema,
  blurCheckOutDirInputSchema,
  blurCheckOutDirResultSchema,
  blurPreviewInputSchema,
  blurPreviewResultSchema,
} from './blur-schemas';
import {
  classifyExportInputSchema,
  classifyInputSchema,
  classifyResultSchema,
  classifySettingInputSchema,
  classifySettingSchema,
  modelEntrySchema,
  modelImportInputSchema,
  modelsListSchema,
} from './classify-schemas';

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
  /** The last change of descriptor model and what it did to the stored faces; null: none yet. */
  modelChange: modelChangeSchema.nullable(),
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
  /** Detection threshold in force (blur and its self-check use it unless a job says otherwise). */
  detection: detectionSettingsSchema,
  /** Blur defaults in force (the CLI's and the Blur page's starting values). */
  blur: blurSettingsSchema,
  /** The built-in values (DEFAULT_BLUR), for "restore defaults". */
  builtIn: z.object({ detection: detectionSettingsSchema, blur: blurSettingsSchema }),
  /** The model Classify uses when none is named. */
  classify: classifySettingSchema,
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
    input: z.object({ id, patch: subjectPatchSchema.strict() }).strict(),
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
    summary: 'Remove one enrolled face from a subject; importing a file that holds it again leaves it out.',
  }),
  'watchlist.setCover': channel({
    input: z.object({ subjectId: id, faceId: id }).strict(),
    output: subjectSchema,
    summary: "Show one enrolled face as the subject's photo (it moves first in the subject's faces).",
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
    summary:
      'Merge an exported watchlist file by subject id, all or nothing; reports what was added, updated, skipped. Faces of a file from an earlier Vigil model are described again from the photos it carries; a face already enrolled on another subject (`refused`, code DUPLICATE) or removed here with watchlist.removeFace (code REMOVED_HERE) is left out; a new subject none of whose faces could be imported is not added (`skipped`, code NO_FACE_IMPORTED); a damaged file (unsafe ids, an id of another face, a descriptor of the wrong size) is refused with BAD_INPUT.',
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
  'blur.detect': channel({
    input: blurDetectInputSchema,
    output: blurDetectResultSchema,
    summary:
      'Faces of a photo to blur: boxes, scores, watchlist subjects matched, kept status for `keep` (an id not on the watchlist is NOT_FOUND). Writes nothing (its boxes stay in memory for the self-check of an export).',
  }),
  'blur.preview': channel({
    input: blurPreviewInputSchema,
    output: blurPreviewResultSchema,
    summary: 'The photo with the given regions blurred, at full resolution, base64; no file is written.',
  }),
  'blur.export': channel({
    input: blurExportInputSchema,
    output: blurExportResultSchema,
    summary:
      'Blur a photo (the given regions, or every face detected) and write it without metadata into a folder; never overwrites; self-checked. A `keep` id not on the watchlist is NOT_FOUND, before anything is written.',
  }),
  'blur.checkOutDir': channel({
    input: blurCheckOutDirInputSchema,
    output: blurCheckOutDirResultSchema,
    summary:
      'Whether an output folder can take exports, checked as blur.export would (OUTPUT_DIR_INVALID, OUTPUT_IN_DATA_DIR, OUTPUT_NOT_WRITABLE), without creating it.',
  }),
  'settings.get': channel({
    input: empty,
    output: settingsSchema,
    summary:
      'Settings in force: match thresholds (with their calibrated defaults), retention, detection threshold, blur defaults.',
  }),
  'settings.update': channel({
    input: z
      .object({
        /** Either threshold or both; null restores the calibrated defaults. */
        thresholds: thresholdsUpdateSchema.nullable().optional(),
        retention: retentionSettingSchema.optional(),
        /** Fields given replace theirs; null restores the built-in values. */
        detection: detectionSettingsSchema.partial().strict().nullable().optional(),
        blur: blurSettingsSchema.partial().strict().nullable().optional(),
        /** A model name; null restores the built-in default. */
        classify: classifySettingInputSchema.optional(),
      })
      .strict(),
    output: settingsSchema,
    summary:
      'Set the match thresholds (null restores the calibrated defaults), history retention (applied at once: history.pruneCount says how many records that deletes), the detection threshold and blur defaults (null restores the built-in values).',
  }),
  'data.info': channel({
    input: empty,
    output: dataInfoSchema,
    summary:
      'The data folder: path, where that choice came from, files and bytes, and a move, backup or restore in progress.',
  }),
  'data.move': channel({
    input: dataMoveInputSchema,
    output: dataMoveResultSchema,
    summary:
      'Move the data folder: copy everything to a new or empty folder, verify (sha256), switch to it, remember it for the next start, then optionally remove the old one (TARGET_NOT_EMPTY, TARGET_INSIDE_DATA, TARGET_NOT_WRITABLE).',
  }),
  'data.backup': channel({
    input: dataBackupInputSchema,
    output: dataBackupResultSchema,
    summary:
      'Back up the whole data folder as one .tar.gz with a sha256 manifest: written to `file`, or returned base64.',
  }),
  'data.restore': channel({
    input: z.object({ source: imageSourceSchema }).strict(),
    output: dataRestoreResultSchema,
    summary:
      'Restore a backup (path or uploaded bytes): verified before anything is replaced; the current data is kept aside.',
  }),
  'app.diagnostics': channel({
    input: empty,
    output: diagnosticsSchema,
    summary:
      'Backend, models, versions, data dir and size, counts, latency per channel since start, recent errors, the last change of face model.',
  }),
  'history.export': channel({
    input: z
      .object({
        format: z.enum(['csv', 'json']),
        kind: historyListInputSchema.shape.kind,
        status: historyListInputSchema.shape.status,
        since: historyListInputSchema.shape.since,
        text: historyListInputSchema.shape.text,
        summaryKeys: historyListInputSchema.shape.summaryKeys,
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
  'history.pruneCount': channel({
    input: z.object({ retention: retentionSettingSchema }).strict(),
    output: z.object({ count: z.number().int(), total: z.number().int() }),
    summary:
      'How many history records saving this retention would delete now (count), of how many (total); deletes nothing.',
  }),
  'history.delete': channel({
    input: z.object({ ids: z.array(id).min(1).max(10_000) }).strict(),
    output: z.object({ deleted: z.number().int() }),
    summary: 'Delete history records.',
  }),
  'feedback.give': channel({
    input: feedbackInputSchema,
    output: historyRecordSchema,
    summary: 'Record correct / wrong feedback on a result (with the right label for a wrong classification).',
  }),
  'classify.run': channel({
    input: classifyInputSchema,
    output: classifyResultSchema,
    summary:
      'Classify one photo: top labels with scores, COCO objects with boxes, age / gender / emotion per face (NOT_AN_IMAGE, IMAGE_CORRUPT, NOT_FOUND for an unknown model).',
  }),
  'classify.export': channel({
    input: classifyExportInputSchema,
    output: z.object({ fileName: z.string(), records: z.number().int(), data: z.string() }),
    summary: 'Classify jobs (by history id, in that order) as CSV or JSON (base64 file content).',
  }),
  'models.list': channel({
    input: empty,
    output: modelsListSchema,
    summary: 'Built-in and imported models with labels, input, size, and the default one.',
  }),
  'models.import': channel({
    input: modelImportInputSchema,
    output: modelEntrySchema,
    summary:
      'Import a TensorFlow.js image classifier folder (model.json, weights, metadata.json or labels.txt) into the data dir; MODEL_INVALID with the reason when unusable.',
  }),
  'models.remove': channel({
    input: z.object({ name: z.string().min(1).max(100) }).strict(),
    output: z.object({ removed: z.string() }),
    summary: 'Remove an imported model (built-in ones stay).',
  }),
  'models.test': channel({
    input: z.object({ name: z.string().min(1).max(100), source: imageSourceSchema }).strict(),
    output: classifyResultSchema,
    summary: "A model's top labels for one photo (no objects or faces).",
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
