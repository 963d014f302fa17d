import { createContext, useCallback, useContext, useMemo, useRef, type ReactNode } from 'react';
import { z } from 'zod';
import type { ErrorShape } from '../../../../shared/errors';
import type { IdentifyResult } from '../../../../shared/match-schemas';
import type { InspectResult } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { useEngineSlots } from '../../api/queries';
import { errorShapeOf } from '../../api/errors';
import {
  batchProgress,
  batchReducer,
  type BatchAction,
  type BatchNotice,
  type BatchProgress,
  type BatchState,
} from '../../lib/batch-queue';
import type { PickedFile } from '../../lib/files';
import { local, useStored } from '../../lib/stored';
import { useBatchQueue, type QueuedJob } from '../../lib/use-batch-queue';

export type ScanStatus = 'queued' | 'inspecting' | 'done' | 'error';

/** Find faces (image.inspect) or identify every face against the watchlist (match.identify). */
export type ScanMode = 'inspect' | 'identify';
export const SCAN_MODES = ['inspect', 'identify'] as const satisfies readonly ScanMode[];

export type FeedbackVerdict = 'correct' | 'wrong';

export interface FaceFeedback {
  verdict: FeedbackVerdict;
  sending: boolean;
  error?: ErrorShape;
}

export interface ScanItem {
  id: number;
  name: string;
  relativePath: string;
  /** The mode the photo was (or will be) scanned in. */
  mode: ScanMode;
  status: ScanStatus;
  result?: InspectResult;
  identified?: IdentifyResult;
  error?: ErrorShape;
  /** Feedback given per face index (identify mode). */
  feedback?: Record<number, FaceFeedback>;
}

const MODE_KEY = 'vigil.scan-mode';
const modeSchema = z.enum(SCAN_MODES);

/** The queue's state, plus the feedback given on identified faces. */
type FeedbackAction = { type: 'feedback'; id: number; faceIndex: number; feedback: FaceFeedback | null };
type Action = BatchAction<ScanItem> | FeedbackAction;

interface ScanJob extends QueuedJob {
  mode: ScanMode;
}

function reducer(state: BatchState<ScanItem>, action: Action): BatchState<ScanItem> {
  if (action.type !== 'feedback') return batchReducer(state, action);
  return {
    ...state,
    items: state.items.map((item) => {
      if (item.id !== action.id) return item;
      const feedback = { ...item.feedback };
      if (action.feedback) feedback[action.faceIndex] = action.feedback;
      else delete feedback[action.faceIndex];
      return { ...item, feedback };
    }),
  };
}

export interface ScanContextValue {
  items: ScanItem[];
  mode: ScanMode;
  setMode(mode: ScanMode): void;
  /** Scans again, in the current mode, the photos that were scanned in the other one. */
  rescanInMode(): void;
  /** Identifies these photos again (their verdicts used thresholds changed since). */
  identifyAgain(ids: readonly number[]): void;
  giveFeedback(itemId: number, faceIndex: number, verdict: FeedbackVerdict): void;
  progress: BatchProgress<ScanItem>;
  notice: BatchNotice | null;
  addFiles(picked: readonly PickedFile[]): void;
  cancel(): void;
  clear(): void;
  dismissNotice(): void;
  /** Ask the Scan page to open its file dialog (Ctrl/Cmd+O), now or as soon as it is shown. */
  requestPicker(): void;
  onPickerRequest(listener: () => void): () => void;
}

const ScanContext = createContext<ScanContextValue | null>(null);

/**
 * Holds the scan results and the inspection queue above the pages, so switching pages neither
 * loses results nor stops the queue. Photos are sent one per engine worker at a time; cancel
 * drops the ones not yet sent (those in flight finish and are shown).
 */
