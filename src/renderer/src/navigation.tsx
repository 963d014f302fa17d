import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { z } from 'zod';
import type { JobKind } from '../../shared/history-schemas';
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
  /** Opens the History page showing only jobs of `kind`, e.g. the Scan page's earlier scans. */
  openHistory(kind: JobKind): void;
  /** The kind the History page opens filtered to: null unless opened by `openHistory`. */
  historyKind: JobKind | null;
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
  const [historyKind, setHistoryKind] = useState<JobKind | null>(null);

  useEffect(() => {
    writeStored(session, PLACE_KEY, { page, subjectId, watchlistTab });
  }, [page, subjectId, watchlistTab]);

  const go = useCallback((id: PageId) => {
    if (!isOpenPage(id)) return;
    setPage(id);
    setHistoryKind(null);
  }, []);

  const openHistory = useCallback((kind: JobKind) => {
    if (!isOpenPage('history')) return;
    setPage('history');
    setHistoryKind(kind);
  }, []);

  const openSubject = useCallback((id: string | null) => {
    setSubjectId(id);
    if (!id) return;
    setPage('watchlist');
    // A subject opened from elsewhere shows, whichever tab was left.
    setWatchlistTab('subjects');
  }, []);

  const value = useMemo(
    () => ({ page, subjectId, go, openSubject, watchlistTab, setWatchlistTab, openHistory, historyKind }),
    [page, subjectId, go, openSubject, watchlistTab, openHistory, historyKind],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): NavigationValue {
  const value = useContext(NavigationContext);
  if (!value) throw new Error('useNavigation must be used inside <NavigationProvider>');
  return value;
}
