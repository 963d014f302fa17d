import { useQueryClient } from '@tanstack/react-query';
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
import {
  blurDefaultsFrom,
  DEFAULT_BLUR,
  OUTPUT_ERROR_CODES,
  type BlurExportInput,
  type BlurExportResult,
  type BlurFormat,
  type BlurShape,
  type BlurStyle,
} from '../../../../shared/blur-schemas';
import { z } from 'zod';
import type { ErrorShape } from '../../../../shared/errors';
import type { Box } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { errorShapeOf } from '../../api/errors';
import { queryKeys, useEngineSlots, useSettings } from '../../api/queries';
import i18n from '../../i18n';
import {
  clampBox,
  fromDetected,
  mergeRedetected,
  toCoreRegions,
  type EditRegion,
} from '../../lib/blur-regions';
import { selectForInspection, toImageSource, type PickedFile } from '../../lib/files';
import { useRunners } from '../../lib/use-runners';
import { useLeaveWarning } from '../../lib/use-leave-warning';
import { local, readStored, writeStored } from '../../lib/stored';

export type DetectStatus = 'queued' | 'detecting' | 'ready' | 'error';
/** `unreadable`: detection already found the file unreadable, so the batch left it out. */
export type ExportStatus = 'queued' | 'exporting' | 'done' | 'error' | 'cancelled' | 'unreadable';

export interface BlurItem {
  id: number;
  name: string;
  relativePath: string;
  status: DetectStatus;
  /** Size after EXIF orientation (the boxes' space), once detected. */
  width?: number;
  height?: number;
  regions: EditRegion[];
  /** The smallest face (px) its detection looked for, once detected. */
  minFace?: number;
  /** Waiting to be looked at again (its current regions stay usable meanwhile). */
  again?: boolean;
  /** When its last detection started (ms): faces are matched to the watchlist as it was then. */
  detectedAt?: number;
  error?: ErrorShape;
  exported?: { status: ExportStatus; result?: BlurExportResult; error?: ErrorShape };
}

export interface BlurOptions {
  thresh: number;
  /** Smallest face (px) the detection of photos added from now on looks for. */
  minFace: number;
  keep: string[];
  style: BlurStyle;
  shape: BlurShape;
  scale: number;
  format: BlurFormat;
  quality: number;
  pattern: string;
  outDir: string;
}

export interface ExportBatch {
  running: boolean;
  stopping: boolean;
  /** Photos the batch exports (those detection found unreadable are not among them). */
  total: number;
  done: number;
  failed: number;
  /** Photos left out because detection could not read them. */
  unreadable: number;
  startedAt: number;
  /** Wall-clock milliseconds per finished photo so far, for the ETA. */
  msPerPhoto: number | null;
  currentId: number | null;
  /** A problem with the output folder or name pattern: the batch stopped at once. */
  fatal: ErrorShape | null;
  finished: boolean;
}

interface State {
  items: BlurItem[];
  selectedId: number | null;
  skipped: number;
  batch: ExportBatch | null;
}

type Action =
  | { type: 'enqueue'; items: BlurItem[]; skipped: number }
  | { type: 'detecting'; id: number }
  | {
      type: 'detected';
      id: number;
      width: number;
      height: number;
      regions: EditRegion[];
      minFace: number;
      at: number;
    }
  | { type: 'detectFailed'; id: number; error: ErrorShape }
  | { type: 'again'; ids: number[] }
  | { type: 'select'; id: number | null }
  | { type: 'regions'; id: number; update: (regions: EditRegion[]) => EditRegion[] }
  | { type: 'exportStart'; ids: number[]; unreadable: number[] }
  | { type: 'exporting'; id: number }
  | { type: 'exported'; id: number; result: BlurExportResult; at: number }
  | { type: 'exportFailed'; id: number; error: ErrorShape; at: number }
  | { type: 'exportFatal'; error: ErrorShape }
  | { type: 'exportStopping' }
  | { type: 'exportEnd' }
  | { type: 'dismissBatch' }
  | { type: 'remove'; id: number }
  | { type: 'clear' };

