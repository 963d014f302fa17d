import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../../shared/errors';
import type { EngineInfo } from '../../../shared/schemas';
import type { DetectRequest, FromWorker, RawFace, RgbImage, ToWorker, WorkerInfo } from './protocol';
import type { ClassifyRequest, ModelProbe, RawClassification, UserModelSpec } from './classify-protocol';

export interface EngineOptions {
  modelsDir: string;
  /** The built worker (out/main/engine-worker.js) or, under tsx, worker.ts. */
  workerFile: string | URL;
  workers?: number;
  execArgv?: string[];
  forceBackend?: 'wasm' | 'tensorflow';
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
  busy = 0;

  constructor(private readonly opts: EngineOptions) {}

  start(): Promise<WorkerInfo> {
    if (this.ready) return this.ready;
    const worker = new Worker(this.opts.workerFile, { execArgv: this.opts.execArgv });
    this.worker = worker;
    this.ready = new Promise<WorkerInfo>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve(msg.info);
        else if (msg.type === 'init-error') reject(new VigilError('ENGINE_UNAVAILABLE', msg.message));
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
        const err = new VigilError('ENGINE_FAILED', `engine worker exited (code ${code})`);
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.worker = null;
        this.ready = null;
      });
    });
    this.send({ type: 'init', modelsDir: this.opts.modelsDir, forceBackend: this.opts.forceBackend });
    return this.ready;
  }

  private send(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  async detect(id: number, image: RgbImage, request: DetectRequest): Promise<RawFace[]> {
    await this.start();
    this.busy++;
    try {
      // Copy into a transferable buffer so the caller's memory is never detached.
      const buf = image.data.slice().buffer as ArrayBuffer;
      return await new Promise<RawFace[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.send({ type: 'detect', id, data: buf, width: image.width, height: image.height, ...request }, [
          buf,
        ]);
      });
    } finally {
      this.busy--;
    }
  }

  /** Sends one classify-protocol message and waits for its answer. */
  async request<T>(msg: ToWorker & { id: number }, transfer: ArrayBuffer[] = []): Promise<T> {
    await this.start();
    this.busy++;
    try {
      return await new Promise<T>((resolve, reject) => {
        this.pending.set(msg.id, { resolve: resolve as (value: never) => void, reject });
        this.send(msg, transfer);
      });
    } finally {
      this.busy--;
    }
  }

  /** Messages that need no answer (forgetting a removed user model). */
  async notify(msg: ToWorker): Promise<void> {
    if (this.worker) this.send(msg);
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** A small pool of engine workers; each call goes to the least busy one. */
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
        : Promise.all(this.workers.map((w) => w.start())).then(
            (infos) => {
              this.workerInfo = infos[0] ?? null;
              this.state = 'ready';
            },
            (err: unknown) => {
              this.state = 'failed';
              this.error = err instanceof Error ? err.message : String(err);
            },
          );
  }

  /** Resolves once every worker has loaded its models (or failed to). */
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
      wasmFeatures: w?.wasmFeatures ?? null,
      detectorRuntime: w?.detectorRuntime ?? null,
      detectorRuntimeReason: w?.detectorRuntimeReason ?? null,
      workers: this.workers.length,
      versions: w?.versions ?? { human: '', tfjs: '', node: process.versions.node },
      models: w?.models ?? [],
      loadMs: w?.loadMs ?? null,
      error: this.error,
    };
  }

  /** Faces with descriptors; with `recall`, small faces too (boxes only). See EngineRuntime.detect. */
  async detect(image: RgbImage, request: DetectRequest = {}): Promise<RawFace[]> {
    await this.started;
    if (this.state === 'failed')
      throw new VigilError('ENGINE_UNAVAILABLE', `Face engine unavailable: ${this.error}`);
    const worker = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const t0 = performance.now();
    const faces = await worker.detect(this.nextId++, image, request);
    const ms = performance.now() - t0;
    for (const listener of this.timingListeners) listener(ms, faces.length);
    return faces;
  }

  /** Objects, face attributes and a user model's scores for one image (engine/classify-runtime.ts). */
  async classify(image: RgbImage, request: ClassifyRequest): Promise<RawClassification> {
    const worker = await this.leastBusy();
    const buf = image.data.slice().buffer as ArrayBuffer;
    return worker.request<RawClassification>(
      { type: 'classify', id: this.nextId++, data: buf, width: image.width, height: image.height, request },
      [buf],
    );
  }

  /** Loads a user model folder and runs it once; a failure is MODEL_INVALID with the reason. */
  async probeModel(spec: UserModelSpec): Promise<ModelProbe> {
    const worker = await this.leastBusy();
    try {
      return await worker.request<ModelProbe>({ type: 'model-probe', id: this.nextId++, spec });
    } catch (err) {
      if (err instanceof VigilError && err.code === 'ENGINE_FAILED' && !/worker exited/.test(err.message))
        throw new VigilError('MODEL_INVALID', `The model is not usable: ${err.message}`, {
          reason: err.message,
        });
      throw err;
    }
  }

  /** Every worker forgets a user model it may hold loaded. */
  async releaseModel(dir: string): Promise<void> {
    await Promise.all(this.workers.map((w) => w.notify({ type: 'model-release', dir })));
  }

  private async leastBusy(): Promise<EngineWorker> {
    await this.started;
    if (this.state === 'failed')
      throw new VigilError('ENGINE_UNAVAILABLE', `Face engine unavailable: ${this.error}`);
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  /** Called after every detect with its duration (metrics, diagnostics). */
  onTiming(listener: (ms: number, faces: number) => void): void {
    this.timingListeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
