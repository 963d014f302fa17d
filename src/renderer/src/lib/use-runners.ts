import { useCallback, useEffect, useRef } from 'react';

export interface RunnersOptions {
  /** Runners at most: one per engine worker (`useEngineSlots`). */
  slots: number;
  /** Whether work waits and nothing holds it back; checked before each runner starts. */
  ready: () => boolean;
  /**
   * One runner's whole life: takes work until none is left, its first item synchronously so
   * that `ready` turns false as runners start.
   */
  run: () => Promise<void>;
  /** Told the number of runners each time it changes (for a page's "in flight" state). */
  onCount?: (running: number) => void;
}

export interface Runners {
  /** Starts runners while work waits and fewer than `slots` run. */
  drain(): void;
  /** Runners working now. */
  running(): number;
}

/**
 * Up to `slots` runners over a queue the page keeps, so that every engine worker has a photo.
 * The engine's worker count arrives after the page opens: a queue already running gets its
 * further runners then. Hand-written: p-limit's queue cannot drop one subject's photos or hold
 * detection back while a batch export runs.
 */
export function useRunners(options: RunnersOptions): Runners {
  // The latest callbacks, read by runners that outlive renders.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const count = useRef(0);

  const drain = useCallback(() => {
    const { slots, ready, run, onCount } = latest.current;
    while (count.current < Math.max(1, slots) && ready()) {
      count.current++;
      onCount?.(count.current);
      void run().finally(() => {
        count.current--;
        latest.current.onCount?.(count.current);
      });
    }
  }, []);

  useEffect(() => drain(), [options.slots, drain]);

  const running = useCallback(() => count.current, []);
  return { drain, running };
}
