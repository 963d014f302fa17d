/**
 * Calibrated face-matching scores (pure: no I/O, no engine).
 *
 * A comparison of two faces gives a similarity: the cosine of the engine's match descriptors
 * (`RawFace.matchDescriptor` = unit faceres ++ unit landmark-aligned mobileface, so the cosine is
 * the mean of the faceres and mobileface cosines). On its own that number means little: 1 pair
 * of strangers in 100 reaches fused cosine 0.41, while two photos of one person taken on
 * different occasions median 0.52. A score here
 * is instead a statement about strangers: it comes from the measured false-match rate (FMR),
 * the share of comparisons between two *different* people that reach that similarity,
 *
 *   score = clamp(-log10(FMR) / decades, 0, 1)        (decades = 6)
 *
 * so score 1/3 ⇔ 1 stranger in 100 scores this high, 0.5 ⇔ 1 in 1000, 0.667 ⇔ 1 in 10 000,
 * 1 ⇔ 1 in a million or fewer. FMR(s) is a logistic model of the impostor (different-people)
 * similarity distribution, fitted to its upper tail; `bench/calibration.bench.ts` measures it
 * and docs/calibration.md records the run, the rates at each threshold and the limitations.
 *
 * Several enrolled faces per subject are combined best-of (the most similar enrolled face),
 * and the score is corrected for the number of distinct enrolled faces compared, because a
 * stranger compared with k photos has about k chances to reach a given similarity.
 */

export type Metric = 'cosine';
export type Verdict = 'match' | 'possible' | 'no_match';

/** Score thresholds (score space, 0…1). `possible` ≤ `match`. */
export interface Thresholds {
  match: number;
  possible: number;
}

export interface Calibration {
  /** The descriptor model these parameters were measured for. */
  modelId: string;
  /** How two descriptors are compared: cosine of the vectors (for the fused descriptor, the mean of its parts' cosines). */
  metric: Metric;
  /**
   * Impostor tail model: FMR(s) = 1 / (1 + exp((s − location) / scale)), the probability that
   * two different people reach similarity ≥ s in one comparison.
   */
  impostor: { distribution: 'logistic'; location: number; scale: number };
  /** Decades of FMR spanned by the score: score = −log10(FMR) / decades. */
  decades: number;
  /** Default verdict thresholds in score space. */
  thresholds: Thresholds;
  /** The per-comparison FMR each default threshold stands for. */
  thresholdFmr: { match: number; possible: number };
  /** Enrolled faces at least this similar to one another count as one photo (near-duplicates). */
  nearDuplicate: number;
  /** Where the parameters come from (see docs/calibration.md). */
  fit: {
    date: string;
    impostorPairs: number;
    impostorFaces: number;
    /** Lowest FMR the data measured directly; below it the model extrapolates. */
    measuredDownTo: number;
    reference: string;
  };
}

const DECADES = 6;

/** Score that stands for a per-comparison false-match rate: −log10(fmr) / decades. */
export function scoreForFmr(fmr: number, decades = DECADES): number {
  return clamp01(-Math.log10(fmr) / decades);
}

/**
 * Fitted by `bench/calibration.bench.ts` on 14 394 impostor pairs among 173 faces of real people
 * (2026-12-02 run of the fused descriptor with the mirrored mobileface pass, docs/calibration.md):
 * fused cosine 0.411 ⇔ FMR 1e-2, 0.515 ⇔ 1e-3, 0.618 ⇔ 1e-4 (extrapolated). Thresholds:
 * `possible` at FMR 1e-2 (score 1/3; 89 % of independent same-person pairs reach it); `match` at
 * FMR 1e-3 (score 0.5; 62 % reach it), the lowest rate the data measures directly (13 impostor
 * pairs above it; 1e-4 would rest on about one pair, and only 6 % of independent same-person
 * pairs reached it). `nearDuplicate` 0.85: resizes and re-encodes of one picture reach fused
 * cosine 0.74–0.98, while the most alike pair of distinct photos of one person reached 0.82
 * (same-session portraits; different occasions at most 0.67): the cut stays above every
 * distinct-photo pair (merging distinct photos would understate strangers' chances) and merges
 * 13 of 30 same-source pairs (crops of part of the face fall far lower and count as distinct:
 * conservative).
 */
