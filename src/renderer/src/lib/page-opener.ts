import { useEffect, type RefObject } from 'react';
import type { PageId } from '../pages';

/**
 * The file picker of each page that has one on screen, for Ctrl+O to open the picker of the page
 * in view (Blur's on Blur, the enrolment's on a subject) rather than always Scan's.
 */
const openers = new Map<PageId, RefObject<(() => void) | null>>();

/** Registers `open` as `page`'s picker while the calling component is mounted. */
export function usePageOpener(page: PageId, open: RefObject<(() => void) | null>): void {
  useEffect(() => {
    openers.set(page, open);
    return () => {
      if (openers.get(page) === open) openers.delete(page);
    };
  }, [page, open]);
}

/** Opens `page`'s picker; false when the page has none on screen. */
export function openPagePicker(page: PageId): boolean {
  const open = openers.get(page)?.current;
  if (!open) return false;
  open();
  return true;
}
