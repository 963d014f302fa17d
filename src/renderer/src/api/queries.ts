import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useVigil } from './ClientProvider';
import { HEALTH_KEY } from './connection';

export const queryKeys = {
  health: HEALTH_KEY,
  engineInfo: ['engine.info'] as const,
  /** Everything about the watchlist; invalidate this after any change to it. */
  watchlist: ['watchlist'] as const,
  subjects: (query: string) => ['watchlist', 'list', query] as const,
  subject: (id: string) => ['watchlist', 'get', id] as const,
  settings: ['settings'] as const,
  dataInfo: ['data.info'] as const,
  diagnostics: ['app.diagnostics'] as const,
  /** Everything about history; invalidate this after a job runs or records are deleted. */
  history: ['history'] as const,
  historyList: (filter: HistoryListInput) => ['history', 'list', filter] as const,
  historyRecord: (id: string) => ['history', 'get', id] as const,
};

export type HistoryListInput = ChannelInput<'history.list'>;

/** Jobs that are still running; a list showing one polls until it settles. */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'RUNNING']);

export function useHealth() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => client.invoke('app.health', {}),
    // Down: look again every few seconds, so the header says "connected" soon after a restart.
    refetchInterval: (query) => (query.state.status === 'error' ? 3_000 : 30_000),
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

/**
 * Photos a page sends at once: one per engine worker. The pool starts a worker beyond the first
 * only when calls overlap (engine.ts), so a single photo costs no second copy of the models.
 */
export function useEngineSlots(): number {
  return Math.max(1, useEngineInfo().data?.workers ?? 1);
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

/** The data folder; polled while a move, backup or restore runs, to show its progress. */
export function useDataInfo(poll = false) {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.dataInfo,
    queryFn: () => client.invoke('data.info', {}),
    refetchInterval: (query) => (poll || query.state.data?.operation ? 500 : false),
  });
}

export function useDiagnostics() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.diagnostics,
    queryFn: () => client.invoke('app.diagnostics', {}),
  });
}

export function useHistoryList(filter: HistoryListInput) {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.historyList(filter),
    queryFn: () => client.invoke('history.list', filter),
    placeholderData: keepPreviousData,
    // Jobs still pending or running on this page: poll until they finish.
    refetchInterval: (query) =>
      query.state.data?.records.some((r) => LIVE_STATUSES.has(r.status)) ? 1_500 : false,
  });
}

export function useHistoryRecord(id: string | null) {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.historyRecord(id ?? ''),
    queryFn: () => client.invoke('history.get', { id: id ?? '' }),
    enabled: id !== null,
    refetchInterval: (query) =>
      query.state.data && LIVE_STATUSES.has(query.state.data.status) ? 1_500 : false,
  });
}