const initialState: State = { items: [], selectedId: null, skipped: 0, batch: null };

function patchItem(state: State, id: number, patch: (item: BlurItem) => Partial<BlurItem>): State {
  return { ...state, items: state.items.map((it) => (it.id === id ? { ...it, ...patch(it) } : it)) };
}

function finishOne(batch: ExportBatch | null, id: number, at: number, failed: boolean): ExportBatch | null {
  if (!batch) return batch;
  const done = batch.done + 1;
  return {
    ...batch,
    done,
    failed: batch.failed + (failed ? 1 : 0),
    // Wall time per finished photo: right for the ETA however many photos are in flight.
    msPerPhoto: Math.max(0, at - batch.startedAt) / done,
    currentId: batch.currentId === id ? null : batch.currentId,
  };
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'enqueue':
      return {
        ...state,
        items: [...state.items, ...action.items],
        selectedId: state.selectedId ?? action.items[0]?.id ?? null,
        skipped: action.skipped,
      };
    case 'detecting':
      // A photo looked at again stays ready: its regions and edits stay on screen and usable.
      return patchItem(state, action.id, (it) => (it.minFace === undefined ? { status: 'detecting' } : {}));
    case 'detected':
      return patchItem(state, action.id, (it) => ({
        status: 'ready',
        width: action.width,
        height: action.height,
        // Looked at again: the user's edits carry over to the new detections.
        regions: it.minFace === undefined ? action.regions : mergeRedetected(it.regions, action.regions),
        minFace: action.minFace,
        detectedAt: action.at,
        again: false,
      }));
    case 'again': {
      const ids = new Set(action.ids);
      return { ...state, items: state.items.map((it) => (ids.has(it.id) ? { ...it, again: true } : it)) };
    }
    case 'detectFailed':
      // A photo looked at again keeps what it had (and its edits) if the second look fails.
      return patchItem(state, action.id, (it) =>
        it.minFace === undefined
          ? { status: 'error', error: action.error }
          : { status: 'ready', again: false },
      );
    case 'select':
      return { ...state, selectedId: action.id };
    case 'regions':
      // An exported photo edited since: its copy on disk no longer shows these regions, so it
      // counts as not exported again (the leave warning asks, the list drops its check).
      return patchItem(state, action.id, (it) => ({
        regions: action.update(it.regions),
        ...(it.exported?.status === 'done' && { exported: undefined }),
      }));
    case 'exportStart': {
      const ids = new Set(action.ids);
      const unreadable = new Set(action.unreadable);
      return {
        ...state,
        items: state.items.map((it) =>
          ids.has(it.id)
            ? { ...it, exported: { status: 'queued' } }
            : unreadable.has(it.id)
              ? { ...it, exported: { status: 'unreadable', ...(it.error ? { error: it.error } : {}) } }
              : it,
        ),
        batch: {
          running: true,
          stopping: false,
          total: action.ids.length,
          done: 0,
          failed: 0,
          unreadable: action.unreadable.length,
          startedAt: Date.now(),
          msPerPhoto: null,
          currentId: null,
          fatal: null,
          finished: false,
        },
      };
    }
    case 'exporting':
      return {
        ...patchItem(state, action.id, () => ({ exported: { status: 'exporting' } })),
        batch: state.batch && { ...state.batch, currentId: action.id },
      };
    case 'exported':
      return {
        ...patchItem(state, action.id, () => ({ exported: { status: 'done', result: action.result } })),
        batch: finishOne(state.batch, action.id, action.at, false),
      };
    case 'exportFailed':
      return {
        ...patchItem(state, action.id, () => ({ exported: { status: 'error', error: action.error } })),
        batch: finishOne(state.batch, action.id, action.at, true),
      };
    case 'exportFatal':
      return { ...state, batch: state.batch && { ...state.batch, fatal: action.error } };
    case 'exportStopping':
      return { ...state, batch: state.batch && { ...state.batch, stopping: true } };
    case 'exportEnd': {
      // Photos a fatal error (a bad output folder) stopped were not cancelled by the user: they
      // carry that error.
      const fatal = state.batch?.fatal;
      return {
        ...state,
        items: state.items.map((it) =>
          it.exported?.status === 'queued' || it.exported?.status === 'exporting'
            ? { ...it, exported: fatal ? { status: 'error', error: fatal } : { status: 'cancelled' } }
            : it,
        ),
        batch: state.batch && {
          ...state.batch,
          running: false,
          stopping: false,
          currentId: null,
          finished: true,
        },
      };
    }
    case 'dismissBatch':
      // A copy that still shows a face keeps its mark on the photo: dismissing the table must
      // not hide that the file on disk is not safe to share.
      return {
        ...state,
        batch: null,
        items: state.items.map((it) =>
          it.exported && !stillShowsFace(it) ? { ...it, exported: undefined } : it,
        ),
      };
    case 'remove': {
      const items = state.items.filter((it) => it.id !== action.id);
      const index = state.items.findIndex((it) => it.id === action.id);
      const selectedId =
        state.selectedId === action.id
          ? (items[Math.min(index, items.length - 1)]?.id ?? null)
          : state.selectedId;
      return { ...state, items, selectedId };
    }
    case 'clear':
      return initialState;
  }
}

