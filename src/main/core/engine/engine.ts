import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../../shared/errors';
import type { EngineInfo } from '../../../shared/schemas';
import type { DetectRequest, FromWorker, RawFace, RgbImage, ToWorker, WorkerInfo } from './protocol';
import type { ClassifyRequest, ModelProbe, RawClassification, UserModelSpec } from './classify-protocol';

export interface EngineOptions {
  modelsDir: string;
  /** The built worker (out/main/engine-worker.js) or, under tsx, worker.ts. */
  workerFile: string | URL;
  /** The pool's size (defaultEngineWorkers()); workers beyond the first start when needed. */
  workers?: number;
  /** A worker beyond the first that has had nothing to do for this long is stopped (default 60 s). */
  spareIdleMs?: number;
  execArgv?: string[];
  forceBackend?: 'wasm' | 'tensorflow';
}

/** Each engine worker holds its own models and working memory: a cap well above useful. */
export const MAX_ENGINE_WORKERS = 16;

/**
 * VIGIL_ENGINE_WORKERS (capped), else one per core up to 2: the measured gain of a second worker
 * on 2 cores (docs/benchmarks.md); more would each hold another copy of the models.
 */
export function defaultEngineWorkers(): number {
  const fromEnv = Math.floor(Number(process.env.VIGIL_ENGINE_WORKERS));
  return fromEnv >= 1 ? Math.min(MAX_ENGINE_WORKERS, fromEnv) : Math.min(2, availableParallelism());
}

interface Pending {
  /** Faces for 'detect'; a classification or a model probe for the classify messages. */
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

/** One worker thread running an EngineRuntime; restarts on the next call if it dies. */
class EngineWorker {
  private worker: Worker | null = null;
  private ready: Promise<WorkerInfo> | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Calls given to this worker and not answered yet (counted by the pool when it picks). */
  busy = 0;
  /** idle: not running (never started, or a spare stopped); a spare that failed to start is not tried again. */
  status: 'idle' | 'started' | 'failed' = 'idle';
  /** A spare's stop, pending while it has nothing to do. */
  idleTimer: NodeJS.Timeout | null = null;
  /** Classification models this thread has loaded since it started, with their load times. */
  readonly lazyLoaded = new Map<string, number>();
  /** Its calls in flight are left unanswered when it ends (the process is exiting): see abandon. */
  abandoned = false;

  constructor(private readonly opts: EngineOptions) {}

  start(): Promise<WorkerInfo> {
    this.status = 'started';
    if (this.ready) return this.ready;
    const worker = new Worker(this.opts.workerFile, { execArgv: this.opts.execArgv });
    this.worker = worker;
    this.ready = new Promise<WorkerInfo>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve(msg.info);
        else if (msg.type === 'model-loaded') {
          if (this.worker === worker) this.lazyLoaded.set(msg.name, msg.loadMs);
        } else if (msg.type === 'init-error') reject(new VigilError('ENGINE_UNAVAILABLE', msg.message));
        else {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.type === 'result') p.resolve(msg.faces as never);
          else if (msg.type === 'classified' || msg.type === 'probed') p.resolve(msg.value as never);
          else p.reject(new VigilError('ENGINE_FAILED', msg.message));
        }
      });
      worker.on('error', (err) => reject(new VigilError('ENGINE_UNAVAILABLE', err.message)));
      worker.on('exit', (code) => {
        if (this.abandoned) return;
        const err = new VigilError('ENGINE_FAILED', `engine worker exited (code ${code})`);
        reject(err);
        // A retired thread ending: its calls were all answered, and a new one may be running.
        if (this.worker !== worker) return;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.worker = null;
        this.ready = null;
        this.lazyLoaded.clear();
      });
    });
    this.send({ type: 'init', modelsDir: this.opts.modelsDir, forceBackend: this.opts.forceBackend });
    return this.ready;
  }

  private send(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  /** Sends one message (a detect or a classify-protocol one) and waits for its answer. */
  async request<T>(msg: ToWorker & { id: number }, transfer: ArrayBuffer[] = []): Promise<T> {
    await this.start();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (value: never) => void, reject });
      this.send(msg, transfer);
    });
  }

  /** Messages that need no answer (forgetting a removed user model). */
  async notify(msg: ToWorker): Promise<void> {
    if (this.worker) this.send(msg);
  }

  async stop(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.worker) await quit(this.worker);
  }

  /** Stops the thread, freeing its models and working memory; the next start loads them again. */
  async retire(): Promise<void> {
    const worker = this.worker;
    this.status = 'idle';
    this.worker = null;
    this.ready = null;
    this.lazyLoaded.clear();
    if (worker) await quit(worker);
  }
}

