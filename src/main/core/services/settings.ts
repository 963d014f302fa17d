import {
  BUILT_IN_BLUR,
  BUILT_IN_DETECTION,
  type BlurSettings,
  type DetectionSettings,
} from '../../../shared/settings-schemas';
import { DEFAULT_BUILTIN_MODEL } from '../../../shared/classify-schemas';
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
    detection: { ...BUILT_IN_DETECTION, ...store.settings.data.detection },
    blur: store.settings.data.blur ?? BUILT_IN_BLUR,
    builtIn: { detection: BUILT_IN_DETECTION, blur: BUILT_IN_BLUR },
    classify: {
      defaultModel: store.settings.data.classify?.defaultModel ?? null,
      effectiveModel: store.settings.data.classify?.defaultModel ?? DEFAULT_BUILTIN_MODEL,
    },
  };
}

type SettingsDoc = Store['settings']['data'];

const same = <T extends object>(a: T, b: T) =>
  (Object.keys(a) as (keyof T)[]).every((k) => Object.is(a[k], b[k]));

/**
 * Applies a partial change of the detection and blur defaults: null puts the built-in values
 * back; fields left out keep theirs. Values equal to the built-in ones are stored as null, so a
 * later change of the built-in defaults reaches everyone who never chose their own.
 */
export function applyDefaultsUpdate(
  doc: SettingsDoc,
  patch: { detection?: Partial<DetectionSettings> | null; blur?: Partial<BlurSettings> | null },
): void {
  if (patch.detection !== undefined) {
    const next = { ...(doc.detection ?? BUILT_IN_DETECTION), ...(patch.detection ?? BUILT_IN_DETECTION) };
    doc.detection = same(next, BUILT_IN_DETECTION) ? null : next;
  }
  if (patch.blur !== undefined) {
    const next = { ...(doc.blur ?? BUILT_IN_BLUR), ...(patch.blur ?? BUILT_IN_BLUR) };
    doc.blur = same(next, BUILT_IN_BLUR) ? null : next;
  }
}
