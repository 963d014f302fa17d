import { describe, expect, it } from 'vitest';
import { dropNestedDuplicates } from '../imaging/boxes';
import { coveringBox, sameFaceFound } from './runtime';

describe('dropNestedDuplicates', () => {
  const face = (box: [number, number, number, number], score: number) => ({ box, score, boxScore: score });

  it('drops a weaker box lying mostly inside a stronger one', () => {
    const outer = face([189, 17, 766, 766], 0.76);
    const inner = face([290, 161, 363, 363], 0.34);
    expect(dropNestedDuplicates([outer, inner])).toEqual([outer]);
  });

  it('keeps neighbours that only touch, and keeps input order', () => {
    const a = face([0, 0, 100, 100], 0.5);
    const b = face([90, 0, 100, 100], 0.9);
    expect(dropNestedDuplicates([a, b])).toEqual([a, b]);
  });

  it('keeps the stronger box when the weaker one encloses it', () => {
    const big = face([0, 0, 400, 400], 0.3);
    const small = face([100, 100, 150, 150], 0.9);
    expect(dropNestedDuplicates([big, small])).toEqual([small]);
  });
});

describe('sameFaceFound', () => {
  it("takes a small-face box for the pipeline's face only when it is that face (group-1.jpg's boxes)", () => {
    const pipeline: [number, number, number, number] = [292, 402, 198, 199];
    // The same woman, boxed tighter by the small-face detectors: all of it inside.
    expect(sameFaceFound(pipeline, [290, 422, 155, 154])).toBe(true);
    // Her neighbour, whom the pipeline missed: 58 % inside that box, taken for it before, left bare.
    expect(sameFaceFound(pipeline, [406, 441, 145, 142])).toBe(false);
    // Nearly the same box either way round.
    expect(sameFaceFound([100, 100, 50, 50], [104, 102, 50, 52])).toBe(true);
  });
});

describe('coveringBox', () => {
  const pipeline = { box: [269, 405, 359, 359] as const, score: 0.78 };
  it('covers a surer recall box of the same face too (an upside-down face the pipeline boxed off)', () => {
    expect(coveringBox(pipeline, { box: [266.6, 336.1, 370.1, 369.3], score: 0.95 })).toEqual([
      266, 336, 371, 428,
    ]);
  });
  it('covers a less sure recall box when a quarter of it or more lies outside', () => {
    expect(coveringBox(pipeline, { box: [269, 305, 359, 359], score: 0.6 })).toEqual([269, 305, 359, 459]);
  });
  it('keeps the pipeline box when the recall box agrees with it and is no surer', () => {
    expect(coveringBox(pipeline, { box: [275, 410, 350, 350], score: 0.7 })).toEqual([269, 405, 359, 359]);
  });
});
