import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { classifyResultSchema, type ClassifyResult } from '../../../shared/classify-schemas';
import { VigilError, type ErrorShape } from '../../../shared/errors';
import type { HistoryRecord } from '../../../shared/history-schemas';
import type { HistoryLog } from '../store/history-log';

/** One photo of a batch: its result, or the error it got. */
export interface ClassifyExportItem {
  file: string;
  historyId?: string;
  result?: ClassifyResult;
  error?: ErrorShape;
  feedback?: HistoryRecord['feedback'];
}

const HEADER = [
  'file',
  'extension',
  'date',
  'success',
  'backend',
  'model',
  'class_id',
  'label',
  'score',
  'top_labels',
  'objects',
  'faces',
  'error_code',
  'error_message',
  'feedback',
  'history_id',
];

const fixed = (n: number) => n.toFixed(4);

/** A batch's results as CSV (one row per photo, spreadsheet-friendly) or JSON (everything). */
export function exportClassifyItems(items: ClassifyExportItem[], format: 'csv' | 'json') {
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === 'json') {
    const doc = items.map((i) =>
      i.result
        ? { ...i.result, feedback: i.feedback ?? [] }
        : { file: i.file, success: false, error: i.error ?? null, historyId: i.historyId ?? null },
    );
    return {
      fileName: `vigil-classify-${stamp}.json`,
      records: items.length,
      text: JSON.stringify(doc, null, 2),
    };
  }
  const rows = items.map((i) => {
    const r = i.result;
    const first = r?.top[0];
    return [
      i.file,
      r?.extension ?? extname(i.file).slice(1).toLowerCase(),
      r?.date ?? '',
      r ? 'true' : 'false',
      r?.backend ?? '',
      r?.model ?? '',
      first ? String(first.classId) : '',
      first?.label ?? '',
      first ? fixed(first.score) : '',
      r?.top.map((l) => `${l.label}:${fixed(l.score)}`).join('; ') ?? '',
      r?.objects.map((o) => `${o.label}:${fixed(o.score)}@${o.box.join(',')}`).join('; ') ?? '',
      r?.faces
        .map(
          (f) =>
            `${f.age ?? '?'}/${f.gender ?? '?'}:${fixed(f.genderScore)}/${f.emotion ?? '?'}@${f.box.join(',')}`,
        )
        .join('; ') ?? '',
      i.error?.code ?? '',
      i.error?.message ?? '',
      (i.feedback ?? []).map((f) => `${f.verdict}${f.label ? `:${f.label}` : ''}`).join('; '),
      i.historyId ?? r?.historyId ?? '',
    ];
  });
  return {
    fileName: `vigil-classify-${stamp}.csv`,
    records: items.length,
    text: stringify([HEADER, ...rows], { escape_formulas: true }),
  };
}

/** The export of classify jobs from the history (the Classify page's batch), in the order given. */
export function exportClassifyHistory(history: HistoryLog, ids: string[], format: 'csv' | 'json') {
  const items: ClassifyExportItem[] = ids.map((id) => {
    const rec = history.get(id);
    if (rec.kind !== 'classify')
      throw new VigilError('BAD_INPUT', `History record ${id} is a ${rec.kind} job, not classify`, { id });
    const file = rec.inputs[0]?.file ?? '';
    const parsed = classifyResultSchema.safeParse(rec.result);
    if (rec.status === 'FINISHED' && parsed.success)
      return { file, historyId: id, result: parsed.data, feedback: rec.feedback };
    return {
      file,
      historyId: id,
      error: rec.error ?? { code: 'INTERNAL', message: `job is ${rec.status.toLowerCase()}` },
      feedback: rec.feedback,
    };
  });
  const out = exportClassifyItems(items, format);
  return { fileName: out.fileName, records: out.records, data: Buffer.from(out.text).toString('base64') };
}
