import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ClassifyResult } from '../../../../shared/classify-schemas';
import type { ErrorShape } from '../../../../shared/errors';
import { useVigil } from '../../api/ClientProvider';
import { errorShapeOf } from '../../api/errors';
import i18n from '../../i18n';
import { selectForInspection, toImageSource, type PickedFile } from '../../lib/files';

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

interface State {
  items: ClassifyItem[];
  batchTotal: number;
  batchDone: number;
  running: boolean;
  stopping: boolean;
  notice: { skipped: number; cancelled: number; nothingToAdd: boolean } | null;
}

type Action =
  | { type: 'enqueue'; items: ClassifyItem[]; skipped: number }
  | { type: 'start'; id: number }
  | { type: 'settle'; id: number; patch: Partial<ClassifyItem> }
  | { type: 'feedback'; id: number; feedback: ClassifyFeedback | undefined }
  | { type: 'cancel'; ids: number[] }
  | { type: 'idle' }
  | { type: 'clear' }
  | { type: 'dismissNotice' };

const initialState: State = {
  items: [],
  batchTotal: 0,
  batchDone: 0,
  running: false,
  stopping: false,
  notice: null,
};

const patchItem = (items: ClassifyItem[], id: number, patch: Partial<ClassifyItem>) =>
  items.map((item) => (item.id === id ? { ...item, ...patch } : item));

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'enqueue':
      return {
        ...state,
        items: [...state.items, ...action.items],
        batchTotal: state.batchTotal + action.items.length,
        running: state.running || action.items.length > 0,
        stopping: false,
        notice:
          action.skipped > 0 || action.items.length === 0
            ? { skipped: action.skipped, cancelled: 0, nothingToAdd: action.items.length === 0 }
            : state.notice,
      };
    case 'start':
      return { ...state, items: patchItem(state.items, action.id, { status: 'running' }) };
    case 'settle':
      if (!state.items.some((item) => item.id === action.id)) return state; // cleared meanwhile
      return {
        ...state,
        batchDone: state.batchDone + 1,
        items: patchItem(state.items, action.id, action.patch),
      };
    case 'feedback':
      return { ...state, items: patchItem(state.items, action.id, { feedback: action.feedback }) };
    case 'cancel': {
      const removed = new Set(action.ids);
      return {
        ...state,
        items: state.items.filter((item) => !removed.has(item.id)),
        batchTotal: state.batchTotal - action.ids.length,
        stopping: state.running,
        notice:
          action.ids.length > 0 ? { skipped: 0, cancelled: action.ids.length, nothingToAdd: false } : null,
      };
    }
    case 'idle':
      return { ...state, running: false, stopping: false, batchTotal: 0, batchDone: 0 };
    case 'clear':
      return { ...initialState, running: state.running, stopping: state.running };
    case 'dismissNotice':
      return { ...state, notice: null };
  }
}

const OPTIONS_KEY = 'vigil.classify-options';

function readOptions(): ClassifyOptions {
  const fallback: ClassifyOptions = { model: null, objects: true, faces: true };
  try {
    const stored = JSON.parse(
      window.localStorage.getItem(OPTIONS_KEY) ?? 'null',
    ) as Partial<ClassifyOptions> | null;
    return {
      model: typeof stored?.model === 'string' ? stored.model : null,
      objects: typeof stored?.objects === 'boolean' ? stored.objects : true,
      faces: typeof stored?.faces === 'boolean' ? stored.faces : true,
    };
  } catch {
    return fallback;
  }
}

export interface ClassifyContextValue {
  items: ClassifyItem[];
  options: ClassifyOptions;
  setOptions(patch: Partial<ClassifyOptions>): void;
  progress: {
    running: boolean;
    stopping: boolean;
    done: number;
    total: number;
    current: ClassifyItem | null;
  };
  notice: State['notice'];
  addFiles(picked: readonly PickedFile[]): void;
  cancel(): void;
  clear(): void;
  dismissNotice(): void;
  giveFeedback(itemId: number, verdict: 'correct' | 'wrong', label?: string): void;
}

const ClassifyContext = createContext<ClassifyContextValue | null>(null);

/**
 * The Classify queue and its results, above the pages so switching pages keeps both. Photos go
 * one at a time (each is one history job); cancel drops those not yet sent.
 */
