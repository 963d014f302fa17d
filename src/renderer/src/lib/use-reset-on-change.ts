import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

/**
 * While `active`, calls `reset` once data under `queryKey` changes: a notice about that data
 * ("3 subjects exported") stops being shown once it no longer describes what is on screen.
 * Refetches that bring the same data back (structural sharing keeps its reference) and queries
 * first seen meanwhile (a new search) are no change.
 */
export function useResetOnChange(active: boolean, queryKey: QueryKey, reset: () => void): void {
  const queryClient = useQueryClient();
  const latestReset = useRef(reset);
  useEffect(() => {
    latestReset.current = reset;
  });
  const prefix = JSON.stringify(queryKey).slice(0, -1);
  useEffect(() => {
    if (!active) return;
    const cache = queryClient.getQueryCache();
    const under = (hash: string) => hash.startsWith(prefix);
    const seen = new Map(
      cache
        .getAll()
        .filter((q) => under(q.queryHash))
        .map((q) => [q.queryHash, q.state.data]),
    );
    return cache.subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success' || !under(event.query.queryHash))
        return;
      const { queryHash, state } = event.query;
      const known = seen.has(queryHash);
      const before = seen.get(queryHash);
      seen.set(queryHash, state.data);
      if (known && before !== state.data) latestReset.current();
    });
  }, [active, queryClient, prefix]);
}
