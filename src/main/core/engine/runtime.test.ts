import { describe, expect, it } from 'vitest';
import { dropNestedDuplicates } from '../imaging/boxes';

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