export const DEFAULT_CALIBRATION: Calibration = {
  // Fused descriptor: mean of the faceres and aligned-mobileface cosines, mobileface summed over
  // the chip and its mirror image (docs/calibration.md).
  modelId: 'human/faceres+mobileface-aligned-flip',
  metric: 'cosine',
  impostor: { distribution: 'logistic', location: 0.206, scale: 0.0447 },
  decades: DECADES,
  thresholds: { match: scoreForFmr(1e-3), possible: scoreForFmr(1e-2) },
  thresholdFmr: { match: 1e-3, possible: 1e-2 },
  nearDuplicate: 0.85,
  fit: {
    date: '2026-12-02',
    impostorPairs: 14394,
    impostorFaces: 173,
    measuredDownTo: 1e-3,
    reference: 'docs/calibration.md',
  },
};

function clamp01(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}

/** Cosine similarity of two descriptors (the calibrated metric); 0 for a zero vector. */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} ≠ ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const denom = Math.sqrt(na * nb);
  return denom > 0 ? dot / denom : 0;
}

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/**
 * −log10 of the FMR over `k` comparisons, 1 − (1 − FMR(s))^k, computed in logs so that it stays
 * exact (and strictly monotonic) far into both tails.
 */
function minusLog10Fmr(s: number, cal: Calibration, k: number): number {
  const { location, scale } = cal.impostor;
  const z = (s - location) / scale;
  // One comparison: −log10(1 / (1 + e^z)) = softplus(z) / ln 10.
  if (k === 1) return softplus(z) / Math.LN10;
  // log of the chance that none of k comparisons reaches s: k · log(1 − FMR) = −k · softplus(−z).
  const logNone = -k * softplus(-z);
  // FMR_k = 1 − e^logNone; near 1 use log1p, near 0 use expm1.
  if (logNone < -Math.LN2) return -Math.log1p(-Math.exp(logNone)) / Math.LN10;
  return -Math.log10(-Math.expm1(logNone));
}

/**
 * Estimated false-match rate of a similarity: the probability that a stranger reaches it in
 * `comparisons` independent comparisons (1 − (1 − FMR)^k).
 */
export function falseMatchRate(s: number, cal: Calibration = DEFAULT_CALIBRATION, comparisons = 1): number {
  if (Number.isNaN(s)) return 1;
  return 10 ** -minusLog10Fmr(s, cal, Math.max(1, comparisons));
}

/**
 * The calibrated score of a similarity, in [0, 1], non-decreasing in `similarity` (strictly
 * increasing between the clamps). `comparisons` is the number of distinct enrolled faces the
 * best similarity was taken from (see `combine`).
 */
export function scoreOf(similarity: number, cal: Calibration = DEFAULT_CALIBRATION, comparisons = 1): number {
  if (Number.isNaN(similarity)) return 0;
  return clamp01(minusLog10Fmr(similarity, cal, Math.max(1, comparisons)) / cal.decades);
}

/** The FMR a score stands for (10^(−score·decades)): 0.5 → 1e-3 with the default calibration. */
export function fmrOfScore(score: number, cal: Calibration = DEFAULT_CALIBRATION): number {
  return 10 ** (-clamp01(score) * cal.decades);
}

/** The similarity at which `scoreOf` reaches `score` (inverse, for showing thresholds as cosines). */
export function similarityForScore(
  score: number,
  cal: Calibration = DEFAULT_CALIBRATION,
  comparisons = 1,
): number {
  const fmrK = fmrOfScore(score, cal);
  const k = Math.max(1, comparisons);
  const single = k === 1 ? fmrK : -Math.expm1(Math.log1p(-fmrK) / k);
  const { location, scale } = cal.impostor;
  // 1 / (1 + e^z) = f  ⇔  z = ln(1/f − 1)
  return location + scale * Math.log(1 / single - 1);
}

/** Verdict of a score: `match` at or above `thresholds.match`, `possible` at or above `possible`. */
export function verdictOf(score: number, thresholds: Thresholds = DEFAULT_CALIBRATION.thresholds): Verdict {
  if (score >= thresholds.match) return 'match';
  if (score >= thresholds.possible) return 'possible';
  return 'no_match';
}

/** A verdict with the threshold that produced it, for the UI ("match: score 0.62 ≥ 0.50"). */
export function explainVerdict(
  score: number,
  thresholds: Thresholds = DEFAULT_CALIBRATION.thresholds,
): { verdict: Verdict; threshold: 'match' | 'possible'; value: number } {
  const verdict = verdictOf(score, thresholds);
  // A no_match is "below possible"; match and possible name the threshold they reached.
  const threshold = verdict === 'match' ? 'match' : 'possible';
  return { verdict, threshold, value: thresholds[threshold] };
}

