import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { paintedShare, redactionOverlays, type RedactShape } from './redact';

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

describe('regions at the edge of the photo', () => {
  const W = 400;
  const H = 300;
  type Box = [number, number, number, number];

  /** White photo, black (solid) regions: the mask of what the export paints, one byte a pixel. */
  async function paintedMask(box: Box, scale: number, shape: RedactShape): Promise<Buffer> {
    const white = { data: Buffer.alloc(W * H * 3, 255), width: W, height: H };
    const overlays = await redactionOverlays(white, [box], { style: 'solid', shape, scale });
    return sharp(white.data, { raw: { width: W, height: H, channels: 3 } })
      .composite(overlays)
      .removeAlpha()
      .extractChannel(0)
      .raw()
      .toBuffer();
  }
  const half0 = (halves: Box[]) => halves[0]!;
  const bareIn = (mask: Buffer, [x, y, w, h]: Box) => {
    let bare = 0;
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) if (mask[j * W + i]! > 127) bare++;
    return bare;
  };

  it('a face the edge cuts is painted right up to that edge, on every side, at any scale', async () => {
    // Boxes as a detector gives them, clipped where the face leaves the photo, and the half of
    // each box toward the edge that cuts it (what an ellipse inscribed in the box left bare).
    const cut: { box: Box; edgeHalves: Box[] }[] = [
      { box: [0, 100, 60, 120], edgeHalves: [[0, 100, 30, 120]] },
      { box: [340, 100, 60, 120], edgeHalves: [[370, 100, 30, 120]] },
      { box: [150, 0, 90, 70], edgeHalves: [[150, 0, 90, 35]] },
      { box: [150, 220, 90, 80], edgeHalves: [[150, 260, 90, 40]] },
      {
        box: [0, 0, 70, 80],
        edgeHalves: [
          [0, 0, 35, 80],
          [0, 0, 70, 40],
        ],
      },
    ];
    for (const { box, edgeHalves } of cut) {
      for (const scale of [1, 1.3, 4]) {
        const mask = await paintedMask(box, scale, 'ellipse');
        for (const half of edgeHalves) expect(bareIn(mask, half), `${box.join(',')} at ${scale}`).toBe(0);
        expect(paintedShare(half0(edgeHalves), [{ box, scale, shape: 'ellipse' }], W, H)).toBe(1);
      }
    }
  });

  it('a face inside the photo keeps its ellipse, corners bare, as paintedShare measures it', async () => {
    const box: Box = [150, 100, 80, 100];
    const mask = await paintedMask(box, 1, 'ellipse');
    expect(bareIn(mask, [150, 100, 8, 8])).toBeGreaterThan(40);
    expect(bareIn(mask, [180, 140, 20, 20])).toBe(0);
    const share = paintedShare(box, [{ box, scale: 1, shape: 'ellipse' }], W, H);
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.85);
  });

  it('an ellipse near the edge keeps its width: clipping by the photo does not narrow it', async () => {
    // 4 px in from the left edge, grown 2×: the grown ellipse reaches past the edge.
    const box: Box = [4, 100, 60, 100];
    const mask = await paintedMask(box, 2, 'ellipse');
    expect(bareIn(mask, box)).toBe(0);
  });
});
