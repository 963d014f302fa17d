import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import sharp from 'sharp';
import { VigilError, type NotAnImageKind } from '../../../shared/errors';
import { readBoundedFile } from '../read-bounded';
import type { ImageSource } from '../../../shared/schemas';
import type { RgbImage } from '../engine/protocol';

export interface DecodeLimits {
  /** Largest accepted pixel count of the original (sharp's limitInputPixels). */
  maxPixels: number;
  /** Largest accepted file size in bytes. */
  maxBytes: number;
  /**
   * Longest side of the pixels handed on for analysis (boxes are scaled back by `scale`), except
   * for a long, narrow photo: see analysisScale.
   */
  maxSide: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxPixels: 100_000_000,
  maxBytes: 200 * 1024 * 1024,
  maxSide: 4096,
};

/**
 * Transparent pixels are composited onto this: the RGB under alpha 0 (an "erased" name, the old
 * background of a cut-out) is never analysed or exported.
 */
export const FLATTEN_BACKGROUND = '#ffffff';

export interface DecodedImage {
  /** The file name as the user knows it: the path given, or the uploaded name. */
  file: string;
  sha256: string;
  /** The file as it was read (enrolment keeps it so a model change can re-embed). */
  bytes: Buffer;
  format: string;
  /** Original size after EXIF orientation. */
  width: number;
  height: number;
  /** Oriented RGB pixels, scaled down by analysisScale. */
  rgb: RgbImage;
  /** Original pixels per analysed pixel (≥ 1). */
  scale: number;
  /**
   * Frames (animated GIF / WebP) or pages (TIFF, HEIF, PDF) in the file: only the first is
   * decoded. Analysis may look at that one; blur refuses more than one (it would drop the rest).
   */
  pages: number;
}

async function readSource(
  source: ImageSource,
  limits: DecodeLimits,
): Promise<{ file: string; bytes: Buffer }> {
  if ('path' in source) {
    const bytes = await readBoundedFile(
      source.path,
      limits.maxBytes,
      (size) =>
        new VigilError(
          'IMAGE_TOO_LARGE',
          `${basename(source.path)} is ${size ?? `over ${limits.maxBytes}`} bytes; the limit is ${limits.maxBytes}`,
          { file: source.path, bytes: size, limit: limits.maxBytes },
        ),
    );
    return { file: source.path, bytes };
  }
  const bytes = Buffer.from(source.bytes, 'base64');
  if (bytes.length > limits.maxBytes) {
    throw new VigilError(
      'IMAGE_TOO_LARGE',
      `${source.name} is ${bytes.length} bytes; the limit is ${limits.maxBytes}`,
      {
        file: source.name,
      },
    );
  }
  return { file: source.name, bytes };
}

/** HEIF brands of HEVC-coded photos (iPhone's .heic): libvips here decodes AVIF, not HEVC. */
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/** Whether `bytes` is an HEIF file whose major brand is an HEVC one (ISO BMFF `ftyp` box). */
export function isHevcHeif(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const ascii = (from: number) => String.fromCharCode(...bytes.subarray(from, from + 4));
  return ascii(4) === 'ftyp' && HEVC_BRANDS.has(ascii(8));
}

/** Maps libvips' messages to stable codes; the original text stays in details. */
function classify(err: unknown, file: string, limits: DecodeLimits, bytes: Uint8Array): VigilError {
  const msg = err instanceof Error ? err.message : String(err);
  const name = basename(file);
  // Formats sharp's libvips here has no decoder for, said plainly: its own words ("bad seek",
  // "unsupported image format") point nowhere.
  // details.kind says which, for a UI to word it (the English message is for scripts and logs).
  const unsupported: { kind: NotAnImageKind; what: string } | null = isHevcHeif(bytes)
    ? { kind: 'heic', what: 'an HEIC photo (HEVC)' }
    : bytes[0] === 0x42 && bytes[1] === 0x4d
      ? { kind: 'bmp', what: 'a BMP image' }
      : null;
  if (unsupported) {
    return new VigilError(
      'NOT_AN_IMAGE',
      `${name} is ${unsupported.what}, which Vigil cannot decode: save it as JPEG or PNG first`,
      { file, reason: msg, kind: unsupported.kind },
    );
  }
  if (/unsupported image format|bad seek|not a known file format/i.test(msg)) {
    return new VigilError('NOT_AN_IMAGE', `${name} is not an image Vigil can read`, { file, reason: msg });
  }
  if (/pixel limit/i.test(msg)) {
    return new VigilError('IMAGE_TOO_LARGE', `${name} has more than ${limits.maxPixels} pixels`, {
      file,
      limit: limits.maxPixels,
    });
  }
  return new VigilError('IMAGE_CORRUPT', `${name} is damaged or truncated and cannot be decoded`, {
    file,
    reason: msg,
  });
}