export function ClassifyProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const [state, dispatch] = useReducer(reducer, initialState);
  const [options, setOptionsState] = useState<ClassifyOptions>(readOptions);
  const pending = useRef<Array<{ id: number; file: File; options: ClassifyOptions }>>([]);
  const running = useRef(false);
  const nextId = useRef(1);
  const itemsRef = useRef<ClassifyItem[]>([]);
  useEffect(() => {
    itemsRef.current = state.items;
  }, [state.items]);

  const drain = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    try {
      for (let next = pending.current.shift(); next; next = pending.current.shift()) {
        const { id, file, options: opts } = next;
        dispatch({ type: 'start', id });
        let source;
        try {
          source = await toImageSource(file);
        } catch {
          dispatch({
            type: 'settle',
            id,
            patch: { status: 'error', error: { code: 'FILE_NOT_FOUND', message: i18n.t('scan.readFailed') } },
          });
          continue;
        }
        try {
          const result = await client.invoke('classify.run', {
            source,
            objects: opts.objects,
            faces: opts.faces,
            ...(opts.model ? { model: opts.model } : {}),
          });
          dispatch({ type: 'settle', id, patch: { status: 'done', result, historyId: result.historyId } });
        } catch (err) {
          const error = errorShapeOf(err);
          const historyId = (err as { details?: { historyId?: unknown } }).details?.historyId;
          dispatch({
            type: 'settle',
            id,
            patch: { status: 'error', error, ...(typeof historyId === 'string' ? { historyId } : {}) },
          });
        }
      }
    } finally {
      running.current = false;
      dispatch({ type: 'idle' });
    }
  }, [client]);

  const addFiles = useCallback(
    (picked: readonly PickedFile[]) => {
      const { keep, skipped } = selectForInspection(picked);
      const items: ClassifyItem[] = keep.map((p) => ({
        id: nextId.current++,
        name: p.file.name,
        relativePath: p.relativePath,
        status: 'queued',
      }));
      keep.forEach((p, i) => pending.current.push({ id: items[i]!.id, file: p.file, options }));
      dispatch({ type: 'enqueue', items, skipped });
      if (items.length > 0) void drain();
    },
    [drain, options],
  );

  const setOptions = useCallback((patch: Partial<ClassifyOptions>) => {
    setOptionsState((prev) => {
      const next = { ...prev, ...patch };
      try {
        window.localStorage.setItem(OPTIONS_KEY, JSON.stringify(next));
      } catch {
        // Without storage the choice lasts for this session.
      }
      return next;
    });
  }, []);

  const cancel = useCallback(() => {
    const ids = pending.current.map((p) => p.id);
    pending.current = [];
    dispatch({ type: 'cancel', ids });
  }, []);

  const clear = useCallback(() => {
    pending.current = [];
    dispatch({ type: 'clear' });
  }, []);

  const giveFeedback = useCallback(
    (itemId: number, verdict: 'correct' | 'wrong', label?: string) => {
      const item = itemsRef.current.find((i) => i.id === itemId);
      if (!item?.historyId) return;
      const previous = item.feedback;
      const trimmed = label?.trim();
      const feedback = { verdict, ...(trimmed ? { label: trimmed } : {}) };
      dispatch({ type: 'feedback', id: itemId, feedback: { ...feedback, sending: true } });
      client.invoke('feedback.give', { historyId: item.historyId, ...feedback }).then(
        () => dispatch({ type: 'feedback', id: itemId, feedback: { ...feedback, sending: false } }),
        (err: unknown) =>
          dispatch({
            type: 'feedback',
            id: itemId,
            feedback: { ...(previous ?? feedback), sending: false, error: errorShapeOf(err) },
          }),
      );
    },
    [client],
  );

  const dismissNotice = useCallback(() => dispatch({ type: 'dismissNotice' }), []);
  const current = state.items.find((item) => item.status === 'running') ?? null;

  const value = useMemo<ClassifyContextValue>(
    () => ({
      items: state.items,
      options,
      setOptions,
      progress: {
        running: state.running,
        stopping: state.stopping,
        done: state.batchDone,
        total: state.batchTotal,
        current,
      },
      notice: state.notice,
      addFiles,
      cancel,
      clear,
      dismissNotice,
      giveFeedback,
    }),
    [state, options, setOptions, current, addFiles, cancel, clear, dismissNotice, giveFeedback],
  );
  return <ClassifyContext.Provider value={value}>{children}</ClassifyContext.Provider>;
}

export function useClassify(): ClassifyContextValue {
  const value = useContext(ClassifyContext);
  if (!value) throw new Error('useClassify must be used inside <ClassifyProvider>');
  return value;
}