/** How long a thread may take to reach its event loop before it is terminated anyway. */
const QUIT_GRACE_MS = 1500;

/**
 * Ends a worker thread from its own event loop, once the step it is running ends: terminate()
 * while ONNX Runtime or sharp is inside a native call makes node-addon-api throw into a dying
 * thread, which aborts the whole process (measured: a second Ctrl+C in a blur batch, 2 of 6).
 * A thread stuck longer than QUIT_GRACE_MS is terminated all the same.
 */
async function quit(worker: Worker): Promise<void> {
  if (worker.threadId < 0) return; // already ended
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage({ type: 'quit' } satisfies ToWorker);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), QUIT_GRACE_MS)));
  const how = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (how === 'late') await worker.terminate();
}

/** The image's pixels in a buffer of their own to transfer: the caller's memory is never detached. */
function pixels(image: RgbImage): ArrayBuffer {
  return image.data.slice().buffer as ArrayBuffer;
}

/**
 * A small pool of engine workers. The first starts with the pool; each further one starts when a
 * call finds every started worker busy, so a single photo at a time never pays for a second copy
 * of the models (about 1.2 GB more while blurring 12-MP photos), and a batch uses every core.
 */
export class Engine {
  private readonly workers: EngineWorker[];
  private nextId = 1;
  private state: EngineInfo['state'] = 'starting';
  private workerInfo: WorkerInfo | null = null;
  private error: string | null = null;
  private readonly started: Promise<void>;
  private readonly timingListeners: ((ms: number, faces: number) => void)[] = [];

  constructor(private readonly opts: EngineOptions) {
    if (!existsSync(opts.modelsDir)) {
      this.state = 'failed';
      this.error = `models directory missing: ${opts.modelsDir} (run \`npm run models\`)`;
    }
    const n = Math.max(1, opts.workers ?? 1);
    this.workers = Array.from({ length: n }, () => new EngineWorker(opts));
    this.started =
      this.state === 'failed'
        ? Promise.resolve()
        : this.workers[0]!.start().then(
            (info) => {
              this.workerInfo = info;
              this.state = 'ready';
            },
            (err: unknown) => {
              this.state = 'failed';
              this.error = err instanceof Error ? err.message : String(err);
            },
          );
  }

  /** Resolves once the first worker has loaded its models (or failed to). */
  async whenReady(): Promise<EngineInfo> {
    await this.started;
    return this.info();
  }

  info(): EngineInfo {
    const w = this.workerInfo;
    return {
      state: this.state,
      backend: w?.backend ?? null,
      backendReason: w?.backendReason ?? null,
      backendFallback: w?.backendFallback ?? null,
      wasmFeatures: w?.wasmFeatures ?? null,
      detectorRuntime: w?.detectorRuntime ?? null,
      detectorRuntimeReason: w?.detectorRuntimeReason ?? null,
      detectorRuntimeFallback: w?.detectorRuntimeFallback ?? null,
      workers: this.workers.length,
      workersStarted: this.workers.filter((x) => x.status === 'started').length,
      versions: w?.versions ?? { human: '', tfjs: '', node: process.versions.node },
      models: (w?.models ?? []).map((m) => {
        // A model loaded on first use counts as loaded once a running worker holds it.
        if (m.loaded) return m;
        const holder = this.workers.find((x) => x.status === 'started' && x.lazyLoaded.has(m.name));
        return holder ? { ...m, loaded: true, loadMs: holder.lazyLoaded.get(m.name)! } : m;
      }),
      loadMs: w?.loadMs ?? null,
      error: this.error,
    };
  }

