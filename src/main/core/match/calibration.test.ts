import { describe, expect, it } from 'vitest';
import {
  combine,
  combinedScore,
  DEFAULT_CALIBRATION,
  distinctFaces,
  explainVerdict,
  falseMatchRate,
  fmrOfScore,
  meanTemplate,
  scoreForFmr,
  scoreOf,
  similarity,
  similarityForScore,
  thresholdsProblem,
  verdictOf,
  type Calibration,
} from './calibration';

const cal = DEFAULT_CALIBRATION;
const grid = (from: number, to: number, steps: number) =>
  Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps);

/** A deterministic pseudo-random vector (no Math.random: the tests must not flake). */
function vector(seed: number, n = 64): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (a / 2 ** 32) * 2 - 1;
  });
}

describe('DEFAULT_CALIBRATION', () => {
  it('names the model, the metric and thresholds with the FMR each stands for', () => {
    expect(cal.modelId).toBe('human/faceres+mobileface-aligned-flip');
    expect(cal.metric).toBe('cosine');
    expect(cal.thresholds.match).toBeCloseTo(0.5, 12);
    expect(cal.thresholds.possible).toBeCloseTo(1 / 3, 12);
    expect(fmrOfScore(cal.thresholds.match)).toBeCloseTo(cal.thresholdFmr.match, 12);
    expect(fmrOfScore(cal.thresholds.possible)).toBeCloseTo(cal.thresholdFmr.possible, 12);
    expect(thresholdsProblem(cal.thresholds)).toBeNull();
  });

  it('ships the fused-descriptor fit of the 2026-12-02 calibration run', () => {
    // docs/calibration.md: logistic impostor tail fitted on 14 394 pairs among 173 faces.
    expect(cal.impostor).toEqual({ distribution: 'logistic', location: 0.206, scale: 0.0447 });
    expect(cal.fit).toMatchObject({ date: '2026-12-02', impostorPairs: 14394, impostorFaces: 173 });
    expect(cal.fit.measuredDownTo).toBe(1e-3);
  });

  it('puts the default thresholds at the cosines the calibration run measured', () => {
    // docs/calibration.md: fused cosine at FMR 1e-2 ≈ 0.411 (measured 0.417), at 1e-3 ≈ 0.515
    // (measured 0.509), 1e-4 ≈ 0.618 (extrapolated); one enrolled face.
    expect(similarityForScore(cal.thresholds.possible)).toBeCloseTo(0.4114, 3);
    expect(similarityForScore(cal.thresholds.match)).toBeCloseTo(0.5147, 3);
    expect(similarityForScore(scoreForFmr(1e-4))).toBeCloseTo(0.6177, 3);
  });

  it('puts the near-duplicate cut between distinct photos of one person and resizes of one', () => {
    // docs/calibration.md: distinct photos of one person reached fused cosine 0.817 at most
    // (same-session portraits; different occasions 0.667); resizes of one picture 0.85–0.98.
    expect(cal.nearDuplicate).toBeGreaterThan(0.817);
    expect(cal.nearDuplicate).toBeLessThanOrEqual(0.86);
  });
});

