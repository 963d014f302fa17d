import { join, resolve } from 'node:path';
import { projectRoot } from './paths';
import type { Handlers } from '../../shared/contract';
import { Engine, type EngineOptions } from './engine/engine';
import { DEFAULT_LIMITS, type DecodeLimits } from './imaging/decode';
import { inspectImage } from './services/inspect';
import { Matcher } from './services/matcher';
import { compare, identify, search, verify } from './services/matching';
import {
  createSubject,
  deleteSubject,
  enrollFace,
  exportWatchlist,
  findSubject,
  importWatchlist,
  listSubjects,
  publicSubject,
  removeFace,
  updateSubject,
  type WatchlistDeps,
} from './services/watchlist';
import { exportHistory, giveFeedback, listHistory } from './services/history';
import { diagnostics } from './services/diagnostics';
import { blurFile, checkBlurOptions, type BlurOptions, type BlurResult } from './services/blur';
import { Telemetry } from './telemetry';
import { settingsView } from './services/settings';
import { openStore, type Store } from './store/store';
import { VERSION } from './version';
import { dispatch } from './dispatch';

export interface CoreOptions {
  dataDir: string;
  /** How a shell turns a media key (e.g. `previews/<sha>.jpg`) into a URL its renderer can load. */
  mediaUrl: (key: string) => string;
  engine?: Partial<EngineOptions>;
  limits?: Partial<DecodeLimits>;
}

export interface Core {
  handlers: Handlers;
  call: (channel: string, input: unknown) => ReturnType<typeof dispatch>;
  engine: Engine;
  store: Store;
  matcher: Matcher;
  /** Batch blur for the CLI (writes into a folder the user named; not exposed over IPC/HTTP yet). */
  blurFile(path: string, opts: BlurOptions): Promise<BlurResult>;
  close(): Promise<void>;
}

export function defaultModelsDir(): string {
  return process.env.VIGIL_MODELS_DIR
    ? resolve(process.env.VIGIL_MODELS_DIR)
    : join(projectRoot(), 'resources', 'models');
}

/** The built engine worker, beside the bundle that imports this module. */
export function defaultWorkerFile(): string {
  return join(projectRoot(), 'out', 'main', 'engine-worker.js');
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const store = await openStore(opts.dataDir);
  const engine = new Engine({
    modelsDir: defaultModelsDir(),
    workerFile: defaultWorkerFile(),
    workers: Number(process.env.VIGIL_ENGINE_WORKERS) || 1,
    forceBackend: process.env.VIGIL_BACKEND === 'wasm' ? 'wasm' : undefined,
    ...opts.engine,
  });
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const matcher = await Matcher.load(store);
  const telemetry = new Telemetry();
  await store.history.prune(store.settings.data.retention);
  store.history.onFinish(() => void store.history.prune(store.settings.data.retention));
  const deps: WatchlistDeps = {
    engine,
    store,
    limits,
    mediaUrl: opts.mediaUrl,
    matcher,
    onSeen: (faces) => faces.forEach((f) => matcher.addSeen(f.id, f.descriptor)),
  };
  const handlers: Handlers = {
    'app.health': async () => ({ status: 'ok', version: VERSION }),
    'engine.info': async () => engine.info(),
    'image.inspect': async ({ source }) => inspectImage(deps, source),
    'watchlist.list': async ({ query }) => ({ subjects: listSubjects(deps, query) }),
    'watchlist.get': async ({ id }) => publicSubject(deps, findSubject(deps, id)),
    'watchlist.create': async (input) => createSubject(deps, input),
    'watchlist.update': async ({ id, patch }) => updateSubject(deps, id, patch),
    'watchlist.delete': async ({ id }) => deleteSubject(deps, id),
    'watchlist.enroll': async (input) => enrollFace(deps, input),
    'watchlist.removeFace': async ({ subjectId, faceId }) => removeFace(deps, subjectId, faceId),
    'watchlist.export': async () => exportWatchlist(deps),
    'watchlist.import': async ({ source }) => importWatchlist(deps, source),
    'match.identify': async ({ source, limit }) => identify(deps, source, limit),
    'match.verify': async ({ subjectId, source }) => verify(deps, subjectId, source),
    'match.compare': async ({ a, b }) => compare(deps, a, b),
    'match.search': async (input) => search(deps, input),
    'settings.get': async () => settingsView(store),
    'settings.update': async ({ thresholds, retention }) => {
      await store.settings.update((doc) => {
        if (thresholds !== undefined) doc.thresholds = thresholds;
        if (retention !== undefined) doc.retention = retention;
      });
      if (retention !== undefined) await store.history.prune(retention);
      return settingsView(store);
    },
    'app.diagnostics': async () => diagnostics(store, engine, telemetry),
    'history.export': async ({ format, ...filter }) => {
      const { fileName, records, text } = exportHistory(store.history, format, filter);
      return { fileName, records, data: Buffer.from(text).toString('base64') };
    },
    'history.list': async (filter) => listHistory(store.history, filter),
    'history.get': async ({ id }) => store.history.get(id),
    'history.delete': async ({ ids }) => ({ deleted: await store.history.remove(ids) }),
    'feedback.give': async (input) => giveFeedback(store.history, input),
  };
  return {
    handlers,
    call: (channel, input) => dispatch(handlers, channel, input, telemetry),
    engine,
    store,
    matcher,
    blurFile: async (path, opts) => {
      checkBlurOptions(opts);
      return blurFile(deps, path, opts);
    },
    async close() {
      await engine.close();
      await store.close();
    },
  };
}