/** An exported copy whose self-check still finds a face. */
export const stillShowsFace = (it: BlurItem): boolean =>
  (it.exported?.result?.selfCheck.facesStillDetected.length ?? 0) > 0;

/** Whether an export can be tried: not when detection already found the file unreadable. */
export const isExportable = (item: BlurItem): boolean => item.status !== 'error';

const readFailed = (): ErrorShape => ({ code: 'FILE_NOT_FOUND', message: i18n.t('scan.readFailed') });

const STORAGE_KEY = 'vigil.blur-export';

/** The output folder and file name pattern are remembered between sessions (nothing else is). */
const storedSchema = z.object({
  outDir: z.string().catch(''),
  pattern: z.string().min(1).catch(DEFAULT_BLUR.pattern),
});
const readStoredExport = () =>
  readStored(local, STORAGE_KEY, storedSchema, { outDir: '', pattern: DEFAULT_BLUR.pattern });

export interface BlurContextValue {
  items: BlurItem[];
  selected: BlurItem | null;
  select(id: number | null): void;
  skipped: number;
  options: BlurOptions;
  setOptions(patch: Partial<BlurOptions>): void;
  keepIds: ReadonlySet<string>;
  /** Photos still waiting for detection, and how many are being detected now. */
  detecting: { pending: number; running: number };
  /** Detected photos whose detection looked for another smallest face than `options.minFace`. */
  stale: number;
  /** Looks again at the given photos, else at those looked at for another smallest face. */
  redetect(ids?: readonly number[]): void;
  addFiles(picked: readonly PickedFile[]): void;
  remove(id: number): void;
  clear(): void;
  fileOf(id: number): File | undefined;
  /** An object URL of the original file (for display), made once per photo. */
  urlOf(id: number): string | undefined;
  /** Adds a region drawn by hand; returns its id. */
  addRegion(id: number, box: Box): string;
  setRegionBox(id: number, regionId: string, box: Box): void;
  toggleRemoved(id: number, regionId: string): void;
  toggleKeep(id: number, regionId: string): void;
  deleteRegion(id: number, regionId: string): void;
  batch: ExportBatch | null;
  exportAll(): void;
  cancelExport(): void;
  dismissBatch(): void;
}

const BlurContext = createContext<BlurContextValue | null>(null);

/**
 * The Blur page's photos, their edited regions and the export batch, above the pages so that
 * switching page neither loses edits nor stops a batch. Detection and export each run one photo
 * per engine worker at a time; detection pauses while a batch exports (the batch detects what it
 * needs itself).
 */
