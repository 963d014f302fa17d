import { describe, expect, it } from 'vitest';
import type { RgbImage } from './protocol';
import { clipDetection, padRgb, turnRgb, unpadBox, unturnBox, type Turn } from './views';

/** A w×h image whose pixel (x, y) is [x, y, 7]. */
function ramp(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return { data, width: w, height: h };
}

const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('turned views', () => {
  it('turns clockwise and maps a box found in the turned view back onto the same pixels', () => {
    const img = ramp(5, 3);
    for (const turn of [1, 2, 3] as Turn[]) {
      const view = turnRgb(img, turn);
      expect([view.width, view.height]).toEqual(turn === 2 ? [5, 3] : [3, 5]);
      // The one-pixel box over each view pixel maps back onto the original pixel it shows.
      for (let y = 0; y < view.height; y++) {
        for (let x = 0; x < view.width; x++) {
          const back = unturnBox(
            { box: [x, y, 1, 1], score: 1, keypoints: [[x + 0.5, y + 0.5]] },
            turn,
            5,
            3,
          );
          const [ox, oy] = px(view, x, y);
          expect(back.box).toEqual([ox, oy, 1, 1]);
          expect(back.keypoints[0]).toEqual([ox! + 0.5, oy! + 0.5]);
        }
      }
    }
    // 90° clockwise: the top-left pixel goes to the top-right corner.
    expect(px(turnRgb(img, 1), 2, 0)).toEqual([0, 0, 7]);
  });
});

describe('padded views', () => {
  it('mirrors the photo across its edges and clips boxes back to the photo', () => {
    const img = ramp(4, 3);
    const view = padRgb(img, 2);
    expect([view.width, view.height]).toEqual([8, 7]);
    expect(px(view, 2, 2)).toEqual([0, 0, 7]);
    // Mirrored: one past the left edge shows column 0, two past it column 1; same below.
    expect(px(view, 1, 2)).toEqual([0, 0, 7]);
    expect(px(view, 0, 2)).toEqual([1, 0, 7]);
    expect(px(view, 7, 6)).toEqual([2, 1, 7]);
    expect(px(padRgb(img, 2, 'grey'), 0, 0)).toEqual([127, 127, 127]);
    expect(px(padRgb(img, 2, 'edge'), 0, 0)).toEqual([0, 0, 7]);

    // A face half past the right edge: its box ends at the photo's edge.
    const d = { box: [4, 1, 4, 3] as [number, number, number, number], score: 0.9, keypoints: [] };
    expect(unpadBox(d, 2, 4, 3)?.box).toEqual([2, 0, 2, 2]);
    // Wholly in the border: nothing of it is in the photo.
    expect(unpadBox({ ...d, box: [0, 0, 2, 2] }, 2, 4, 3)).toBeNull();
  });

  it('clips to the photo on whole pixels that cover the box', () => {
    const d = { box: [10.4, -2, 89.8, 20.2] as [number, number, number, number], score: 1, keypoints: [] };
    expect(clipDetection(d, 100, 50).box).toEqual([10, 0, 90, 19]);
  });
});
