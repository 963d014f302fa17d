import { useEffect } from 'react';

/**
 * In a browser tab, asks before the page is left (Back, reload, closing the tab) while `active`:
 * photos and edits held only in the page would be lost. Not in the desktop app, where navigation
 * is blocked and a beforeunload handler would stop the window from closing.
 */
export function useLeaveWarning(active: boolean): void {
  useEffect(() => {
    if (!active || window.vigil) return;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium versions need returnValue set to show the prompt.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [active]);
}
