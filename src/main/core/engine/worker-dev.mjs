// Runs worker.ts from source (tests, benchmarks): Node 20 workers do not inherit --import hooks,
// so register tsx inside the worker first. The app uses the bundled out/main/engine-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
