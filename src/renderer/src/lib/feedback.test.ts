import { describe, expect, it } from 'vitest';
import { standingFeedback } from './feedback';

const at = '2026-12-02T10:00:00Z';

describe('standingFeedback', () => {
  it('keeps the last entry per face; an earlier one on the same face is replaced', () => {
    expect(
      standingFeedback([
        { at, faceIndex: 0, verdict: 'wrong' },
        { at, faceIndex: 1, verdict: 'correct' },
        { at, faceIndex: 0, verdict: 'correct' },
      ]),
    ).toEqual([false, true, true]);
    expect(standingFeedback([])).toEqual([]);
  });
});