describe('scoreOf', () => {
  it('stays in [0, 1] for every input, including NaN and infinities', () => {
    for (const s of [...grid(-1, 1, 400), -Infinity, Infinity, NaN, 1e9, -1e9]) {
      for (const k of [1, 2, 7, 1000]) {
        const score = scoreOf(s, cal, k);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    }
    expect(scoreOf(NaN)).toBe(0);
    expect(scoreOf(-1)).toBeLessThan(0.01);
    expect(scoreOf(1)).toBe(1);
  });

  it('is non-decreasing in similarity, and strictly increasing between the clamps', () => {
    for (const k of [1, 3, 10]) {
      let previous = -1;
      for (const s of grid(-1, 1, 2000)) {
        const score = scoreOf(s, cal, k);
        expect(score).toBeGreaterThanOrEqual(previous);
        if (previous > 0 && previous < 1) expect(score).toBeGreaterThan(previous);
        previous = score;
      }
    }
  });

  it('maps a similarity to −log10(FMR)/6: 1/3 ⇔ 1e-2, 0.5 ⇔ 1e-3, 2/3 ⇔ 1e-4', () => {
    for (const fmr of [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]) {
      const s = similarityForScore(scoreForFmr(fmr));
      expect(falseMatchRate(s)).toBeCloseTo(fmr, 10);
      expect(scoreOf(s)).toBeCloseTo(-Math.log10(fmr) / 6, 10);
    }
    expect(scoreForFmr(1e-4)).toBeCloseTo(2 / 3, 12);
    // At the impostor location half of all strangers score higher: FMR 0.5.
    expect(falseMatchRate(cal.impostor.location)).toBeCloseTo(0.5, 12);
  });

  it('inverts with similarityForScore, for one or several comparisons', () => {
    for (const k of [1, 2, 5]) {
      for (const score of grid(0.05, 0.95, 18)) {
        expect(scoreOf(similarityForScore(score, cal, k), cal, k)).toBeCloseTo(score, 9);
      }
    }
  });

  it('lowers the score when the best of several faces was taken (about log10(k)/6 in the tail)', () => {
    const s = 0.7;
    expect(scoreOf(s, cal, 3)).toBeLessThan(scoreOf(s, cal, 1));
    expect(scoreOf(s, cal, 3)).toBeCloseTo(scoreOf(s, cal, 1) - Math.log10(3) / 6, 3);
    expect(falseMatchRate(s, cal, 3)).toBeCloseTo(1 - (1 - falseMatchRate(s)) ** 3, 12);
    // Fewer than one comparison is treated as one.
    expect(scoreOf(s, cal, 0)).toBe(scoreOf(s, cal, 1));
  });

  it('does not underflow far in the tail', () => {
    const high = scoreOf(0.999);
    expect(high).toBe(1);
    expect(Number.isFinite(falseMatchRate(0.999))).toBe(true);
    expect(falseMatchRate(0.999)).toBeGreaterThan(0);
  });

  it('follows a different calibration when given one', () => {
    const strict: Calibration = {
      ...cal,
      impostor: { ...cal.impostor, location: cal.impostor.location + 0.1 },
    };
    expect(scoreOf(0.65, strict)).toBeLessThan(scoreOf(0.65, cal));
  });
});

describe('verdictOf', () => {
  const t = { match: 0.5, possible: 1 / 3 };

  it('gives match at or above match, possible at or above possible, else no_match', () => {
    expect(verdictOf(0.5, t)).toBe('match');
    expect(verdictOf(0.9, t)).toBe('match');
    expect(verdictOf(0.4999, t)).toBe('possible');
    expect(verdictOf(1 / 3, t)).toBe('possible');
    expect(verdictOf(0.3333, t)).toBe('no_match');
    expect(verdictOf(0, t)).toBe('no_match');
    expect(verdictOf(NaN, t)).toBe('no_match');
  });

  it('uses the default thresholds when none are given, and user thresholds when they are', () => {
    expect(verdictOf(0.45)).toBe('possible');
    expect(verdictOf(0.45, { match: 0.4, possible: 0.2 })).toBe('match');
    expect(verdictOf(0.45, { match: 0.8, possible: 0.6 })).toBe('no_match');
    // possible = match: nothing is ever "possible".
    expect(verdictOf(0.45, { match: 0.5, possible: 0.5 })).toBe('no_match');
  });

  it('says which threshold produced the verdict', () => {
    expect(explainVerdict(0.7, t)).toEqual({ verdict: 'match', threshold: 'match', value: 0.5 });
    expect(explainVerdict(0.4, t)).toEqual({ verdict: 'possible', threshold: 'possible', value: 1 / 3 });
    expect(explainVerdict(0.1, t)).toEqual({ verdict: 'no_match', threshold: 'possible', value: 1 / 3 });
  });

  it('rejects unusable thresholds', () => {
    expect(thresholdsProblem({ match: 0.5, possible: 0.6 })).toMatch(/possible/);
    expect(thresholdsProblem({ match: 1.2, possible: 0.3 })).toMatch(/match/);
    expect(thresholdsProblem({ match: 0.5, possible: NaN })).toMatch(/possible/);
    expect(thresholdsProblem({ match: 0.5, possible: 0.5 })).toBeNull();
  });
});

describe('similarity', () => {
  it('is the cosine of the raw vectors: scale-free, symmetric, 1 for itself', () => {
    const a = vector(1);
    const b = vector(2);
    expect(similarity(a, a)).toBeCloseTo(1, 6);
    expect(similarity(a, b)).toBeCloseTo(similarity(b, a), 12);
    expect(
      similarity(
        a.map((x) => x * 7.5),
        b,
      ),
    ).toBeCloseTo(similarity(a, b), 6);
    expect(
      similarity(
        a,
        a.map((x) => -x),
      ),
    ).toBeCloseTo(-1, 6);
    expect(similarity(new Float32Array(64), a)).toBe(0);
    expect(() => similarity(a, vector(3, 32))).toThrow(/lengths differ/);
  });
});

describe('combine', () => {
  it('best-of takes the highest similarity, its index, and the number of distinct faces', () => {
    expect(combine([0.2, 0.7, 0.5])).toEqual({ similarity: 0.7, comparisons: 3, index: 1 });
    expect(combine([0.2, 0.7, 0.5], 'best', 2)).toEqual({ similarity: 0.7, comparisons: 2, index: 1 });
    // distinct is clamped to [1, number of faces].
    expect(combine([0.2, 0.7], 'best', 9).comparisons).toBe(2);
    expect(combine([0.2, 0.7], 'best', 0).comparisons).toBe(1);
  });

  it('mean averages the similarities and counts as one comparison', () => {
    const c = combine([0.2, 0.7, 0.6], 'mean');
    expect(c.similarity).toBeCloseTo(0.5, 12);
    expect(c.comparisons).toBe(1);
    expect(c.index).toBe(-1);
  });

  it('template takes the one similarity to meanTemplate(...)', () => {
    expect(combine([0.66], 'template')).toEqual({ similarity: 0.66, comparisons: 1, index: -1 });
    expect(() => combine([0.66, 0.7], 'template')).toThrow(/meanTemplate/);
  });

  it('scores an empty subject 0', () => {
    expect(combinedScore([]).score).toBe(0);
  });

  it('scores best-of below a single face with the same similarity, and never above it', () => {
    const one = combinedScore([0.7]);
    const three = combinedScore([0.7, 0.4, 0.5]);
    const threeDuplicates = combinedScore([0.7, 0.4, 0.5], cal, 'best', 1);
    expect(three.score).toBeLessThan(one.score);
    expect(threeDuplicates.score).toBeCloseTo(one.score, 12);
    expect(three.score).toBeCloseTo(scoreOf(0.7, cal, 3), 12);
  });
});

describe('distinctFaces and meanTemplate', () => {
  it('counts near-duplicate enrolled faces once', () => {
    const a = vector(10);
    const b = vector(11);
    const aAgain = a.map((x, i) => x + (i % 2 ? 0.01 : -0.01));
    expect(similarity(a, aAgain)).toBeGreaterThan(cal.nearDuplicate);
    expect(distinctFaces([a, aAgain, b])).toBe(2);
    expect(distinctFaces([a, b, vector(12)])).toBe(3);
    expect(distinctFaces([])).toBe(0);
  });

  it('averages unit vectors into a unit template', () => {
    const a = vector(20);
    const b = vector(21);
    const t = meanTemplate([a.map((x) => x * 10), b]);
    const norm = Math.sqrt(t.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    // Equidistant from both inputs whatever their lengths.
    expect(similarity(t, a)).toBeCloseTo(similarity(t, b), 5);
    expect(() => meanTemplate([])).toThrow();
    expect(() => meanTemplate([a, vector(22, 32)])).toThrow(/lengths differ/);
  });
});
