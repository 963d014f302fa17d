import { describe, expect, it } from 'vitest';
import { formatDuration, formatScore, scoreDigits } from './format';

describe('scoreDigits', () => {
  it('shows as many decimals as tell a score from the thresholds it was judged against', () => {
    // 0.3285 against 0.3333: both 0.33 at two decimals, beside a "below" verdict.
    const d = scoreDigits(0.3285, [0.5, 0.3333]);
    expect(d).toBe(3);
    expect([formatScore('en', 0.3285, d), formatScore('en', 0.3333, d)]).toEqual(['0.329', '0.333']);
    expect(scoreDigits(0.41, [0.5, 0.3333])).toBe(2);
    expect(scoreDigits(0.33331, [0.5, 0.33334])).toBe(4);
    // Equal is equal: no extra digits for it.
    expect(scoreDigits(0.5, [0.5, 0.3333])).toBe(2);
    expect(scoreDigits(undefined, [0.5])).toBe(2);
    expect(formatScore('pt-BR', 0.3285, 3)).toBe('0,329');
  });
});

describe('formatDuration', () => {
  it('rounds before choosing the unit: never "1,000 ms" or "1 min 60 s"', () => {
    expect(formatDuration('en', 850)).toBe('850 ms');
    expect(formatDuration('en', 999.7)).toBe('1 sec');
    expect(formatDuration('en', 4_900)).toBe('4.9 sec');
    expect(formatDuration('en', 59_970)).toBe('1 min');
    expect(formatDuration('en', 119_700)).toBe('2 min');
    expect(formatDuration('en', 125_000)).toBe('2 min 5 sec');
    expect(formatDuration('pt-BR', 4_900)).toBe('4,9 s');
  });
});
