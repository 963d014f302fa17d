import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { session, readStored, writeStored } from './lib/stored';
import { PAGES, type PageId } from './pages';

export interface NavigationValue {
  page: PageId;
  /** The subject open on the Watchlist page (kept while other pages are shown). */
  subjectId: string | null;
  go(page: PageId): void;
  /** Shows a subject on the Watchlist page (on its Subjects tab), e.g. from a Scan candidate. */
  openSubject(id: string | null): void;
  /** The Watchlist page's tab: the one left is the one shown on coming back. */
  watchlistTab: WatchlistTab;
  setWatchlistTab(tab: WatchlistTab): void;
}

export const WATCHLIST_TABS = ['subjects', 'search', 'compare'] as const;
export type WatchlistTab = (typeof WATCHLIST_TABS)[number];

const NavigationContext = createContext<NavigationValue | null>(null);

/**
 * Where the window was, for a reload (F5 in a browser tab, Ctrl+R in the app) to come back to it.
 * Per window and session: a new window starts on Scan.
 */
const PLACE_KEY = 'vigil.place';

const isOpenPage = (id: unknown): id is PageId => PAGES.some((p) => p.id === id && p.available);

const placeSchema = z.object({
  page: z.custom<PageId>(isOpenPage).optional().catch(undefined),
  subjectId: z.string().nullable().catch(null),
  watchlistTab: z.enum(WATCHLIST_TABS).catch('subjects').optional(),
});

export function NavigationProvider({
  children,
  initial = 'scan',
}: {
  children: ReactNode;
  initial?: PageId;
}) {
  const [saved] = useState(() => readStored(session, PLACE_KEY, placeSchema, { subjectId: null }));
  const [page, setPage] = useState<PageId>(saved.page ?? initial);
  const [subjectId, setSubjectId] = useState<string | null>(saved.subjectId);
  const [watchlistTab, setWatchlistTab] = useState<WatchlistTab>(saved.watchlistTab ?? 'subjects');

  useEffect(() => {
    writeStored(session, PLACE_KEY, { page, subjectId, watchlistTab });
  }, [page, subjectId, watchlistTab]);

  const go = useCallback((id: PageId) => {
    if (isOpenPage(id)) setPage(id);
  }, []);

  const openSubject = useCallback((id: string | null) => {
    setSubjectId(id);
    if (!id) return;
    setPage('watchlist');
    // A subject opened from elsewhere shows, whichever tab was left.
    setWatchlistTab('subjects');
  }, []);

  const value = useMemo(
    () => ({ page, subjectId, go, openSubject, watchlistTab, setWatchlistTab }),
    [page, subjectId, go, openSubject, watchlistTab],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): NavigationValue {
  const value = useContext(NavigationContext);
  if (!value) throw new Error('useNavigation must be used inside <NavigationProvider>');
  return value;
}
