import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys } from '../../api/queries';
import { fileDigest, swapCompare, type CompareResult, type CompareSlot } from '../../lib/compare';
import { toImageSource } from '../../lib/files';

export interface SlotPhoto {
  /** New for every photo put in a slot: what the comparison is cached under. */
  id: number;
  file: File;
  /**
   * An object URL of the file, shown until the comparison returns the core's preview (and when it
   * fails): the browser applies EXIF orientation as the core does.
   */
  url: string;
  /**
   * The SHA-256 of its bytes, to tell the same photo in both slots (samePhoto): undefined while it
   * is computed (beside the comparison, which does not wait for it), null if it could not be.
   */
  digest?: string | null;
}

export type ComparePair = Record<CompareSlot, SlotPhoto | null>;

export interface CompareValue {
  pair: ComparePair;
  /** Puts `file` in `slot`; with both slots full the pair is compared. */
  put(slot: CompareSlot, file: File): void;
  swap(): void;
  clear(): void;
  /** The comparison of the pair in the slots (idle while a slot is empty). */
  compare: UseQueryResult<CompareResult>;
  /** Compares the pair again (after a change of thresholds): a new judgement and history record. */
  compareAgain(): void;
}

const CompareContext = createContext<CompareValue | null>(null);

let lastPhotoId = 0;

const compareKey = (a: SlotPhoto | null, b: SlotPhoto | null) => ['match.compare', a?.id ?? 0, b?.id ?? 0];

/**
 * The Compare tab's pair and its comparison, kept for the session as Scan keeps its photos:
 * leaving the tab or the page (which unmounts it) loses neither.
 */
export function CompareProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [pair, setPair] = useState<ComparePair>({ a: null, b: null });
  const { a, b } = pair;

  const queryFn = useCallback(
    async (first: SlotPhoto, second: SlotPhoto): Promise<CompareResult> => {
      try {
        return await client.invoke('match.compare', {
          a: await toImageSource(first.file),
          b: await toImageSource(second.file),
        });
      } finally {
        void queryClient.invalidateQueries({ queryKey: queryKeys.history });
      }
    },
    [client, queryClient],
  );

  // Disabled, and fetched only when a pair is put together or on "Compare again": every run writes
  // a history record, so neither an invalidation of everything (a restore, a new data folder) nor
  // a remount may run it again by itself.
  const compare = useQuery({
    queryKey: compareKey(a, b),
    queryFn: () => {
      if (!a || !b) throw new Error('two photos are needed');
      return queryFn(a, b);
    },
    enabled: false,
    staleTime: Infinity,
    gcTime: 5 * 60_000,
    retry: false,
  });

  const run = useCallback(
    (next: ComparePair) => {
      const { a: first, b: second } = next;
      if (!first || !second) return;
      void queryClient.prefetchQuery({
        queryKey: compareKey(first, second),
        queryFn: () => queryFn(first, second),
        staleTime: Infinity,
        retry: false,
      });
    },
    [queryClient, queryFn],
  );

  // The latest pair, for the callbacks to stay stable and for the object URLs to die with the app.
  const current = useRef(pair);
  useEffect(() => {
    current.current = pair;
  }, [pair]);
  useEffect(
    () => () => {
      for (const p of [current.current.a, current.current.b]) if (p) URL.revokeObjectURL(p.url);
    },
    [],
  );

  const put = useCallback(
    (slot: CompareSlot, file: File) => {
      const old = current.current[slot];
      if (old) URL.revokeObjectURL(old.url);
      const id = ++lastPhotoId;
      const next = { ...current.current, [slot]: { id, file, url: URL.createObjectURL(file) } };
      current.current = next;
      setPair(next);
      run(next);
      // Once per photo put in a slot, whichever slot it is in by then (swapped) or none (replaced).
      void fileDigest(file).then((digest) => {
        const { a: first, b: second } = current.current;
        const withDigest = (p: SlotPhoto | null) => (p?.id === id ? { ...p, digest } : p);
        if (first?.id !== id && second?.id !== id) return;
        current.current = { a: withDigest(first), b: withDigest(second) };
        setPair(current.current);
      });
    },
    [run],
  );
  const swap = useCallback(() => {
    const { a: first, b: second } = current.current;
    // The score does not depend on the order: the swapped pair shows the same result, not a rerun.
    const done = queryClient.getQueryData<CompareResult>(compareKey(first, second));
    if (done) queryClient.setQueryData(compareKey(second, first), swapCompare(done));
    const next = { a: second, b: first };
    current.current = next;
    setPair(next);
    // An error names the side it is about: without a result the swapped pair is compared anew.
    if (!done) run(next);
  }, [queryClient, run]);
  const clear = useCallback(() => {
    for (const p of [current.current.a, current.current.b]) if (p) URL.revokeObjectURL(p.url);
    current.current = { a: null, b: null };
    setPair(current.current);
  }, []);
  const { refetch } = compare;
  const compareAgain = useCallback(() => void refetch(), [refetch]);

  const value = useMemo(
    () => ({ pair, put, swap, clear, compare, compareAgain }),
    [pair, put, swap, clear, compare, compareAgain],
  );
  return <CompareContext.Provider value={value}>{children}</CompareContext.Provider>;
}

export function useCompare(): CompareValue {
  const value = useContext(CompareContext);
  if (!value) throw new Error('useCompare must be used inside <CompareProvider>');
  return value;
}
