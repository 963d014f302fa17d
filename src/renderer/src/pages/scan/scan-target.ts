/**
 * What the Scan page does with a photo: find its faces (image.inspect), identify every face
 * against the watchlist (match.identify), or look for one subject in it (match.verify).
 */
export type ScanMode = 'inspect' | 'identify' | 'verify';
export const SCAN_MODES = ['inspect', 'identify', 'verify'] as const satisfies readonly ScanMode[];

/** The question a photo is asked: a mode, and for verify the subject looked for. */
export interface ScanTarget {
  mode: ScanMode;
  /** Only in verify mode; null there until a subject is picked. */
  subjectId: string | null;
}

/**
 * Why a photo's result does not answer the page's current question: it was scanned in another
 * mode, or checked against another subject; null when it answers it.
 */
export function differsFrom(item: ScanTarget, now: ScanTarget): 'mode' | 'subject' | null {
  if (item.mode !== now.mode) return 'mode';
  if (now.mode === 'verify' && now.subjectId !== null && item.subjectId !== now.subjectId) return 'subject';
  return null;
}

/**
 * The question a photo added now is asked; null when it cannot be asked yet (verify mode with
 * no subject picked, or one that is no longer on the watchlist).
 */
export function targetForNew(mode: ScanMode, subjectId: string | null): ScanTarget | null {
  if (mode !== 'verify') return { mode, subjectId: null };
  return subjectId ? { mode, subjectId } : null;
}

/** Where a photo on the Scan page is: waiting its turn, sent to the core, or answered. */
export type ScanStatus = 'queued' | 'inspecting' | 'done' | 'error';

/**
 * Whether photos on the page are still to be scanned (waiting or in flight): leaving or reloading
 * the page now would lose them unscanned, so it asks first. Photos done are kept in History.
 */
export const stillScanning = (items: readonly { status: ScanStatus }[]): boolean =>
  items.some((item) => item.status === 'queued' || item.status === 'inspecting');
