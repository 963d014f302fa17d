// Engine worker thread: owns one EngineRuntime so inference never blocks the thread that
// answers IPC and HTTP.
import { parentPort } from 'node:worker_threads';
import { EngineRuntime } from './runtime';
import type { FromWorker, ToWorker } from './protocol';
import { handleClassify } from './classify-worker';

// Library chatter must never reach stdout: the CLI's --json output lives there.
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const port = parentPort;
if (!port) throw new Error('engine worker must run in a worker thread');

let runtime: EngineRuntime | null = null;
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

port.on('message', (msg: ToWorker) => {
  // Handled between two steps of a detection (each native call runs to its end first), where
  // ending the thread is safe; terminate() during ONNX Runtime or sharp aborts the process.
  if (msg.type === 'quit') process.exit(0);
  if (msg.type === 'init') {
    EngineRuntime.create(msg.modelsDir, msg.forceBackend).then(
      (rt) => {
        runtime = rt;
        post({ type: 'ready', info: rt.info });
      },
      (err: unknown) =>
        post({ type: 'init-error', message: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  if (msg.type === 'classify' || msg.type === 'model-probe' || msg.type === 'model-release') {
    handleClassify(runtime, msg, post);
    return;
  }
  if (!runtime) {
    post({ type: 'error', id: msg.id, message: 'engine not initialised' });
    return;
  }
  const { recall, describe } = msg;
  runtime
    .detect({ data: new Uint8Array(msg.data), width: msg.width, height: msg.height }, { recall, describe })
    .then(
      (faces) =>
        post(
          { type: 'result', id: msg.id, faces },
          faces.flatMap((f) => [f.descriptor.buffer as ArrayBuffer, f.matchDescriptor.buffer as ArrayBuffer]),
        ),
      (err: unknown) =>
        post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
    );
});
