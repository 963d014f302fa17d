import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import type { feedbackInputSchema } from '../../../shared/match-schemas';
import type { HistoryRecord } from '../../../shared/history-schemas';
import { stringify } from 'csv-stringify/sync';
import type { HistoryFilter, HistoryLog } from '../store/history-log';

/** Lists omit each record's full result (it can be large); history.get returns it. */
export function listHistory(history: HistoryLog, filter: HistoryFilter) {
  const { total, records } = history.list(filter);
  return { total, records: records.map(({ result: _r, ...rest }) => rest as HistoryRecord) };
}

/**
 * A media link as any shell stored it: the CLI's `file:///…/media/<key>`, the server's
 * `/media/<key>`, the desktop app's `vigil-media://media/<key>`.
 */
const STORED_MEDIA_URL =
  /^(?:file:\/\/.*\/|\/|[a-z][a-z0-9+.-]*:\/\/)media\/((?:previews|thumbs|crops|sources|exports)\/[A-Za-z0-9_-]{1,128}\.(?:jpg|png|webp|img))$/;

/**
 * A record with its media links in the form of the shell reading it. Results keep the links of
 * the shell that made them, so a job run by the CLI showed broken photos in the app (and a moved
 * data dir broke the CLI's own `file://` links).
 */
export function withMediaUrls(rec: HistoryRecord, mediaUrl: (key: string) => string): HistoryRecord {
  // Only fields named `…Url`: an input's own path may look like a media link (a drive at /media).
  const relink = (v: unknown, name = ''): unknown => {
    if (typeof v === 'string') {
      const key = name.endsWith('Url') ? STORED_MEDIA_URL.exec(v)?.[1] : undefined;
      return key ? mediaUrl(key) : v;
    }
    if (Array.isArray(v)) return v.map((x) => relink(x, name));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, relink(x, k)]));
    return v;
  };
  return rec.result === undefined ? rec : { ...rec, result: relink(rec.result) };
}

/** What feedback needs of a stored result; older records may lack any part of it. */
const facesOfResult = z.object({
  faces: z.array(z.object({ candidates: z.array(z.object({ subjectId: z.string() })).optional() })),
});
const subjectOfResult = z.object({ subjectId: z.string() });

/**
 * Feedback must be about something the result holds: a finished job, a face it found (identify)
 * or its one answer (the others), and a subject that was among that face's candidates.
 */
function checkFeedbackTarget(rec: HistoryRecord, input: z.output<typeof feedbackInputSchema>): void {
  const refuse = (why: string): never => {
    throw new VigilError('BAD_INPUT', `Feedback refused: ${why}`, { historyId: rec.id });
  };
  if (rec.status !== 'FINISHED') refuse(`the ${rec.kind} job is ${rec.status}, not FINISHED`);
  if (input.label && rec.kind !== 'classify')
    refuse(`a label is feedback on a classification, not on ${rec.kind}`);
  const faces = rec.kind === 'identify' ? facesOfResult.safeParse(rec.result) : null;
  if (faces?.success) {
    const n = faces.data.faces.length;
    // faceIndex as the caller sent it (from 0), with the range it may take.
    const face =
      faces.data.faces[input.faceIndex] ??
      refuse(`faceIndex ${input.faceIndex} is not in this result (${n} faces: 0 to ${n - 1})`);
    const candidates = face.candidates?.map((c) => c.subjectId) ?? [];
    if (input.subjectId && !candidates.includes(input.subjectId))
      refuse(`subject ${input.subjectId} is not a candidate for faceIndex ${input.faceIndex}`);
    return;
  }
  if (input.faceIndex !== 0) refuse(`a ${rec.kind} result has one answer: faceIndex must be 0`);
  if (!input.subjectId) return;
  // A subject only where the result is about one (verify).
  const subject = subjectOfResult.safeParse(rec.result);
  if (!subject.success) refuse(`a ${rec.kind} result is not about one subject`);
  else if (subject.data.subjectId !== input.subjectId)
    refuse(`this ${rec.kind} result is about subject ${subject.data.subjectId}, not ${input.subjectId}`);
}

export async function giveFeedback(history: HistoryLog, input: z.output<typeof feedbackInputSchema>) {
  const rec = history.get(input.historyId);
  checkFeedbackTarget(rec, input);
  const entry = {
    at: new Date().toISOString(),
    faceIndex: input.faceIndex,
    verdict: input.verdict,
    ...(input.subjectId ? { subjectId: input.subjectId } : {}),
    ...(input.label ? { label: input.label } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  return history.update(rec.id, { feedback: [...rec.feedback, entry] });
}

/** History as CSV (one row per job, for spreadsheets) or JSON (full records), newest first. */
export function exportHistory(history: HistoryLog, format: 'csv' | 'json', filter: HistoryFilter = {}) {
  const { records } = history.list({ ...filter, offset: 0, limit: Number.MAX_SAFE_INTEGER });
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === 'json') {
    return {
      fileName: `vigil-history-${stamp}.json`,
      records: records.length,
      text: JSON.stringify(records, null, 2),
    };
  }
  const rows = records.map((r) => [
    r.id,
    r.kind,
    r.status,
    r.createdAt,
    r.startedAt ?? '',
    r.finishedAt ?? '',
    r.inputs.map((i) => i.file).join('; '),
    r.summary,
    r.error?.code ?? '',
    r.error?.message ?? '',
    r.feedback
      .map((f) => `${f.verdict}${f.subjectId ? `:${f.subjectId}` : ''}${f.label ? `:${f.label}` : ''}`)
      .join('; '),
  ]);
  const header = [
    'id',
    'kind',
    'status',
    'created',
    'started',
    'finished',
    'inputs',
    'summary',
    'error_code',
    'error_message',
    'feedback',
  ];
  return {
    fileName: `vigil-history-${stamp}.csv`,
    records: records.length,
    text: stringify([header, ...rows], { escape_formulas: true }),
  };
}
