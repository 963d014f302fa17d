import { describe, expect, it } from 'vitest';
import { paintedShare } from './redact';

describe('paintedShare', () => {
  const W = 1000;
  const H = 700;

  it('measures over the face’s area: a tiny region on a face covers almost none of it', () => {
    expect(
      paintedShare([400, 300, 32, 30], [{ box: [414, 313, 4, 4], scale: 1, shape: 'rect' }], W, H),
    ).toBeLessThan(0.05);
  });

  it('follows the ellipse: a face in a corner of its box is left bare, a centred one is covered', () => {
    const ellipse = {
      box: [399, 299, 192, 174] as [number, number, number, number],
      scale: 1,
      shape: 'ellipse' as const,
    };
    expect(paintedShare([402, 302, 32, 29], [ellipse], W, H)).toBeLessThan(0.1);
    expect(paintedShare([402, 302, 32, 29], [{ ...ellipse, shape: 'rect' }], W, H)).toBe(1);
    expect(paintedShare([479, 371, 32, 29], [ellipse], W, H)).toBe(1);
  });

  it('applies the scale the renderer grows the box by, and the union of regions', () => {
    const face: [number, number, number, number] = [100, 100, 40, 40];
    // Scale 1 ellipse on its own box leaves the corners (about 21%) bare; 1.3 covers nearly all.
    expect(paintedShare(face, [{ box: face, scale: 1, shape: 'ellipse' }], W, H)).toBeLessThan(0.85);
    expect(paintedShare(face, [{ box: face, scale: 1.5, shape: 'ellipse' }], W, H)).toBe(1);
    const halves = [
      { box: [100, 100, 20, 40] as [number, number, number, number], scale: 1, shape: 'rect' as const },
      { box: [120, 100, 20, 40] as [number, number, number, number], scale: 1, shape: 'rect' as const },
    ];
    expect(paintedShare(face, halves, W, H)).toBe(1);
    expect(paintedShare(face, halves.slice(0, 1), W, H)).toBe(0.5);
  });
});
