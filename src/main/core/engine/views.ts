/**
 * Other views of one photo for blur's detection passes, and the way back: the photo turned by a
 * quarter turn or more (a scan or export upside down or sideways, with no EXIF tag to undo it),
 * and the photo on a wider canvas (a face cut by the edge is a half face, which the detectors,
 * trained on whole faces with context around them, rarely score; with room past the edge they do).
 */
import sharp from 'sharp';
import type { DetectedBox } from './face-detector';
import type { RgbImage } from './protocol';
import { clipBox } from '../imaging/boxes';

type Box = [number, number, number, number];

/** Clockwise quarter turns. */
export type Turn = 1 | 2 | 3;

/** The image turned clockwise by `turn` quarter turns. */
export function turnRgb(image: RgbImage, turn: Turn): RgbImage {
  const { width: w, height: h, data } = image;
  const ow = turn === 2 ? w : h;
  const oh = turn === 2 ? h : w;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where source (x, y) lands in the turned image.
      const [tx, ty] = turn === 1 ? [h - 1 - y, x] : turn === 2 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      const si = (y * w + x) * 3;
      const di = (ty * ow + tx) * 3;
      out[di] = data[si]!;
      out[di + 1] = data[si + 1]!;
      out[di + 2] = data[si + 2]!;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** A point of the image turned by `turn`, back in the w×h original (continuous coordinates). */
function unturnPoint([x, y]: [number, number], turn: Turn, w: number, h: number): [number, number] {
  if (turn === 1) return [y, h - x];
  if (turn === 2) return [w - x, h - y];
  return [w - y, x];
}

/** A detection in the image turned by `turn` (of a w×h original), in the original's pixels. */
export function unturnBox(d: DetectedBox, turn: Turn, w: number, h: number): DetectedBox {
  const [x, y, bw, bh] = d.box;
  const a = unturnPoint([x, y], turn, w, h);
  const b = unturnPoint([x + bw, y + bh], turn, w, h);
  const box: Box = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])];
  return { box, score: d.score, keypoints: d.keypoints.map((p) => unturnPoint(p, turn, w, h)) };
}

/**
 * The image on a canvas `pad` pixels wider on every side. The default border mirrors the photo
 * across its edge: a face cut down its middle becomes a whole (symmetric) face again. On 40
 * portraits halved through the face (docs/benchmarks.md) the views found 38 with a mirrored
 * border, 34 with the edge pixels repeated, fewer with grey.
 */
export function padRgb(image: RgbImage, pad: number, fill: 'mirror' | 'edge' | 'grey' = 'mirror'): RgbImage {
  const { width: w, height: h, data } = image;
  const ow = w + 2 * pad;
  const oh = h + 2 * pad;
  const out = new Uint8Array(ow * oh * 3).fill(127);
  // Source coordinate for a canvas coordinate past the edge (-1: leave grey).
  const from = (v: number, n: number): number => {
    if (v >= 0 && v < n) return v;
    if (fill === 'grey') return -1;
    if (fill === 'edge') return Math.min(n - 1, Math.max(0, v));
    const m = v < 0 ? -v - 1 : 2 * n - 1 - v;
    return Math.min(n - 1, Math.max(0, m));
  };
  for (let y = 0; y < oh; y++) {
    const sy = from(y - pad, h);
    if (sy < 0) continue;
    const row = y * ow * 3;
    const src = sy * w * 3;
    out.set(data.subarray(src, src + w * 3), row + pad * 3);
    for (let x = 0; x < pad; x++) {
      for (const [dx, sx] of [
        [x, from(x - pad, w)],
        [pad + w + x, from(w + x, w)],
      ] as const) {
        if (sx < 0) continue;
        const si = src + sx * 3;
        const di = row + dx * 3;
        out[di] = data[si]!;
        out[di + 1] = data[si + 1]!;
        out[di + 2] = data[si + 2]!;
      }
    }
  }
  return { data: out, width: ow, height: oh };
}

/**
 * A detection on the padded canvas, back in the w×h image: shifted, and clipped to the image
 * (what lies past the edge is not in the photo). Null when nothing of it is inside.
 */
export function unpadBox(d: DetectedBox, pad: number, w: number, h: number): DetectedBox | null {
  const x0 = Math.max(0, d.box[0] - pad);
  const y0 = Math.max(0, d.box[1] - pad);
  const x1 = Math.min(w, d.box[0] + d.box[2] - pad);
  const y1 = Math.min(h, d.box[1] + d.box[3] - pad);
  if (x1 <= x0 || y1 <= y0) return null;
  return {
    box: [x0, y0, x1 - x0, y1 - y0],
    score: d.score,
    keypoints: d.keypoints.map(([x, y]) => [x - pad, y - pad] as [number, number]),
  };
}

/**
 * The image with its longer side at most `side` (bilinear-ish: sharp's default), and the factor
 * that takes its pixels back to the original's. The views look for large faces only, which stay
 * large at this size; a 12-MP photo turned or padded at full size would cost seconds and hold a
 * tensor of over 300 MB in the face pipeline.
 */
export async function shrinkRgb(image: RgbImage, side: number): Promise<{ image: RgbImage; factor: number }> {
  const long = Math.max(image.width, image.height);
  if (long <= side) return { image, factor: 1 };
  const width = Math.max(1, Math.round((image.width * side) / long));
  const height = Math.max(1, Math.round((image.height * side) / long));
  const buf = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return {
    image: { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.length), width, height },
    factor: image.width / width,
  };
}

/** A detection scaled by `factor` (back from a shrunk image). */
export function scaleBox(d: DetectedBox, factor: number): DetectedBox {
  return {
    box: d.box.map((v) => v * factor) as Box,
    score: d.score,
    keypoints: d.keypoints.map(([x, y]) => [x * factor, y * factor] as [number, number]),
  };
}

/** A detection clipped to a w×h image (boxes.ts's clipBox on its box). */
export function clipDetection(d: DetectedBox, w: number, h: number): DetectedBox {
  return { ...d, box: clipBox(d.box, w, h) };
}
