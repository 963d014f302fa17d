// `npm run bench [-- NAME]`: prints every benchmark's figures; docs/benchmarks.md records them.
import { accuracyBench } from './accuracy.bench';
import { blurBench } from './blur.bench';
import { calibrationBench } from './calibration.bench';
import { classifyBench } from './classify.bench';
import { engineBench } from './engine.bench';
import { historyBench } from './history.bench';
import { searchBench } from './search.bench';
import { startupBench } from './startup.bench';
import { recallBench } from './recall.bench';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  engine: engineBench,
  calibration: calibrationBench,
  accuracy: accuracyBench,
  history: historyBench,
  search: searchBench,
  startup: startupBench,
  recall: recallBench,
  classify: classifyBench,
  blur: blurBench,
};

if (only && !benches[only]) {
  console.error(`unknown benchmark ${only}; one of: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
