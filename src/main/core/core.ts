import { join, resolve } from 'node:path';
import { projectRoot } from './paths';
import type { Handlers } from '../../shared/contract';
import { VigilError } from '../../shared/errors';
import { defaultEngineWorkers, Engine, type EngineOptions } from './engine/engine';
import { DEFAULT_LIMITS, type DecodeLimits } from './imaging/decode';
import { inspectImage } from './services/inspect';
import { Matcher } from './services/matcher';
import { compare, identify, search, verify } from './services/matching';
import {
  createSubject,
  deleteSubject,
  enrollFace,
  exportWatchlist,
  importWatchlist,
  removeFace,
  setCoverFace,
  updateSubject,
  watchlistReadHandlers,
  type WatchlistDeps,
} from './services/watchlist';
import { exportHistory, giveFeedback, listHistory, withMediaUrls } from './services/history';
import { diagnostics } from './services/diagnostics';
import { checkOutDir, detectForBlur, exportBlurred, previewBlurred } from './services/blur';
import { Telemetry } from './telemetry';
import { classifyPhoto, type ClassifyDeps } from './services/classify';
import { exportClassifyHistory } from './services/classify-export';
import { ModelRegistry } from './services/models';
import { applyDefaultsUpdate, settingsView } from './services/settings';
import { DataService } from './services/data';
import { releasePhotos, sweepPhotoData } from './services/photo-data';
import { reembedStoredFaces } from './services/reembed';
import { Gate } from './gate';
import { configFilePath, type DataDirLocation } from './store/data-dir';
import { openStore, type Store } from './store/store';
import { VERSION } from './version';
import { dispatch } from './dispatch';

export interface CoreOptions {
  dataDir: string;
  /** How a shell turns a media key (e.g. `previews/<sha>.jpg`) into a URL its renderer can load. */
  mediaUrl: (key: string) => string;
  engine?: Partial<EngineOptions>;
  limits?: Partial<DecodeLimits>;
  /**
   * Where `dataDir` came from (data-dir.ts locateDataDir). A moved data dir is remembered for the
   * next start only when it came from the config file or the default; without this, as with
   * --data, a move lasts until the core stops.
   */
  location?: Omit<DataDirLocation, 'dir'>;
  /** Where long steps of opening a data dir report progress (stderr by default). */
  log?: (line: string) => void;
}

