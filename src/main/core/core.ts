import { join, resolve } from 'node:path';
import { projectRoot } from './paths';
import type { Handlers } from '../../shared/contract';
import { Engine, type EngineOptions } from './engine/engine';
import { DEFAULT_LIMITS, type DecodeLimits } from './imaging/decode';
import { inspectImage } from './services/inspect';
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
  const handlers: Handlers = {
    'app.health': async () => ({ status: 'ok', version: VERSION }),
    'engine.info': async () => engine.info(),
    'image.inspect': async ({ source }) =>
      inspectImage({ engine, store, limits, mediaUrl: opts.mediaUrl }, source),
  };
  return {
    handlers,
    call: (channel, input) => dispatch(handlers, channel, input),
    engine,
    store,
    async close() {
      await engine.close();
      await store.close();
    },
  };
}
