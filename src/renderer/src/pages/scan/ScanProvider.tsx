import { createContext, useCallback, useContext, useMemo, useReducer, useRef, type ReactNode } from 'react';
import type { ErrorShape } from '../../../../shared/errors';
import type { ImageSource, InspectResult } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { errorShapeOf } from '../../api/errors';
import i18n from '../../i18n';
import { selectForInspection, toImageSource, type PickedFile } from './files';

export type ScanStatus = 'queued' | 'inspecting' | 'done' | 'error';

export interface ScanItem {
  id: number;
  name: string;
  relativePath: string;
  status: ScanStatus;
  result?: InspectResult;
  error?: ErrorShape;
}

export interface ScanNotice {
  skipped: number;
  cancelled: number;
  /** Something was dropped but nothing in it could be sent. */
  nothingToAdd: boolean;
}

interface State {
  items: ScanItem[];
  /** Files in the current run (since the queue was last idle) and how many have finished. */
  batchTotal: number;
  batchDone: number;
  running: boolean;
  stopping: boolean;
  notice: ScanNotice | null;
}

type Action =
  | { type: 'enqueue'; items: ScanItem[]; skipped: number }
  | { type: 'start'; id: number }
  | { type: 'done'; id: number; result: InspectResult }
  | { type: 'fail'; id: number; error: ErrorShape }
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

function settle(state: State, id: number, patch: Partial<ScanItem>): State {
  if (!state.items.some((item) => item.id === id)) return state; // cleared while in flight
  return {
    ...state,
    batchDone: state.batchDone + 1,
    items: state.items.map((item) => (item.id === id ? { ...item, ...patch } : item)),
  };
}

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
      return {
        ...state,
        items: state.items.map((item) => (item.id === action.id ? { ...item, status: 'inspecting' } : item)),
      };
    case 'done':
      return settle(state, action.id, { status: 'done', result: action.result });
    case 'fail':
      return settle(state, action.id, { status: 'error', error: action.error });
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

export interface ScanContextValue {
  items: ScanItem[];
  progress: { running: boolean; stopping: boolean; done: number; total: number; current: ScanItem | null };
  notice: ScanNotice | null;
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
 * loses results nor stops the queue. Photos are sent one at a time; cancel drops the ones not
 * yet sent (the one in flight finishes and is shown).
 */
export function ScanProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const [state, dispatch] = useReducer(reducer, initialState);
  const pending = useRef<Array<{ id: number; file: File }>>([]);
  const running = useRef(false);
  const nextId = useRef(1);
  const pickerListener = useRef<(() => void) | null>(null);
  const pickerPending = useRef(false);

  const drain = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    try {
      for (let next = pending.current.shift(); next; next = pending.current.shift()) {
        const { id, file } = next;
        dispatch({ type: 'start', id });
        let source: ImageSource;
        try {
          source = await toImageSource(file);
        } catch {
          dispatch({
            type: 'fail',
            id,
            error: { code: 'FILE_NOT_FOUND', message: i18n.t('scan.readFailed') },
          });
          continue;
        }
        try {
          const result = await client.invoke('image.inspect', { source });
          dispatch({ type: 'done', id, result });
        } catch (err) {
          dispatch({ type: 'fail', id, error: errorShapeOf(err) });
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
      const items: ScanItem[] = keep.map((p) => ({
        id: nextId.current++,
        name: p.file.name,
        relativePath: p.relativePath,
        status: 'queued',
      }));
      keep.forEach((p, i) => {
        const item = items[i];
        if (item) pending.current.push({ id: item.id, file: p.file });
      });
      dispatch({ type: 'enqueue', items, skipped });
      if (items.length > 0) void drain();
    },
    [drain],
  );

  const cancel = useCallback(() => {
    const ids = pending.current.map((p) => p.id);
    pending.current = [];
    dispatch({ type: 'cancel', ids });
  }, []);

  const clear = useCallback(() => {
    pending.current = [];
    dispatch({ type: 'clear' });
  }, []);

  const dismissNotice = useCallback(() => dispatch({ type: 'dismissNotice' }), []);

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

  const current = state.items.find((item) => item.status === 'inspecting') ?? null;
  const value = useMemo<ScanContextValue>(
    () => ({
      items: state.items,
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
      requestPicker,
      onPickerRequest,
    }),
    [state, current, addFiles, cancel, clear, dismissNotice, requestPicker, onPickerRequest],
  );

  return <ScanContext.Provider value={value}>{children}</ScanContext.Provider>;
}

export function useScan(): ScanContextValue {
  const value = useContext(ScanContext);
  if (!value) throw new Error('useScan must be used inside <ScanProvider>');
  return value;
}
