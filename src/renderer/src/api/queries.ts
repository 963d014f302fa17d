import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useVigil } from './ClientProvider';

export const queryKeys = {
  health: ['app.health'] as const,
  engineInfo: ['engine.info'] as const,
  /** Everything about the watchlist; invalidate this after any change to it. */
  watchlist: ['watchlist'] as const,
  subjects: (query: string) => ['watchlist', 'list', query] as const,
  subject: (id: string) => ['watchlist', 'get', id] as const,
  settings: ['settings'] as const,
};

export function useHealth() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => client.invoke('app.health', {}),
    refetchInterval: 30_000,
  });
}

export function useEngineInfo() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.engineInfo,
    queryFn: () => client.invoke('engine.info', {}),
    // While models load, keep the page current without the user pressing refresh.
    refetchInterval: (query) => (query.state.data?.state === 'starting' ? 2_000 : false),
  });
}

export function useSubjects(query: string) {
  const { client } = useVigil();
  const q = query.trim();
  return useQuery({
    queryKey: queryKeys.subjects(q),
    queryFn: () => client.invoke('watchlist.list', q ? { query: q } : {}),
    // Typing in the search box keeps the last list on screen instead of flashing a skeleton.
    placeholderData: keepPreviousData,
  });
}

export function useSubject(id: string | null) {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.subject(id ?? ''),
    queryFn: () => client.invoke('watchlist.get', { id: id ?? '' }),
    enabled: id !== null,
  });
}

export function useSettings() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.settings,
    queryFn: () => client.invoke('settings.get', {}),
  });
}
