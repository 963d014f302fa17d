import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { z } from 'zod';
import type { ClassifyResult } from '../../../../shared/classify-schemas';
import type { ErrorShape } from '../../../../shared/errors';
import { useVigil } from '../../api/ClientProvider';
import { useEngineSlots } from '../../api/queries';
import { errorShapeOf } from '../../api/errors';
import { batchProgress, batchReducer, type BatchNotice, type BatchProgress } from '../../lib/batch-queue';
import type { PickedFile } from '../../lib/files';
import { local, useStored } from '../../lib/stored';
import { useBatchQueue, type QueuedJob } from '../../lib/use-batch-queue';

export type ClassifyStatus = 'queued' | 'running' | 'done' | 'error';

export interface ClassifyFeedback {
  verdict: 'correct' | 'wrong';
  label?: string;
  sending: boolean;
  error?: ErrorShape;
}

export interface ClassifyItem {
  id: number;
  name: string;
  relativePath: string;
  status: ClassifyStatus;
  result?: ClassifyResult;
  error?: ErrorShape;
  /** The history record of the run (a failed run has one too). */
  historyId?: string;
  feedback?: ClassifyFeedback;
}

export interface ClassifyOptions {
  /** null: the default model (Settings). */
  model: string | null;
  objects: boolean;
  faces: boolean;
}

const OPTIONS_KEY = 'vigil.classify-options';

const DEFAULT_OPTIONS: ClassifyOptions = { model: null, objects: true, faces: true };
/** Each option read on its own: one unreadable field does not reset the others. */
const optionsSchema = z.object({
  model: z.string().nullable().catch(DEFAULT_OPTIONS.model),
  objects: z.boolean().catch(DEFAULT_OPTIONS.objects),
  faces: z.boolean().catch(DEFAULT_OPTIONS.faces),
});

export interface ClassifyContextValue {
  items: ClassifyItem[];
  options: ClassifyOptions;
  setOptions(patch: Partial<ClassifyOptions>): void;
  progress: BatchProgress<ClassifyItem>;
  notice: BatchNotice | null;
  addFiles(picked: readonly PickedFile[]): void;
  cancel(): void;
  clear(): void;
  dismissNotice(): void;
  giveFeedback(itemId: number, verdict: 'correct' | 'wrong', label?: string): void;
}

interface ClassifyJob extends QueuedJob {
  options: ClassifyOptions;
  /** What the table calls the photo (`folder/name` from a folder): its history and exports too. */
  relativePath: string;
}

const ClassifyContext = createContext<ClassifyContextValue | null>(null);

/**
 * The Classify queue and its results, above the pages so switching pages keeps both. Each photo
 * is one history job, one per engine worker at a time; cancel drops those not yet sent.
 */
export function ClassifyProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const slots = useEngineSlots();
  const [options, setStoredOptions] = useStored<ClassifyOptions>(
    local,
    OPTIONS_KEY,
    optionsSchema,
    DEFAULT_OPTIONS,
  );
  const queue = useBatchQueue<ClassifyItem, ClassifyJob>({
    reducer: batchReducer<ClassifyItem>,
    started: { status: 'running' },
    run: async ({ options: opts, relativePath }, source) => {
      const result = await client.invoke('classify.run', {
        // Uploaded bytes carry only the base name; a desktop path is already complete.
        source: 'bytes' in source && relativePath.length <= 1024 ? { ...source, name: relativePath } : source,
        objects: opts.objects,
        faces: opts.faces,
        ...(opts.model ? { model: opts.model } : {}),
      });
      return { status: 'done', result, historyId: result.historyId };
    },
    concurrency: slots,
    failed: (error, cause) => {
      // A failed run has a history record too.
      const historyId = (cause as { details?: { historyId?: unknown } } | undefined)?.details?.historyId;
      return { status: 'error', error, ...(typeof historyId === 'string' ? { historyId } : {}) };
    },
  });
  const { state, dispatch, itemsRef, enqueue, cancel, clear, dismissNotice } = queue;

  const addFiles = useCallback(
    (picked: readonly PickedFile[]) =>
      enqueue(
        picked,
        (p, id) => ({ id, name: p.file.name, relativePath: p.relativePath, status: 'queued' }),
        (p, item) => ({ id: item.id, file: p.file, options, relativePath: p.relativePath }),
      ),
    [enqueue, options],
  );

  const setOptions = useCallback(
    (patch: Partial<ClassifyOptions>) => {
      setStoredOptions((prev) => ({ ...prev, ...patch }));
    },
    [setStoredOptions],
  );

  const giveFeedback = useCallback(
    (itemId: number, verdict: 'correct' | 'wrong', label?: string) => {
      const item = itemsRef.current.find((i) => i.id === itemId);
      if (!item?.historyId) return;
      const previous = item.feedback;
      const trimmed = label?.trim();
      const feedback = { verdict, ...(trimmed ? { label: trimmed } : {}) };
      dispatch({ type: 'patch', id: itemId, patch: { feedback: { ...feedback, sending: true } } });
      client.invoke('feedback.give', { historyId: item.historyId, ...feedback }).then(
        () => dispatch({ type: 'patch', id: itemId, patch: { feedback: { ...feedback, sending: false } } }),
        (err: unknown) =>
          dispatch({
            type: 'patch',
            id: itemId,
            patch: { feedback: { ...(previous ?? feedback), sending: false, error: errorShapeOf(err) } },
          }),
      );
    },
    [client, dispatch, itemsRef],
  );

  const value = useMemo<ClassifyContextValue>(
    () => ({
      items: state.items,
      options,
      setOptions,
      progress: batchProgress(state, (item) => item.status === 'running'),
      notice: state.notice,
      addFiles,
      cancel,
      clear,
      dismissNotice,
      giveFeedback,
    }),
    [state, options, setOptions, addFiles, cancel, clear, dismissNotice, giveFeedback],
  );
  return <ClassifyContext.Provider value={value}>{children}</ClassifyContext.Provider>;
}

export function useClassify(): ClassifyContextValue {
  const value = useContext(ClassifyContext);
  if (!value) throw new Error('useClassify must be used inside <ClassifyProvider>');
  return value;
}
