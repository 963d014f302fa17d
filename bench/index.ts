// `npm run bench`: prints every benchmark's figures; docs/benchmarks.md records them.
import { engineBench } from './engine.bench';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = { engine: engineBench };

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
