import { DEFAULT_CALIBRATION, fmrOfScore } from '../match/calibration';
import type { Store } from '../store/store';

export function settingsView(store: Store) {
  const defaults = DEFAULT_CALIBRATION.thresholds;
  const custom = store.settings.data.thresholds;
  return {
    retention: store.settings.data.retention,
    thresholds: custom ?? defaults,
    defaults,
    custom: custom !== null,
    calibration: {
      model: DEFAULT_CALIBRATION.modelId,
      metric: DEFAULT_CALIBRATION.metric,
      falseMatchRate: {
        match: fmrOfScore(defaults.match),
        possible: fmrOfScore(defaults.possible),
      },
    },
  };
}