/** Why a pair of thresholds is unusable (for Settings), or null when it is fine. */
export function thresholdsProblem(t: Thresholds): string | null {
  for (const key of ['match', 'possible'] as const) {
    if (!Number.isFinite(t[key]) || t[key] < 0 || t[key] > 1) return `${key} must be a number from 0 to 1`;
  }
  if (t.possible > t.match) return 'possible must not be above match';
  return null;
}

/**
 * How several enrolled faces of one subject are combined into one similarity:
 * - `best`: the most similar enrolled face; the score is corrected for the number of
 *   comparisons (the default, chosen by measurement: docs/calibration.md);
 * - `mean`: the mean similarity over the enrolled faces; scored as one comparison
 *   (conservative: averaging thins the impostor tail), but it loses true matches;
 * - `template`: the caller compares with `meanTemplate(...)` and passes that one similarity.
 *   Measured as accurate as best-of, but it raises strangers' similarities by an amount that
 *   depends on how alike the enrolled photos are, so the calibration does not hold for it.
 */
export type CombineStrategy = 'best' | 'mean' | 'template';

export const DEFAULT_COMBINE: CombineStrategy = 'best';

export interface Combined {
  /** The combined similarity. */
  similarity: number;
  /** The number of comparisons to pass to `scoreOf`. */
  comparisons: number;
  /** Index of the enrolled face that gave the similarity (best-of), else −1. */
  index: number;
}

/**
 * Combines a probe's similarities to each enrolled face of one subject. `distinct` is the
 * number of distinct enrolled faces (near-duplicates merged, see `distinctFaces`); it defaults
 * to the number of similarities.
 */
export function combine(
  similarities: readonly number[],
  strategy: CombineStrategy = DEFAULT_COMBINE,
  distinct: number = similarities.length,
): Combined {
  if (similarities.length === 0) return { similarity: -1, comparisons: 1, index: -1 };
  if (strategy === 'mean') {
    const sum = similarities.reduce((a, b) => a + b, 0);
    return { similarity: sum / similarities.length, comparisons: 1, index: -1 };
  }
  if (strategy === 'template') {
    if (similarities.length !== 1) throw new Error('template: pass the one similarity to meanTemplate(...)');
    return { similarity: similarities[0]!, comparisons: 1, index: -1 };
  }
  let index = 0;
  for (let i = 1; i < similarities.length; i++) if (similarities[i]! > similarities[index]!) index = i;
  const comparisons = Math.max(1, Math.min(similarities.length, Math.round(distinct)));
  return { similarity: similarities[index]!, comparisons, index };
}

/** Combines and scores in one step. */
export function combinedScore(
  similarities: readonly number[],
  cal: Calibration = DEFAULT_CALIBRATION,
  strategy: CombineStrategy = DEFAULT_COMBINE,
  distinct: number = similarities.length,
): { score: number } & Combined {
  const c = combine(similarities, strategy, distinct);
  if (similarities.length === 0) return { ...c, score: 0 };
  return { ...c, score: scoreOf(c.similarity, cal, c.comparisons) };
}

/**
 * How many of a subject's enrolled faces are distinct: greedily, a face at least
 * `nearDuplicate` similar to one already counted (the same photo at another resolution or
 * crop) is not counted again.
 */
export function distinctFaces(
  descriptors: readonly ArrayLike<number>[],
  nearDuplicate: number = DEFAULT_CALIBRATION.nearDuplicate,
): number {
  const kept: ArrayLike<number>[] = [];
  for (const d of descriptors) if (!kept.some((k) => similarity(k, d) >= nearDuplicate)) kept.push(d);
  return kept.length;
}

/** Mean of the unit-normalised descriptors, renormalised (the `template` strategy). */
export function meanTemplate(descriptors: readonly ArrayLike<number>[]): Float32Array {
  if (descriptors.length === 0) throw new Error('meanTemplate needs at least one descriptor');
  const n = descriptors[0]!.length;
  const sum = new Float64Array(n);
  for (const d of descriptors) {
    if (d.length !== n) throw new Error(`descriptor lengths differ: ${d.length} ≠ ${n}`);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += d[i]! * d[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) sum[i]! += d[i]! / norm;
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(sum, (v) => v / norm);
}
