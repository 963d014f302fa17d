import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { ErrorShape } from '../../../shared/errors';
import type { ImageSource } from '../../../shared/schemas';
import { errorShapeOf } from '../api/errors';
import i18n from '../i18n';
import { emptyBatch, type BatchAction, type BatchItemBase, type BatchState } from './batch-queue';
import { selectForInspection, toImageSource, type PickedFile } from './files';
import { useRunners } from './use-runners';

/** A photo waiting in a page's queue: the item it updates and the file it reads. */
export interface QueuedJob {
  id: number;
  file: File;
}

export interface BatchQueueOptions<Item extends BatchItemBase, Job extends QueuedJob, Extra> {
  /** `batchReducer`, or a page's reducer for its `Extra` actions that hands it every batch action. */
  reducer: (state: BatchState<Item>, action: BatchAction<Item> | Extra) => BatchState<Item>;
  /** The item's patch while its job runs. */
  started: Partial<Item>;
  /** Runs one job on the photo's bytes; resolves to the item's final patch. */
  run: (job: Job, source: ImageSource) => Promise<Partial<Item>>;
  /** The item's final patch when reading the file or `run` failed (`cause`: what `run` threw). */
  failed: (error: ErrorShape, cause?: unknown) => Partial<Item>;
  /** Photos sent at once (`useEngineSlots`: one per engine worker); 1 when not given. */
  concurrency?: number;
}

/**
 * A page's photo queue (Scan, Classify): each photo is its own call and history job, up to
 * `concurrency` in flight so that every engine worker has one; cancel drops those not yet sent
 * (those in flight finish and are shown); the state lives in the page's provider, so switching
 * pages keeps it.
 */
export function useBatchQueue<Item extends BatchItemBase, Job extends QueuedJob, Extra = never>(
  options: BatchQueueOptions<Item, Job, Extra>,
) {
  const [state, dispatch] = useReducer(options.reducer, undefined, emptyBatch<Item>);
  const pending = useRef<Job[]>([]);
  const nextId = useRef(1);
  const itemsRef = useRef<Item[]>([]);
  // The latest callbacks, read by a drain loop that outlives renders.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  useEffect(() => {
    itemsRef.current = state.items;
  }, [state.items]);

  /** One runner: takes jobs until none is left. Several run at once, one per engine worker. */
  const runJobs = useCallback(async () => {
    for (let job = pending.current.shift(); job; job = pending.current.shift()) {
      const { started, run, failed } = latest.current;
      dispatch({ type: 'patch', id: job.id, patch: started });
      let source: ImageSource;
      try {
        source = await toImageSource(job.file);
      } catch {
        dispatch({
          type: 'settle',
          id: job.id,
          patch: failed({ code: 'FILE_NOT_FOUND', message: i18n.t('scan.readFailed') }),
        });
        continue;
      }
      let patch: Partial<Item>;
      try {
        patch = await run(job, source);
      } catch (err) {
        patch = failed(errorShapeOf(err), err);
      }
      dispatch({ type: 'settle', id: job.id, patch });
    }
  }, []);

  const { drain } = useRunners({
    slots: options.concurrency ?? 1,
    ready: () => pending.current.length > 0,
    run: runJobs,
    onCount: (running) => {
      if (running === 0) dispatch({ type: 'idle' });
    },
  });

  /** Queues the images among `picked` (others are counted as skipped) and starts the queue. */
  const enqueue = useCallback(
    (
      picked: readonly PickedFile[],
      makeItem: (p: PickedFile, id: number) => Item,
      makeJob: (p: PickedFile, item: Item) => Job,
    ) => {
      const { keep, skipped } = selectForInspection(picked);
      const items = keep.map((p) => makeItem(p, nextId.current++));
      keep.forEach((p, i) => pending.current.push(makeJob(p, items[i]!)));
      dispatch({ type: 'enqueue', items, skipped });
      if (items.length > 0) drain();
    },
    [drain],
  );

  /** Runs photos already on screen again, resetting their items with `patch`. */
  const requeue = useCallback(
    (jobs: Job[], patch: Partial<Item>) => {
      if (jobs.length === 0) return;
      pending.current.push(...jobs);
      dispatch({ type: 'requeue', ids: jobs.map((j) => j.id), patch });
      drain();
    },
    [drain],
  );

  /** Drops the photos not yet sent; returns their item ids. */
  const cancel = useCallback((): number[] => {
    const ids = pending.current.map((p) => p.id);
    pending.current = [];
    dispatch({ type: 'cancel', ids });
    return ids;
  }, []);

  const clear = useCallback(() => {
    pending.current = [];
    dispatch({ type: 'clear' });
  }, []);

  const dismissNotice = useCallback(() => dispatch({ type: 'dismissNotice' }), []);

  /** Ids of the items still waiting to be sent. */
  const queuedIds = useCallback(() => new Set(pending.current.map((p) => p.id)), []);

  return {
    state,
    dispatch,
    itemsRef,
    enqueue,
    requeue,
    cancel,
    clear,
    dismissNotice,
    queuedIds,
  };
}