/**
 * How much the analysed copy is scaled down: the longest side to `maxSide`, but never below the
 * pixels a 3:2 photo keeps at that size. A panorama (12000 × 800) scaled to 4096 px wide would
 * shrink its faces 3× below what the small-face detectors find (a 38-px face was missed); it
 * keeps its full resolution, at no more cost than a 3:2 photo. Photos of 3:2 or squarer are
 * scaled as before.
 */
export function analysisScale(width: number, height: number, maxSide: number): number {
  const bySide = Math.max(width, height) / maxSide;
  const byPixels = Math.sqrt((width * height) / (maxSide * ((maxSide * 2) / 3)));
  return Math.max(1, Math.min(bySide, byPixels));
}

/**
 * sharp on an image's bytes as every decode opens it: the pixel limit, and a damaged file refused
 * only when truncated (a warning such as "premature end of data segment" still decodes).
 */
const openImage = (bytes: Uint8Array, limits: DecodeLimits) =>
  sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated', sequentialRead: true });

/**
 * The photo's oriented RGB pixels at full resolution (for rendering an export): the decoded ones
 * when they were not scaled down, else the bytes decoded again the same way.
 */
export async function fullResolutionRgb(
  img: DecodedImage,
  limits: DecodeLimits,
): Promise<{ data: Buffer; width: number; height: number }> {
  if (img.scale === 1) {
    const d = img.rgb.data;
    return { data: Buffer.from(d.buffer, d.byteOffset, d.byteLength), width: img.width, height: img.height };
  }
  try {
    const { data, info } = await openImage(img.bytes, limits)
      .rotate()
      .toColourspace('srgb')
      .flatten({ background: FLATTEN_BACKGROUND })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw classify(err, img.file, limits, img.bytes);
  }
}

/**
 * Decodes once: reads the bytes, applies EXIF orientation, enforces the limits and returns
 * RGB pixels. Every failure is a VigilError with a stable code.
 */
export async function decodeImage(
  source: ImageSource,
  limits: DecodeLimits = DEFAULT_LIMITS,
): Promise<DecodedImage> {
  const { file, bytes } = await readSource(source, limits);
  if (bytes.length === 0) {
    const kind: NotAnImageKind = 'empty';
    throw new VigilError('NOT_AN_IMAGE', `${basename(file)} is empty`, { file, kind });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const open = () => openImage(bytes, limits);
  try {
    const meta = await open().metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height || !meta.format) throw new Error('unsupported image format');
    const scale = analysisScale(width, height, limits.maxSide);
    const { data, info } = await open()
      .rotate()
      .resize({
        width: Math.round(width / scale),
        height: Math.round(height / scale),
        fit: 'fill',
        withoutEnlargement: true,
      })
      .toColourspace('srgb')
      // Onto white, as a viewer shows it: removeAlpha would publish what transparency hides.
      .flatten({ background: FLATTEN_BACKGROUND })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    return {
      file,
      sha256,
      bytes,
      format: meta.format === 'heif' ? (meta.compression ?? 'heif') : meta.format,
      width,
      height,
      rgb: {
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        width: info.width,
        height: info.height,
      },
      scale: width / info.width,
      pages: meta.pages ?? 1,
    };
  } catch (err) {
    throw classify(err, file, limits, bytes);
  }
}
