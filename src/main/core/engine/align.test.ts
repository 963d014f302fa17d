import { describe, expect, it } from 'vitest';
import { ARCFACE_TEMPLATE, alignedChip, fitSimilarity, fuseUnit } from './align';

describe('alignment', () => {
  it('recovers a known similarity transform', () => {
    const [a, b, tx, ty] = [1.7, 0.4, 120, 80];
    const src = ARCFACE_TEMPLATE.map(
      ([x, y]) => [a * x - b * y + tx, b * x + a * y + ty] as [number, number],
    );
    const fit = fitSimilarity(ARCFACE_TEMPLATE, src);
    expect(fit.a).toBeCloseTo(a, 6);
    expect(fit.b).toBeCloseTo(b, 6);
    expect(fit.tx).toBeCloseTo(tx, 4);
    expect(fit.ty).toBeCloseTo(ty, 4);
  });

  it('samples the chip from the right place', () => {
    // A 200×200 image: left half red, right half blue; template placed unscaled at (40, 40).
    const W = 200;
    const data = new Uint8Array(W * W * 3);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) data[(y * W + x) * 3 + (x < 96 ? 0 : 2)] = 255;
    const pts = ARCFACE_TEMPLATE.map(([x, y]) => [x + 40, y + 40] as [number, number]);
    const chip = alignedChip({ data, width: W, height: W }, pts);
    expect(chip).toHaveLength(112 * 112 * 3);
    // Chip x = 10 is image x = 50 (red); chip x = 100 is image x = 140 (blue).
    expect(chip[(50 * 112 + 10) * 3]).toBeCloseTo(255);
    expect(chip[(50 * 112 + 100) * 3 + 2]).toBeCloseTo(255);
    expect(chip[(50 * 112 + 100) * 3]).toBeCloseTo(0);
  });

  it('fuses two vectors so that one cosine is the mean of both', () => {
    const cos = (x: Float32Array, y: Float32Array) => {
      let d = 0;
      let nx = 0;
      let ny = 0;
      x.forEach((v, i) => {
        d += v * y[i]!;
        nx += v * v;
        ny += y[i]! * y[i]!;
      });
      return d / Math.sqrt(nx * ny);
    };
    const a1 = Float32Array.from([3, 1, 0]);
    const a2 = Float32Array.from([1, 2, 2]);
    const b1 = Float32Array.from([0, 5]);
    const b2 = Float32Array.from([3, 4]);
    const fused = cos(fuseUnit(a1, b1), fuseUnit(a2, b2));
    expect(fused).toBeCloseTo((cos(a1, a2) + cos(b1, b2)) / 2, 6);
  });
});
