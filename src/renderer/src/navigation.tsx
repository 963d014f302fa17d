import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { PAGES, type PageId } from './pages';

export interface NavigationValue {
  page: PageId;
  /** The subject open on the Watchlist page (kept while other pages are shown). */
  subjectId: string | null;
  go(page: PageId): void;
  /** Shows a subject on the Watchlist page, e.g. from a candidate on the Scan page. */
  openSubject(id: string | null): void;
}

const NavigationContext = createContext<NavigationValue | null>(null);

export function NavigationProvider({
  children,
  initial = 'scan',
}: {
  children: ReactNode;
  initial?: PageId;
}) {
  const [page, setPage] = useState<PageId>(initial);
  const [subjectId, setSubjectId] = useState<string | null>(null);

  const go = useCallback((id: PageId) => {
    if (PAGES.find((p) => p.id === id)?.available) setPage(id);
  }, []);

  const openSubject = useCallback((id: string | null) => {
    setSubjectId(id);
    if (id) setPage('watchlist');
  }, []);

  const value = useMemo(() => ({ page, subjectId, go, openSubject }), [page, subjectId, go, openSubject]);
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): NavigationValue {
  const value = useContext(NavigationContext);
  if (!value) throw new Error('useNavigation must be used inside <NavigationProvider>');
  return value;
}
