import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  batchProgress,
  batchReducer,
  emptyBatch,
  noticeLines,
  type BatchAction,
  type BatchState,
} from './batch-queue';

interface Item {
  id: number;
  status: 'queued' | 'running' | 'done' | 'error';
  note?: string;
}

const item = (id: number): Item => ({ id, status: 'queued' });

function run(actions: BatchAction<Item>[], from: BatchState<Item> = emptyBatch<Item>()): BatchState<Item> {
  return actions.reduce(batchReducer<Item>, from);
}

describe('batchReducer', () => {
  it('counts a run from enqueue to idle, settling each item once', () => {
    let state = run([{ type: 'enqueue', items: [item(1), item(2)], skipped: 0 }]);
    expect(state).toMatchObject({
      batchTotal: 2,
      batchDone: 0,
      running: true,
      stopping: false,
      notice: null,
    });
    state = run(
      [
        { type: 'patch', id: 1, patch: { status: 'running' } },
        { type: 'settle', id: 1, patch: { status: 'done', note: 'ok' } },
      ],
      state,
    );
    expect(state.batchDone).toBe(1);
    expect(state.items[0]).toEqual({ id: 1, status: 'done', note: 'ok' });
    expect(batchProgress(state, (i) => i.status === 'running')).toEqual({
      running: true,
      stopping: false,
      done: 1,
      total: 2,
      current: null,
    });
    state = run([{ type: 'patch', id: 2, patch: { status: 'running' } }], state);
    expect(batchProgress(state, (i) => i.status === 'running').current?.id).toBe(2);
    state = run([{ type: 'idle' }], state);
    expect(state).toMatchObject({ batchTotal: 0, batchDone: 0, running: false, stopping: false });
    expect(state.items).toHaveLength(2);
  });

  it('notes skipped files and a drop with nothing to add, and keeps an earlier notice otherwise', () => {
    const skipped = run([{ type: 'enqueue', items: [item(1)], skipped: 3 }]);
    expect(skipped.notice).toEqual({ skipped: 3, cancelled: 0, nothingToAdd: false });
    const nothing = run([{ type: 'enqueue', items: [], skipped: 0 }]);
    expect(nothing.notice).toEqual({ skipped: 0, cancelled: 0, nothingToAdd: true });
    expect(nothing.running).toBe(false);
    expect(run([{ type: 'enqueue', items: [item(2)], skipped: 0 }], skipped).notice).toEqual(skipped.notice);
    expect(run([{ type: 'dismissNotice' }], skipped).notice).toBeNull();
  });

  it('cancel drops the items not yet sent and stops a running queue', () => {
    const state = run([
      { type: 'enqueue', items: [item(1), item(2), item(3)], skipped: 0 },
      { type: 'patch', id: 1, patch: { status: 'running' } },
      { type: 'cancel', ids: [2, 3] },
    ]);
    expect(state.items.map((i) => i.id)).toEqual([1]);
    expect(state).toMatchObject({ batchTotal: 1, stopping: true, running: true });
    expect(state.notice).toEqual({ skipped: 0, cancelled: 2, nothingToAdd: false });
    // Nothing was waiting: no notice, and an idle queue does not start "stopping".
    expect(run([{ type: 'cancel', ids: [] }]).notice).toBeNull();
    expect(run([{ type: 'cancel', ids: [] }]).stopping).toBe(false);
  });

  it('clear empties the list but lets the item in flight finish, unseen', () => {
    let state = run([
      { type: 'enqueue', items: [item(1), item(2)], skipped: 1 },
      { type: 'patch', id: 1, patch: { status: 'running' } },
      { type: 'clear' },
    ]);
    expect(state).toEqual({ ...emptyBatch<Item>(), running: true, stopping: true });
    const cleared = state;
    state = run([{ type: 'settle', id: 1, patch: { status: 'done' } }], state);
    expect(state).toBe(cleared);
    expect(run([{ type: 'clear' }]).stopping).toBe(false);
  });

  it('requeue resets items already on screen and adds them to the run', () => {
    const state = run([
      { type: 'enqueue', items: [item(1), item(2)], skipped: 0 },
      { type: 'settle', id: 1, patch: { status: 'done', note: 'first' } },
      { type: 'settle', id: 2, patch: { status: 'error' } },
      { type: 'idle' },
      { type: 'requeue', ids: [1], patch: { status: 'queued', note: undefined } },
    ]);
    expect(state.items).toEqual([
      { id: 1, status: 'queued', note: undefined },
      { id: 2, status: 'error' },
    ]);
    expect(state).toMatchObject({ batchTotal: 1, batchDone: 0, running: true, stopping: false });
  });
});

describe('noticeLines', () => {
  const t = ((key: string, options?: { count?: number }) =>
    options?.count === undefined ? key : `${key}:${options.count}`) as unknown as TFunction;

  it('says each thing that happened, in the page namespace', () => {
    expect(noticeLines({ skipped: 2, cancelled: 0, nothingToAdd: false }, t, 'scan')).toEqual([
      'scan.skipped:2',
    ]);
    expect(noticeLines({ skipped: 1, cancelled: 0, nothingToAdd: true }, t, 'classify')).toEqual([
      'classify.noImagesInDrop',
      'classify.skipped:1',
    ]);
    expect(noticeLines({ skipped: 0, cancelled: 4, nothingToAdd: false }, t, 'scan')).toEqual([
      'scan.cancelled:4',
    ]);
    expect(noticeLines({ skipped: 0, cancelled: 0, nothingToAdd: false }, t, 'scan')).toEqual([]);
  });
});
