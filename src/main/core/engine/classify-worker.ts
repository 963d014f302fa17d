// The classification branch of the engine worker (worker.ts): one ClassifyRuntime per worker,
// beside the EngineRuntime whose human instance and backend it shares.
import { ClassifyRuntime } from './classify-runtime';
import type { ClassifyToWorker } from './classify-protocol';
import type { FromWorker } from './protocol';
import type { EngineRuntime } from './runtime';

let classifier: ClassifyRuntime | null = null;
let owner: EngineRuntime | null = null;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function handleClassify(
  runtime: EngineRuntime | null,
  msg: ClassifyToWorker,
  post: (msg: FromWorker) => void,
): void {
  if (runtime && owner !== runtime) {
    classifier = new ClassifyRuntime(runtime.humanInstance, (name, loadMs) =>
      post({ type: 'model-loaded', name, loadMs }),
    );
    owner = runtime;
  }
  if (msg.type === 'model-release') {
    classifier?.release(msg.dir);
    return;
  }
  if (!classifier) {
    post({ type: 'error', id: msg.id, message: 'engine not initialised' });
    return;
  }
  if (msg.type === 'classify') {
    classifier
      .classify({ data: new Uint8Array(msg.data), width: msg.width, height: msg.height }, msg.request)
      .then(
        (value) => post({ type: 'classified', id: msg.id, value }),
        (err: unknown) => post({ type: 'error', id: msg.id, message: message(err) }),
      );
    return;
  }
  classifier.probe(msg.spec).then(
    (value) => post({ type: 'probed', id: msg.id, value }),
    (err: unknown) => post({ type: 'error', id: msg.id, message: message(err) }),
  );
}
