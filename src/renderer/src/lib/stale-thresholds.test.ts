import { describe, expect, it } from 'vitest';
import { thresholdsChanged } from './stale-thresholds';

describe('thresholdsChanged', () => {
  const at = { match: 0.6, possible: 0.45 };

  it('is stale when either threshold moved', () => {
    expect(thresholdsChanged(at, { match: 0.7, possible: 0.45 })).toBe(true);
    expect(thresholdsChanged(at, { match: 0.6, possible: 0.4 })).toBe(true);
  });

  it('is not stale at the same thresholds, or when either side is unknown', () => {
    expect(thresholdsChanged(at, { ...at })).toBe(false);
    expect(thresholdsChanged(undefined, at)).toBe(false);
    expect(thresholdsChanged(at, undefined)).toBe(false);
  });
});
