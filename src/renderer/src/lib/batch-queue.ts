import type { TFunction } from 'i18next';

/**
 * The state of a page's photo queue (Scan, Classify): the photos on screen, the current run's
 * progress and the notice about the last drop or cancel. The pages add their own actions on top
 * and hand every other one to `batchReducer`.
 */
export interface BatchItemBase {
  id: number;
}

export interface BatchNotice {
  skipped: number;
  cancelled: number;
  /** Something was dropped but nothing in it could be sent. */
  nothingToAdd: boolean;
}

export interface BatchState<T extends BatchItemBase> {
  items: T[];
  /** Files in the current run (since the queue was last idle) and how many have finished. */
  batchTotal: number;
  batchDone: number;
  running: boolean;
  stopping: boolean;
  notice: BatchNotice | null;
}

export interface BatchProgress<T> {
  running: boolean;
  stopping: boolean;
  done: number;
  total: number;
  current: T | null;
}

export type BatchAction<T extends BatchItemBase> =
  | { type: 'enqueue'; items: T[]; skipped: number }
  /** Queue photos already on screen again, resetting them with `patch`. */
  | { type: 'requeue'; ids: number[]; patch: Partial<T> }
  /** Change an item without counting it as finished (e.g. it started). */
  | { type: 'patch'; id: number; patch: Partial<T> }
  /** An item finished (done or failed): it counts towards the run's progress. */
  | { type: 'settle'; id: number; patch: Partial<T> }
  | { type: 'cancel'; ids: number[] }
  | { type: 'idle' }
  | { type: 'clear' }
  | { type: 'dismissNotice' };

export function emptyBatch<T extends BatchItemBase>(): BatchState<T> {
  return { items: [], batchTotal: 0, batchDone: 0, running: false, stopping: false, notice: null };
}

const patchItem = <T extends BatchItemBase>(items: T[], id: number, patch: Partial<T>): T[] =>
  items.map((item) => (item.id === id ? { ...item, ...patch } : item));

export function batchReducer<T extends BatchItemBase>(
  state: BatchState<T>,
  action: BatchAction<T>,
): BatchState<T> {
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
    case 'requeue': {
      const ids = new Set(action.ids);
      return {
        ...state,
        items: state.items.map((item) => (ids.has(item.id) ? { ...item, ...action.patch } : item)),
        batchTotal: state.batchTotal + action.ids.length,
        running: state.running || action.ids.length > 0,
        stopping: false,
      };
    }
    case 'patch':
      return { ...state, items: patchItem(state.items, action.id, action.patch) };
    case 'settle':
      if (!state.items.some((item) => item.id === action.id)) return state; // cleared while in flight
      return {
        ...state,
        batchDone: state.batchDone + 1,
        items: patchItem(state.items, action.id, action.patch),
      };
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
      // The photo in flight still finishes: the queue stays running (and stopping) until idle.
      return { ...emptyBatch<T>(), running: state.running, stopping: state.running };
    case 'dismissNotice':
      return { ...state, notice: null };
  }
}

/** The progress the page shows; `current` is the item `isCurrent` picks (the one in flight). */
export function batchProgress<T extends BatchItemBase>(
  state: BatchState<T>,
  isCurrent: (item: T) => boolean,
): BatchProgress<T> {
  return {
    running: state.running,
    stopping: state.stopping,
    done: state.batchDone,
    total: state.batchTotal,
    current: state.items.find(isCurrent) ?? null,
  };
}

/** The i18n namespaces that hold a batch page's shared texts (same keys in each). */
export type BatchNs = 'scan' | 'classify';

/** The sentences of a drop/cancel notice, in the page's words; empty when there is nothing to say. */
export function noticeLines(notice: BatchNotice, t: TFunction, ns: BatchNs): string[] {
  return [
    notice.nothingToAdd ? t(`${ns}.noImagesInDrop`) : '',
    notice.skipped > 0 ? t(`${ns}.skipped`, { count: notice.skipped }) : '',
    notice.cancelled > 0 ? t(`${ns}.cancelled`, { count: notice.cancelled }) : '',
  ].filter(Boolean);
}
