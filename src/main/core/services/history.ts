import type { z } from 'zod';
import type { feedbackInputSchema } from '../../../shared/match-schemas';
import type { HistoryRecord } from '../../../shared/history-schemas';
import { stringify } from 'csv-stringify/sync';
import type { HistoryFilter, HistoryLog } from '../store/history-log';

/** Lists omit each record's full result (it can be large); history.get returns it. */
export function listHistory(history: HistoryLog, filter: HistoryFilter) {
  const { total, records } = history.list(filter);
  return { total, records: records.map(({ result: _r, ...rest }) => rest as HistoryRecord) };
}

export async function giveFeedback(history: HistoryLog, input: z.output<typeof feedbackInputSchema>) {
  const rec = history.get(input.historyId);
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
