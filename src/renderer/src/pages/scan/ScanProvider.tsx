import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { VigilError, type ErrorShape } from '../../../../shared/errors';
import type { ChannelOutput } from '../../../../shared/contract';
import type { IdentifyResult } from '../../../../shared/match-schemas';
import type { InspectResult } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { useQueryClient } from '@tanstack/react-query';
import { queryKeys, useEngineSlots } from '../../api/queries';
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
import { useLeaveWarning } from '../../lib/use-leave-warning';
import { useNavigation } from '../../navigation';
import {
  differsFrom,
  SCAN_MODES,
  stillScanning,
  targetForNew,
  type ScanMode,
  type ScanStatus,
  type ScanTarget,
} from './scan-target';

export { SCAN_MODES, type ScanMode, type ScanStatus } from './scan-target';
export type VerifyResult = ChannelOutput<'match.verify'>;

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
  /** Verify mode: the subject the photo was (or will be) checked against, and its name then. */
  subjectId: string | null;
  subjectName?: string;
  verified?: VerifyResult;
  error?: ErrorShape;
  /** Feedback given per face index (identify mode). */
  feedback?: Record<number, FaceFeedback>;
}

const MODE_KEY = 'vigil.scan-mode';
const modeSchema = z.enum(SCAN_MODES);
const SUBJECT_KEY = 'vigil.scan-verify-subject';
const subjectSchema = z.object({ id: z.string().min(1), name: z.string() }).nullable();

/** The queue's state, plus the feedback given on identified faces. */
type FeedbackAction = { type: 'feedback'; id: number; faceIndex: number; feedback: FaceFeedback | null };
type Action = BatchAction<ScanItem> | FeedbackAction;

interface ScanJob extends QueuedJob, ScanTarget {
  subjectName?: string;
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
  /** Verify mode: the subject looked for in the photos added next (null: none picked yet). */
  subject: { id: string; name: string } | null;
  setSubject(subject: { id: string; name: string } | null): void;
  /** Photos dropped in verify mode before a subject was picked (not added); 0 when none. */
  refusedForNoSubject: number;
  /** Opens the Scan page in verify mode, looking for this subject (from the Watchlist page). */
  lookFor(subject: { id: string; name: string }): void;
  /** Scans again, for the page's current question, the photos asked another one. */
  rescanInMode(): void;
  /** Judges these photos again, each in its own mode (their verdicts used thresholds changed since). */
  judgeAgain(ids: readonly number[]): void;
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

type ScanJobTarget = ScanTarget & { subjectName?: string };

/**
 * The subject looked for, deleted after the photo was added (the core's NOT_FOUND names its id):
 * its name, which only this page still knows, is added for the card to say who is gone
 * (errorText); null for any other error.
 */
function subjectGone(err: unknown, subjectId: string, name: string | undefined): VigilError | null {
  const { code, message, details } = errorShapeOf(err);
  if (code !== 'NOT_FOUND' || details?.subjectId !== subjectId) return null;
  return new VigilError(code, message, { ...details, subjectName: name ?? '' });
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
  const { go } = useNavigation();
  const queryClient = useQueryClient();
  const [mode, setModeStored] = useStored<ScanMode>(local, MODE_KEY, modeSchema, 'inspect');
  const [subject, setSubjectStored] = useStored(local, SUBJECT_KEY, subjectSchema, null);
  const [refusedForNoSubject, setRefused] = useState(0);
  const subjectId = subject?.id ?? null;
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
    run: async ({ mode: itemMode, subjectId: lookFor, subjectName }, source) => {
      if (itemMode === 'verify' && lookFor) {
        const verified = await client
          .invoke('match.verify', { subjectId: lookFor, source })
          .catch((err: unknown) => {
            const gone = subjectGone(err, lookFor, subjectName);
            if (!gone) throw err;
            // The picker then lets go of the subject, so no more photos are sent for it.
            void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
            throw gone;
          });
        return { status: 'done', verified };
      }
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
  // A reload would lose the photos not scanned yet (those done are in History): it asks first.
  useLeaveWarning(stillScanning(state.items));
  /** Every file still on screen, so a photo can be scanned again in the other mode. */
  const files = useRef(new Map<number, File>());
  const pickerListener = useRef<(() => void) | null>(null);
  const pickerPending = useRef(false);

  const setMode = useCallback(
    (next: ScanMode) => {
      setModeStored(next);
      setRefused(0);
    },
    [setModeStored],
  );

  const setSubject = useCallback(
    (next: { id: string; name: string } | null) => {
      setSubjectStored(next);
      if (next) setRefused(0);
    },
    [setSubjectStored],
  );

  const addFiles = useCallback(
    (picked: readonly PickedFile[]) => {
      const target = targetForNew(mode, subjectId);
      // Nothing to ask yet: said beside the subject picker rather than dropped in silence.
      if (!target) {
        setRefused(picked.length);
        return;
      }
      setRefused(0);
      const subjectName = target.subjectId ? subject?.name : undefined;
      enqueue(
        picked,
        (p, id) => ({
          id,
          name: p.file.name,
          relativePath: p.relativePath,
          ...target,
          subjectName,
          status: 'queued',
        }),
        (p, item) => {
          files.current.set(item.id, p.file);
          return { id: item.id, file: p.file, ...target, subjectName };
        },
      );
    },
    [enqueue, mode, subjectId, subject?.name],
  );

  /** Scans again the photos `pick` chooses, each asked `to(item)`, except those queued or in flight. */
  const rescan = useCallback(
    (pick: (item: ScanItem) => boolean, to: (item: ScanItem) => ScanJobTarget) => {
      const queued = queuedIds();
      // One requeue per question, as each resets its items to that question.
      const groups = new Map<string, { target: ScanJobTarget; jobs: ScanJob[] }>();
      for (const item of itemsRef.current) {
        const file = files.current.get(item.id);
        if (!pick(item) || !file || queued.has(item.id) || item.status === 'inspecting') continue;
        const target = to(item);
        const key = `${target.mode}:${target.subjectId ?? ''}`;
        const group = groups.get(key) ?? { target, jobs: [] };
        group.jobs.push({ id: item.id, file, ...target });
        groups.set(key, group);
      }
      for (const { target, jobs } of groups.values()) {
        requeue(jobs, {
          ...target,
          status: 'queued',
          result: undefined,
          identified: undefined,
          verified: undefined,
          error: undefined,
          feedback: undefined,
        });
      }
    },
    [itemsRef, queuedIds, requeue],
  );

  const rescanInMode = useCallback(() => {
    const now = targetForNew(mode, subjectId);
    if (!now) return;
    const subjectName = now.subjectId ? subject?.name : undefined;
    rescan(
      (item) => differsFrom(item, now) !== null,
      () => ({ ...now, subjectName }),
    );
  }, [rescan, mode, subjectId, subject?.name]);

  const judgeAgain = useCallback(
    (ids: readonly number[]) => {
      const wanted = new Set(ids);
      rescan(
        (item) => wanted.has(item.id),
        (item) => ({ mode: item.mode, subjectId: item.subjectId, subjectName: item.subjectName }),
      );
    },
    [rescan],
  );

  const lookFor = useCallback(
    (next: { id: string; name: string }) => {
      setMode('verify');
      setSubject(next);
      go('scan');
    },
    [go, setMode, setSubject],
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
      subject,
      setSubject,
      refusedForNoSubject,
      lookFor,
      rescanInMode,
      judgeAgain,
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
      subject,
      setSubject,
      refusedForNoSubject,
      lookFor,
      rescanInMode,
      judgeAgain,
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
