import sharp from 'sharp';
import type { RgbImage } from '../engine/protocol';

type Box = [number, number, number, number];

/** The box (original pixels) grown by `margin` around its centre, in analysed pixels, clipped. */
function region(img: RgbImage, box: Box, scale: number, margin: number) {
  const [x, y, w, h] = box.map((v) => v / scale) as Box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  const half = (Math.max(w, h) * margin) / 2;
  const left = Math.max(0, Math.floor(cx - half));
  const top = Math.max(0, Math.floor(cy - half));
  const right = Math.min(img.width, Math.ceil(cx + half));
  const bottom = Math.min(img.height, Math.ceil(cy + half));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

const raw = (img: RgbImage) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/** A square-ish JPEG crop of one face with some context, for lists and enrolled faces. */
export async function faceCropJpeg(img: RgbImage, box: Box, scale: number, side = 256): Promise<Buffer> {
  return raw(img)
    .extract(region(img, box, scale, 1.5))
    .resize({ width: side, height: side, fit: 'cover' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * Variance of the Laplacian of the face resized to 112 px grey: a standard focus measure.
 * Blurred or heavily compressed faces score low and give unreliable descriptors.
 */
export async function faceSharpness(img: RgbImage, box: Box, scale: number): Promise<number> {
  const side = 112;
  const px = await raw(img)
    .extract(region(img, box, scale, 1.0))
    .resize({ width: side, height: side, fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < side - 1; y++) {
    for (let x = 1; x < side - 1; x++) {
      const i = y * side + x;
      const lap = px[i - side]! + px[i + side]! + px[i - 1]! + px[i + 1]! - 4 * px[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return Math.round((sumSq / n - mean * mean) * 10) / 10;
}