export function ScanProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const slots = useEngineSlots();
  const [mode, setMode] = useStored<ScanMode>(local, MODE_KEY, modeSchema, 'inspect');
  const {
    state,
    dispatch,
    itemsRef,
    enqueue,
    requeue,
    cancel: cancelQueued,
    clear: clearQueue,
    dismissNotice,
    queuedIds,
  } = useBatchQueue<ScanItem, ScanJob, FeedbackAction>({
    reducer,
    started: { status: 'inspecting' },
    run: async ({ mode: itemMode }, source) => {
      if (itemMode === 'identify') {
        const identified = await client.invoke('match.identify', { source });
        return { status: 'done', identified };
      }
      const result = await client.invoke('image.inspect', { source });
      return { status: 'done', result };
    },
    concurrency: slots,
    failed: (error) => ({ status: 'error', error }),
  });
  /** Every file still on screen, so a photo can be scanned again in the other mode. */
  const files = useRef(new Map<number, File>());
  const pickerListener = useRef<(() => void) | null>(null);
  const pickerPending = useRef(false);

  const addFiles = useCallback(
    (picked: readonly PickedFile[]) =>
      enqueue(
        picked,
        (p, id) => ({ id, name: p.file.name, relativePath: p.relativePath, mode, status: 'queued' }),
        (p, item) => {
          files.current.set(item.id, p.file);
          return { id: item.id, file: p.file, mode };
        },
      ),
    [enqueue, mode],
  );

  /** Scans again in `to` the photos `pick` chooses, except those already queued or in flight. */
  const rescan = useCallback(
    (pick: (item: ScanItem) => boolean, to: ScanMode) => {
      const queued = queuedIds();
      const jobs: ScanJob[] = [];
      for (const item of itemsRef.current) {
        const file = files.current.get(item.id);
        if (!pick(item) || !file || queued.has(item.id) || item.status === 'inspecting') continue;
        jobs.push({ id: item.id, file, mode: to });
      }
      requeue(jobs, {
        mode: to,
        status: 'queued',
        result: undefined,
        identified: undefined,
        error: undefined,
        feedback: undefined,
      });
    },
    [itemsRef, queuedIds, requeue],
  );

  const rescanInMode = useCallback(() => rescan((item) => item.mode !== mode, mode), [rescan, mode]);

  const identifyAgain = useCallback(
    (ids: readonly number[]) => {
      const wanted = new Set(ids);
      rescan((item) => wanted.has(item.id), 'identify');
    },
    [rescan],
  );

  const giveFeedback = useCallback(
    (itemId: number, faceIndex: number, verdict: FeedbackVerdict) => {
      const item = itemsRef.current.find((i) => i.id === itemId);
      const identified = item?.identified;
      const face = identified?.faces[faceIndex];
      if (!item || !identified || !face) return;
      const previous = item.feedback?.[faceIndex] ?? null;
      dispatch({ type: 'feedback', id: itemId, faceIndex, feedback: { verdict, sending: true } });
      const subjectId = face.candidates[0]?.subjectId;
      client
        .invoke('feedback.give', {
          historyId: identified.historyId,
          faceIndex,
          verdict,
          ...(subjectId ? { subjectId } : {}),
        })
        .then(
          () => dispatch({ type: 'feedback', id: itemId, faceIndex, feedback: { verdict, sending: false } }),
          (err: unknown) =>
            dispatch({
              type: 'feedback',
              id: itemId,
              faceIndex,
              feedback: previous
                ? { ...previous, sending: false, error: errorShapeOf(err) }
                : { verdict, sending: false, error: errorShapeOf(err) },
            }),
        );
    },
    [client, dispatch, itemsRef],
  );

  const cancel = useCallback(() => {
    for (const id of cancelQueued()) files.current.delete(id);
  }, [cancelQueued]);

  const clear = useCallback(() => {
    files.current.clear();
    clearQueue();
  }, [clearQueue]);

  const requestPicker = useCallback(() => {
    if (pickerListener.current) pickerListener.current();
    else pickerPending.current = true;
  }, []);

  const onPickerRequest = useCallback((listener: () => void) => {
    pickerListener.current = listener;
    if (pickerPending.current) {
      pickerPending.current = false;
      listener();
    }
    return () => {
      if (pickerListener.current === listener) pickerListener.current = null;
    };
  }, []);

  const value = useMemo<ScanContextValue>(
    () => ({
      items: state.items,
      mode,
      setMode,
      rescanInMode,
      identifyAgain,
      giveFeedback,
      progress: batchProgress(state, (item) => item.status === 'inspecting'),
      notice: state.notice,
      addFiles,
      cancel,
      clear,
      dismissNotice,
      requestPicker,
      onPickerRequest,
    }),
    [
      state,
      mode,
      setMode,
      rescanInMode,
      identifyAgain,
      giveFeedback,
      addFiles,
      cancel,
      clear,
      dismissNotice,
      requestPicker,
      onPickerRequest,
    ],
  );

  return <ScanContext.Provider value={value}>{children}</ScanContext.Provider>;
}

export function useScan(): ScanContextValue {
  const value = useContext(ScanContext);
  if (!value) throw new Error('useScan must be used inside <ScanProvider>');
  return value;
}