  /** Faces with descriptors; with `recall`, small faces too (boxes only). See EngineRuntime.detect. */
  async detect(image: RgbImage, request: DetectRequest = {}): Promise<RawFace[]> {
    return this.onWorker(async (worker) => {
      const t0 = performance.now();
      const data = pixels(image);
      const faces = await worker.request<RawFace[]>(
        { type: 'detect', id: this.nextId++, data, width: image.width, height: image.height, ...request },
        [data],
      );
      const ms = performance.now() - t0;
      for (const listener of this.timingListeners) listener(ms, faces.length);
      return faces;
    });
  }

  /** Objects, face attributes and a user model's scores for one image (engine/classify-runtime.ts). */
  async classify(image: RgbImage, request: ClassifyRequest): Promise<RawClassification> {
    return this.onWorker((worker) => {
      const data = pixels(image);
      return worker.request<RawClassification>(
        { type: 'classify', id: this.nextId++, data, width: image.width, height: image.height, request },
        [data],
      );
    });
  }

  /** Loads a user model folder and runs it once; a failure is MODEL_INVALID with the reason. */
  async probeModel(spec: UserModelSpec): Promise<ModelProbe> {
    try {
      return await this.onWorker((worker) =>
        worker.request<ModelProbe>({ type: 'model-probe', id: this.nextId++, spec }),
      );
    } catch (err) {
      if (err instanceof VigilError && err.code === 'ENGINE_FAILED' && !/worker exited/.test(err.message))
        throw new VigilError('MODEL_INVALID', `The model is not usable: ${err.message}`, {
          reason: err.message,
          kind: 'not-loadable',
        });
      throw err;
    }
  }

  /** Every worker forgets a user model it may hold loaded. */
  async releaseModel(dir: string): Promise<void> {
    await Promise.all(this.workers.map((w) => w.notify({ type: 'model-release', dir })));
  }

  /** Runs `call` on the worker `pick` chose, counted busy until it settles. */
  private async onWorker<T>(call: (worker: EngineWorker) => Promise<T>): Promise<T> {
    const worker = await this.pick();
    try {
      return await call(worker);
    } finally {
      worker.busy--;
      if (worker.busy === 0 && worker !== this.workers[0]) {
        // A batch is over, or between photos: the spare goes if nothing comes for a while.
        if (worker.idleTimer) clearTimeout(worker.idleTimer);
        worker.idleTimer = setTimeout(() => {
          worker.idleTimer = null;
          if (worker.busy === 0 && worker.status === 'started') void worker.retire();
        }, this.opts.spareIdleMs ?? 60_000);
        worker.idleTimer.unref();
      }
    }
  }

  /**
   * The least busy started worker, or a spare started for this call when all are busy. A spare
   * that cannot start (out of memory, say) is left out from then on and the call goes to the
   * others: a batch slows down rather than losing photos.
   */
  private async pick(): Promise<EngineWorker> {
    await this.started;
    if (this.state === 'failed')
      throw new VigilError('ENGINE_UNAVAILABLE', `Face engine unavailable: ${this.error}`);
    const live = this.workers.filter((w) => w.status === 'started');
    const least = live.reduce((a, b) => (b.busy < a.busy ? b : a));
    const spare = least.busy > 0 ? this.workers.find((w) => w.status === 'idle') : undefined;
    const chosen = spare ?? least;
    if (chosen.idleTimer) clearTimeout(chosen.idleTimer);
    chosen.idleTimer = null;
    if (!spare) {
      least.busy++;
      return least;
    }
    spare.busy++;
    try {
      await spare.start();
      return spare;
    } catch (err) {
      spare.busy--;
      spare.status = 'failed';
      console.error(
        `vigil: a further engine worker could not start (${(err as Error).message}); going on without it`,
      );
      return this.pick();
    }
  }

  /** Called after every detect with its duration (metrics, diagnostics). */
  onTiming(listener: (ms: number, faces: number) => void): void {
    this.timingListeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /**
   * Stops every worker when the process is about to exit in the middle of work (a second
   * Ctrl+C): the calls in flight are left unanswered instead of failed, so no job that was just
   * recorded as cancelled is recorded again as an engine error.
   */
  async abandon(): Promise<void> {
    for (const w of this.workers) w.abandoned = true;
    await this.close();
  }
}
