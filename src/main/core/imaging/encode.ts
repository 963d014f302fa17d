import sharp from 'sharp';
import type { RgbImage } from '../engine/protocol';

/** A JPEG of `img` whose longest side is at most `maxSide`. No metadata is copied. */
export async function jpegOf(img: RgbImage, maxSide: number, quality = 82) {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