export function BlurProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const settings = useSettings();
  const [state, dispatch] = useReducer(reducer, initialState);
  // Photos not exported yet: they and their edits live only in this page (unreadable ones have none).
  useLeaveWarning(state.items.some((it) => isExportable(it) && it.exported?.status !== 'done'));
  const [options, setOptionsState] = useState<BlurOptions>(() => ({
    ...blurDefaultsFrom(null),
    keep: [],
    ...readStoredExport(),
  }));
  /** Options the user set on this page; Settings' defaults do not override those. */
  const touched = useRef(new Set<keyof BlurOptions>());
  const files = useRef(new Map<number, File>());
  const urls = useRef(new Map<number, string>());
  const pending = useRef<number[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  /** Detection runners working now (one per engine worker at most). */
  const [detectBusy, setDetectBusy] = useState(0);
  const exporting = useRef(false);
  const cancelRequested = useRef(false);
  const nextId = useRef(1);
  const stateRef = useRef(state);
  const optionsRef = useRef(options);
  const slots = useEngineSlots();
  const slotsRef = useRef(slots);
  useEffect(() => {
    stateRef.current = state;
    optionsRef.current = options;
    slotsRef.current = slots;
  }, [state, options, slots]);

  // Settings' blur defaults (when Settings has them) fill whatever the user has not set here.
  useEffect(() => {
    if (!settings.data) return;
    const defaults = blurDefaultsFrom(settings.data);
    setOptionsState((cur) => {
      const next = { ...cur };
      for (const key of ['thresh', 'minFace', 'style', 'shape', 'scale', 'format', 'quality'] as const) {
        if (!touched.current.has(key)) (next as Record<string, unknown>)[key] = defaults[key];
      }
      return next;
    });
  }, [settings.data]);

  const setOptions = useCallback((patch: Partial<BlurOptions>) => {
    for (const key of Object.keys(patch) as (keyof BlurOptions)[]) touched.current.add(key);
    // At once, not after the next render: a redetect() right after this looks with the new size.
    optionsRef.current = { ...optionsRef.current, ...patch };
    setOptionsState((cur) => {
      const next = { ...cur, ...patch };
      if ('outDir' in patch || 'pattern' in patch)
        writeStored(local, STORAGE_KEY, { outDir: next.outDir, pattern: next.pattern });
      return next;
    });
  }, []);

  /** One detection runner: takes photos until none is left or a batch export starts. */
  const detectJobs = useCallback(async () => {
    while (!exporting.current) {
      const id = pending.current.shift();
      setPendingCount(pending.current.length);
      if (id === undefined) break;
      const file = files.current.get(id);
      if (!file) continue;
      dispatch({ type: 'detecting', id });
      const source = await toImageSource(file).catch(() => null);
      if (!source) {
        dispatch({ type: 'detectFailed', id, error: readFailed() });
        continue;
      }
      try {
        // Everything the detector reports: the threshold slider then works without asking again.
        const minFace = optionsRef.current.minFace;
        const at = Date.now();
        const r = await client.invoke('blur.detect', { source, thresh: 0, minFace });
        dispatch({
          type: 'detected',
          id,
          width: r.width,
          height: r.height,
          regions: fromDetected(r),
          minFace,
          at,
        });
      } catch (err) {
        dispatch({ type: 'detectFailed', id, error: errorShapeOf(err) });
      }
    }
  }, [client]);

  /** Detection runners, one per engine worker, while photos wait and no export runs. */
  const { drain, running: detectingNow } = useRunners({
    slots,
    ready: () => !exporting.current && pending.current.length > 0,
    run: detectJobs,
    onCount: setDetectBusy,
  });

  const addFiles = useCallback(
    (picked: readonly PickedFile[]) => {
      const { keep, skipped } = selectForInspection(picked);
      const items: BlurItem[] = keep.map((p) => ({
        id: nextId.current++,
        name: p.file.name,
        relativePath: p.relativePath,
        status: 'queued',
        regions: [],
      }));
      items.forEach((item, i) => {
        files.current.set(item.id, keep[i]!.file);
        pending.current.push(item.id);
      });
      setPendingCount(pending.current.length);
      dispatch({ type: 'enqueue', items, skipped });
      drain();
    },
    [drain],
  );

  /** Photos looked at for another smallest face than the one chosen now, looked at again. */
  const redetect = useCallback(
    (only?: readonly number[]) => {
      const wanted = only && new Set(only);
      const ids = stateRef.current.items
        .filter(
          (it) =>
            it.status === 'ready' &&
            !it.again &&
            (wanted ? wanted.has(it.id) : it.minFace !== optionsRef.current.minFace),
        )
        .map((it) => it.id);
      pending.current.push(...ids);
      setPendingCount(pending.current.length);
      dispatch({ type: 'again', ids });
      drain();
    },
    [drain],
  );

  const forget = useCallback((id: number) => {
    files.current.delete(id);
    const url = urls.current.get(id);
    if (url) URL.revokeObjectURL(url);
    urls.current.delete(id);
    pending.current = pending.current.filter((p) => p !== id);
    setPendingCount(pending.current.length);
  }, []);

  const remove = useCallback(
    (id: number) => {
      forget(id);
      dispatch({ type: 'remove', id });
    },
    [forget],
  );

  const clear = useCallback(() => {
    for (const id of [...files.current.keys()]) forget(id);
    cancelRequested.current = true;
    dispatch({ type: 'clear' });
  }, [forget]);

  useEffect(
    () => () => {
      for (const url of urls.current.values()) URL.revokeObjectURL(url);
    },
    [],
  );

  const fileOf = useCallback((id: number) => files.current.get(id), []);
  const urlOf = useCallback((id: number) => {
    let url = urls.current.get(id);
    const file = files.current.get(id);
    if (!url && file) urls.current.set(id, (url = URL.createObjectURL(file)));
    return url;
  }, []);

  const editRegions = useCallback(
    (id: number, update: (regions: EditRegion[]) => EditRegion[]) =>
      dispatch({ type: 'regions', id, update }),
    [],
  );
  const manualSeq = useRef(0);
  const addRegion = useCallback(
    (id: number, box: Box) => {
      const regionId = `m${manualSeq.current++}`;
      editRegions(id, (rs) => [
        ...rs,
        { id: regionId, box, score: null, origin: 'manual', matches: [], removed: false, keep: null },
      ]);
      return regionId;
    },
    [editRegions],
  );
  const setRegionBox = useCallback(
    (id: number, regionId: string, box: Box) => {
      const item = stateRef.current.items.find((it) => it.id === id);
      const fitted = item?.width && item.height ? clampBox(box, item.width, item.height) : box;
      editRegions(id, (rs) => rs.map((r) => (r.id === regionId ? { ...r, box: fitted } : r)));
    },
    [editRegions],
  );
  const toggleRemoved = useCallback(
    (id: number, regionId: string) =>
      editRegions(id, (rs) => rs.map((r) => (r.id === regionId ? { ...r, removed: !r.removed } : r))),
    [editRegions],
  );
  const toggleKeep = useCallback(
    (id: number, regionId: string) => {
      const keepIds = new Set(optionsRef.current.keep);
      editRegions(id, (rs) =>
        rs.map((r) => {
          if (r.id !== regionId) return r;
          const keptNow = r.keep ?? r.matches.some((m) => keepIds.has(m));
          return { ...r, keep: !keptNow, removed: false };
        }),
      );
    },
    [editRegions],
  );
  const deleteRegion = useCallback(
    (id: number, regionId: string) => editRegions(id, (rs) => rs.filter((r) => r.id !== regionId)),
    [editRegions],
  );

  const exportAll = useCallback(() => {
    if (exporting.current) return;
    // A photo detection could not read would only fail again: the batch leaves it out.
    const items = stateRef.current.items.filter(isExportable);
    if (items.length === 0) return;
    exporting.current = true;
    cancelRequested.current = false;
    dispatch({
      type: 'exportStart',
      ids: items.map((it) => it.id),
      unreadable: stateRef.current.items.filter((it) => !isExportable(it)).map((it) => it.id),
    });
    void (async () => {
      // Wait for detections in flight: the batch detects what it still needs itself.
      while (detectingNow() > 0) await new Promise((r) => setTimeout(r, 50));
      let next = 0;
      let stop = false;
      const exportOne = async (id: number) => {
        const item = stateRef.current.items.find((it) => it.id === id);
        const file = files.current.get(id);
        if (!item || !file) return;
        const o = optionsRef.current;
        const keepIds = new Set(o.keep);
        dispatch({ type: 'exporting', id });
        try {
          const source = await toImageSource(file).catch(() => {
            throw readFailed();
          });
          const input: BlurExportInput = {
            source,
            outDir: o.outDir.trim(),
            pattern: o.pattern,
            style: o.style,
            shape: o.shape,
            scale: o.scale,
            format: o.format,
            quality: o.quality,
            thresh: o.thresh,
            // The self-check looks for faces down to this size (and detection, for photos not looked at yet).
            minFace: o.minFace,
            keep: o.keep,
            // Photos not looked at yet are detected by the export itself, with the same rules.
            ...(item.status === 'ready' ? { regions: toCoreRegions(item.regions, o.thresh, keepIds) } : {}),
          };
          const result = await client.invoke('blur.export', input);
          dispatch({ type: 'exported', id, result, at: Date.now() });
        } catch (err) {
          const error = errorShapeOf(err);
          const fatal =
            (OUTPUT_ERROR_CODES as readonly string[]).includes(error.code) ||
            (error.code === 'BAD_INPUT' && /pattern/i.test(error.message));
          if (fatal) {
            stop = true;
            dispatch({ type: 'exportFatal', error });
            return;
          }
          dispatch({ type: 'exportFailed', id, error, at: Date.now() });
        }
      };
      // One runner per engine worker, taking photos in order.
      const runner = async () => {
        while (!stop && !cancelRequested.current && next < items.length) await exportOne(items[next++]!.id);
      };
      try {
        await Promise.all(Array.from({ length: Math.min(slotsRef.current, items.length) }, runner));
      } finally {
        exporting.current = false;
        dispatch({ type: 'exportEnd' });
        void queryClient.invalidateQueries({ queryKey: queryKeys.history });
        drain();
      }
    })();
  }, [client, detectingNow, drain, queryClient]);

  const cancelExport = useCallback(() => {
    cancelRequested.current = true;
    dispatch({ type: 'exportStopping' });
  }, []);
  const dismissBatch = useCallback(() => dispatch({ type: 'dismissBatch' }), []);
  const select = useCallback((id: number | null) => dispatch({ type: 'select', id }), []);

  const keepIds = useMemo(() => new Set(options.keep), [options.keep]);
  const selected = state.items.find((it) => it.id === state.selectedId) ?? null;
  const value = useMemo<BlurContextValue>(
    () => ({
      items: state.items,
      selected,
      select,
      skipped: state.skipped,
      options,
      setOptions,
      keepIds,
      detecting: { pending: pendingCount, running: detectBusy },
      stale: state.items.filter((it) => it.status === 'ready' && it.minFace !== options.minFace && !it.again)
        .length,
      redetect,
      addFiles,
      remove,
      clear,
      fileOf,
      urlOf,
      addRegion,
      setRegionBox,
      toggleRemoved,
      toggleKeep,
      deleteRegion,
      batch: state.batch,
      exportAll,
      cancelExport,
      dismissBatch,
    }),
    [
      state,
      selected,
      select,
      options,
      setOptions,
      keepIds,
      pendingCount,
      detectBusy,
      redetect,
      addFiles,
      remove,
      clear,
      fileOf,
      urlOf,
      addRegion,
      setRegionBox,
      toggleRemoved,
      toggleKeep,
      deleteRegion,
      exportAll,
      cancelExport,
      dismissBatch,
    ],
  );
  return <BlurContext.Provider value={value}>{children}</BlurContext.Provider>;
}

export function useBlur(): BlurContextValue {
  const value = useContext(BlurContext);
  if (!value) throw new Error('useBlur must be used inside <BlurProvider>');
  return value;
}
