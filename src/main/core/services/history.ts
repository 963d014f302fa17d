import type { z } from 'zod';
import type { feedbackInputSchema } from '../../../shared/match-schemas';
import type { HistoryRecord } from '../../../shared/history-schemas';
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
    ...(input.note ? { note: input.note } : {}),
  };
  return history.update(rec.id, { feedback: [...rec.feedback, entry] });
}
