import sharp from 'sharp';

/**
 * JPEG segments kept by `strippedPhoto`: APP0 (JFIF), APP2 (ICC colour profile) and APP14
 * (Adobe colour transform) change how the pixels read; every other APPn (EXIF with GPS, XMP,
 * IPTC, maker notes) and comments are dropped.
 */
const KEPT_APPS = new Set([0xe0, 0xe2, 0xee]);

/** An EXIF block holding only an orientation (big-endian TIFF, one IFD0 entry). */
function orientationExif(orientation: number): Buffer {
  // prettier-ignore
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian header, IFD0 at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/**
 * A JPEG's segments before its scan, without metadata; the compressed image data is copied
 * unchanged, so the pixels (and descriptors made from them) stay exactly as they were.
 * Hand-written: sharp re-encodes to strip, and no maintained npm package drops XMP and IPTC too.
 * Null when the bytes are not a JPEG this walk understands.
 */
function strippedJpeg(bytes: Buffer, orientation: number): Buffer | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  if (orientation > 1 && orientation <= 8) parts.push(orientationExif(orientation));
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    // Fill bytes before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    // Start of scan: the rest is image data (and the end marker), copied as it is.
    if (marker === 0xda) {
      parts.push(bytes.subarray(at));
      return Buffer.concat(parts);
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return null;
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (!(isApp && !KEPT_APPS.has(marker)) && marker !== 0xfe)
      parts.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return null;
}

/**
 * A photo without its metadata (EXIF with GPS, XMP, IPTC, comments), for files that leave the
 * machine: a JPEG keeps its image data byte for byte and only its orientation; any other format
 * is re-encoded as a lossless PNG with its orientation applied.
 */
export async function strippedPhoto(bytes: Buffer): Promise<Buffer> {
  const meta = await sharp(bytes).metadata();
  if (meta.format === 'jpeg') {
    const jpeg = strippedJpeg(bytes, meta.orientation ?? 1);
    if (jpeg) return jpeg;
  }
  return sharp(bytes).rotate().png().toBuffer();
}
