import type { HistoryRecord } from '../../../shared/history-schemas';

/**
 * Which feedback entries still stand: feedback is kept as a log, and a later entry on the same
 * face (or on the one answer of a result without faces) replaces the earlier ones.
 */
export function standingFeedback(feedback: HistoryRecord['feedback']): boolean[] {
  const last = new Map<number, number>();
  feedback.forEach((f, i) => last.set(f.faceIndex, i));
  return feedback.map((f, i) => last.get(f.faceIndex) === i);
}
