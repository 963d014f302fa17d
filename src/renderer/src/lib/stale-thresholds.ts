import type { Thresholds } from '../../../shared/match-schemas';

/**
 * Whether a verdict judged at `at` would be judged otherwise now: Settings' thresholds differ.
 * Unknown (settings not loaded, nothing judged) is not stale.
 */
export function thresholdsChanged(at: Thresholds | undefined, now: Thresholds | undefined): boolean {
  if (!at || !now) return false;
  return at.match !== now.match || at.possible !== now.possible;
}