export interface Core {
  handlers: Handlers;
  call: (channel: string, input: unknown) => ReturnType<typeof dispatch>;
  engine: Engine;
  /** The store and matcher in use: both change when the data dir moves or a backup is restored. */
  readonly store: Store;
  readonly matcher: Matcher;
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
  // `let`: the data service replaces them (data dir moved, backup restored); read them per call.
  let store = await openStore(opts.dataDir);
  const engine = new Engine({
    modelsDir: defaultModelsDir(),
    workerFile: defaultWorkerFile(),
    workers: defaultEngineWorkers(),
    forceBackend: process.env.VIGIL_BACKEND === 'wasm' ? 'wasm' : undefined,
    ...opts.engine,
  });
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  // Faces stored by another descriptor model are described again before any is compared.
  const loadMatcher = async (target: Store) => {
    await reembedStoredFaces({ engine, store: target, limits }, opts.log);
    return Matcher.load(target);
  };
  let matcher: Matcher;
  try {
    matcher = await loadMatcher(store);
  } catch (err) {
    // Nothing was changed that the next start cannot finish; let it open the data dir.
    await engine.close();
    await store.close();
    throw err;
  }
  const telemetry = new Telemetry();
  const deps: WatchlistDeps = {
    engine,
    store,
    limits,
    mediaUrl: opts.mediaUrl,
    matcher,
    onSeen: (faces) => faces.forEach((f) => matcher.addSeen(f.id, f.descriptor)),
    onUnseen: (ids) => ids.forEach((id) => matcher.removeSeen(id)),
  };
  // A photo's preview and seen faces go with the last job that mentions it (photo-data.ts).
  store.history.onRelease(async (photos) => {
    await releasePhotos(deps, photos);
  });
  store.history.onFinish(() => void store.history.prune(store.settings.data.retention));
  /** What the store in use gets when it is opened: the retention rule, then the photo-data sweep. */
  const tidyStore = async () => {
    await store.history.prune(store.settings.data.retention);
    await sweepPhotoData(deps);
  };
  const data = new DataService(
    {
      get store() {
        return store;
      },
      async replace(next) {
        const nextMatcher = await loadMatcher(next);
        const before = { store, matcher };
        store.history.moveListenersTo(next.history);
        store = deps.store = next;
        matcher = deps.matcher = nextMatcher;
        try {
          await tidyStore();
        } catch (err) {
          // Back to the store that was in use: the caller closes `next`, which must not stay current.
          next.history.moveListenersTo(before.store.history);
          store = deps.store = before.store;
          matcher = deps.matcher = before.matcher;
          nextMatcher.stop();
          throw err;
        }
        before.matcher.stop();
      },
    },
    opts.location ?? { source: 'flag', configFile: configFilePath() },
    new Gate(),
  );
  const models = new ModelRegistry({
    engine,
    get store() {
      return store;
    },
    modelsDir: opts.engine?.modelsDir ?? defaultModelsDir(),
  });
  try {
    await tidyStore();
    await models.sweep();
  } catch (err) {
    // The engine's workers and the lock would keep this process alive, and the data dir locked.
    matcher.stop();
    await engine.close();
    await store.close();
    throw err;
  }
  const classifyDeps: ClassifyDeps = {
    engine,
    get store() {
      return store;
    },
    limits,
    mediaUrl: opts.mediaUrl,
    models,
  };
  const handlers: Handlers = {
    'app.health': async () => ({ status: 'ok', version: VERSION }),
    'engine.info': async () => engine.info(),
    'image.inspect': async ({ source }) => inspectImage(deps, source),
    ...watchlistReadHandlers(deps),
    'watchlist.create': async (input) => createSubject(deps, input),
    'watchlist.update': async ({ id, patch }) => updateSubject(deps, id, patch),
    'watchlist.delete': async ({ id }) => deleteSubject(deps, id),
    'watchlist.enroll': async (input) => enrollFace(deps, input),
    'watchlist.removeFace': async ({ subjectId, faceId }) => removeFace(deps, subjectId, faceId),
    'watchlist.setCover': async ({ subjectId, faceId }) => setCoverFace(deps, subjectId, faceId),
    'watchlist.export': async () => exportWatchlist(deps),
    'watchlist.import': async ({ source }) => importWatchlist(deps, source),
    'match.identify': async ({ source, limit }) => identify(deps, source, limit),
    'match.verify': async ({ subjectId, source }) => verify(deps, subjectId, source),
    'match.compare': async ({ a, b }) => compare(deps, a, b),
    'match.search': async (input) => search(deps, input),
    'blur.detect': async ({ source, thresh, keep, minFace }) =>
      detectForBlur(deps, source, { thresh, keep, minFace }),
    'blur.preview': async (input) => previewBlurred(deps, input),
    'blur.export': async (input) => exportBlurred(deps, input),
    'blur.checkOutDir': async ({ outDir }) => checkOutDir(outDir, deps.store.dir),
    'settings.get': async () => settingsView(store),
    'settings.update': async ({ thresholds, retention, detection, blur, classify }) => {
      if (classify !== undefined) await models.setDefault(classify.defaultModel);
      const merged = thresholds && { ...settingsView(store).thresholds, ...thresholds };
      if (merged && merged.possible > merged.match)
        throw new VigilError(
          'BAD_INPUT',
          `The possible threshold (${merged.possible}) must not exceed the match threshold (${merged.match})`,
        );
      await store.settings.update((doc) => {
        if (thresholds !== undefined) doc.thresholds = merged ?? null;
        if (retention !== undefined) doc.retention = retention;
        applyDefaultsUpdate(doc, { detection, blur });
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
    'history.get': async ({ id }) => withMediaUrls(store.history.get(id), opts.mediaUrl),
    'history.pruneCount': async ({ retention }) => ({
      count: store.history.pruneTargets(retention).length,
      total: store.history.size,
    }),
    'history.delete': async ({ ids }) => ({ deleted: await store.history.remove(ids) }),
    'feedback.give': async (input) => withMediaUrls(await giveFeedback(store.history, input), opts.mediaUrl),
    'classify.run': async (input) => classifyPhoto(classifyDeps, input),
    'classify.export': async ({ historyIds, format }) =>
      exportClassifyHistory(store.history, historyIds, format),
    'models.list': async () => models.list(),
    'models.import': async (input) => models.import(input),
    'models.remove': async ({ name }) => models.remove(name),
    'models.test': async ({ name, source }) =>
      classifyPhoto(classifyDeps, {
        source,
        model: name,
        top: 5,
        // A built-in model is an object detector: its labels come from the objects it finds.
        objects: (await classifyDeps.models.resolve(name)).kind === 'builtin',
        faces: false,
        minScore: 0.3,
      }),
    'data.info': async () => data.info(),
    'data.move': async (input) => data.move(input),
    'data.backup': async (input) => data.backup(input),
    'data.restore': async ({ source }) => data.restore(source),
  };
  return {
    handlers,
    call: (channel, input) => data.guard(channel, () => dispatch(handlers, channel, input, telemetry)),
    engine,
    get store() {
      return store;
    },
    get matcher() {
      return matcher;
    },
    async close() {
      matcher.stop();
      await engine.close();
      await store.close();
    },
  };
}
