import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../../shared/errors';
import type { ImageSource } from '../../../shared/schemas';
import { sampleImage, tempDir } from '../test-support';
import { analysisScale, decodeImage, DEFAULT_LIMITS, isHevcHeif, type DecodeLimits } from './decode';

async function codeOf(source: ImageSource, limits?: Partial<DecodeLimits>): Promise<ErrorCode> {
  const err = await decodeImage(source, { ...DEFAULT_LIMITS, ...limits }).then(
    () => {
      throw new Error('decodeImage resolved; expected a VigilError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  const v = err as VigilError;
  // Messages are for people: no stack frames, no libvips internals outside details.
  expect(v.message).not.toMatch(/\n\s*at\s/);
  return v.code;
}

/** RGB of pixel (x, y) in tightly packed RGB. */
function pixel(img: { data: Uint8Array; width: number }, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

function expectColour(
  actual: [number, number, number],
  expected: [number, number, number],
  tolerance: number,
) {
  for (let c = 0; c < 3; c++)
    expect(Math.abs(actual[c]! - expected[c]!), `channel ${c} of ${actual}`).toBeLessThanOrEqual(tolerance);
}

const RED: [number, number, number] = [230, 20, 20];
const BLUE: [number, number, number] = [20, 20, 230];

/** A w×h RGB image whose left half is red and right half blue. */
function halves(width: number, height: number): ReturnType<typeof sharp> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? RED : BLUE, (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

describe('decodeImage', () => {
  let dir: string;

  beforeAll(() => {
    dir = tempDir();
  });

  it('decodes a JPEG by path into oriented RGB with its hash and format', async () => {
    const file = sampleImage(1);
    const img = await decodeImage({ path: file });
    const bytes = await readFile(file);
    expect(img.file).toBe(file);
    expect(img.format).toBe('jpeg');
    expect(img.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(img.width).toBe(1920);
    expect(img.height).toBe(1280);
    expect(img.scale).toBe(1);
    expect(img.rgb.width).toBe(1920);
    expect(img.rgb.height).toBe(1280);
    expect(img.rgb.data).toBeInstanceOf(Uint8Array);
    expect(img.rgb.data.byteLength).toBe(1920 * 1280 * 3);
  });

  it('decodes { name, bytes } exactly like the same file by path', async () => {
    const file = sampleImage(3);
    const bytes = await readFile(file);
    const byPath = await decodeImage({ path: file });
    const byBytes = await decodeImage({ name: 'upload.jpg', bytes: bytes.toString('base64') });
    expect(byBytes.file).toBe('upload.jpg');
    expect(byBytes.sha256).toBe(byPath.sha256);
    expect(byBytes.format).toBe(byPath.format);
    expect([byBytes.width, byBytes.height]).toEqual([byPath.width, byPath.height]);
    expect(Buffer.from(byBytes.rgb.data).equals(Buffer.from(byPath.rgb.data))).toBe(true);
  });

  it('rejects a text file as NOT_AN_IMAGE', async () => {
    const file = join(dir, 'notes.jpg');
    await writeFile(file, 'These are not the pixels you are looking for.\n'.repeat(20));
    expect(await codeOf({ path: file })).toBe('NOT_AN_IMAGE');
    expect(await codeOf({ name: 'notes.txt', bytes: Buffer.from('hello world').toString('base64') })).toBe(
      'NOT_AN_IMAGE',
    );
    // Nothing more is known of it: no kind, the decoder's words in reason.
    const err = (await decodeImage({ path: file }).catch((e: VigilError) => e)) as VigilError;
    expect(err.message).toBe('notes.jpg is not an image Vigil can read');
    expect(err.details).toMatchObject({ file, reason: expect.any(String) });
    expect(err.details).not.toHaveProperty('kind');
  });

  it('says an HEIC photo (HEVC) or a BMP cannot be decoded, in words, where libvips says "bad seek"', async () => {
    // An iPhone HEIC's opening: the ftyp box with the heic brand, then what libvips cannot read.
    const ftyp = Buffer.concat([
      Buffer.from([0, 0, 0, 0x1c]),
      Buffer.from('ftypheic'),
      Buffer.alloc(4),
      Buffer.from('mif1heicmiaf'),
    ]);
    const file = join(dir, 'IMG_0001.HEIC');
    await writeFile(file, Buffer.concat([ftyp, Buffer.alloc(4000, 7)]));
    const err = await decodeImage({ path: file }).catch((e: VigilError) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('NOT_AN_IMAGE');
    expect((err as VigilError).message).toBe(
      'IMG_0001.HEIC is an HEIC photo (HEVC), which Vigil cannot decode: save it as JPEG or PNG first',
    );
    // details.kind says why for a UI to word it; file and reason stay.
    expect((err as VigilError).details).toMatchObject({ file, kind: 'heic', reason: expect.any(String) });
    // AVIF is HEIF too, with AV1: decoded, never taken for HEVC.
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .avif()
      .toBuffer();
    expect(isHevcHeif(avif)).toBe(false);
    expect(isHevcHeif(ftyp)).toBe(true);
    // BMP neither: a 1x1 24-bit one.
    const bmp = Buffer.concat([
      Buffer.from('BM'),
      Buffer.from([58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0]),
      Buffer.alloc(28),
    ]);
    await writeFile(join(dir, 'scan.bmp'), bmp);
    const bmpErr = (await decodeImage({ path: join(dir, 'scan.bmp') }).catch(
      (e: VigilError) => e,
    )) as VigilError;
    expect(bmpErr.message).toBe(
      'scan.bmp is a BMP image, which Vigil cannot decode: save it as JPEG or PNG first',
    );
    expect(bmpErr.details).toMatchObject({
      file: join(dir, 'scan.bmp'),
      kind: 'bmp',
      reason: expect.any(String),
    });
  });

  it('rejects an empty file as NOT_AN_IMAGE', async () => {
    const file = join(dir, 'empty.png');
    await writeFile(file, '');
    expect(await codeOf({ path: file })).toBe('NOT_AN_IMAGE');
    expect(await codeOf({ name: 'empty.png', bytes: '' })).toBe('NOT_AN_IMAGE');
    await expect(decodeImage({ path: file })).rejects.toMatchObject({
      message: 'empty.png is empty',
      details: { file, kind: 'empty' },
    });
    await expect(decodeImage({ name: 'empty.png', bytes: '' })).rejects.toMatchObject({
      details: { file: 'empty.png', kind: 'empty' },
    });
  });

  it('rejects a truncated JPEG as IMAGE_CORRUPT', async () => {
    const bytes = await readFile(sampleImage(1));
    const file = join(dir, 'truncated.jpg');
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(await codeOf({ path: file })).toBe('IMAGE_CORRUPT');
  });

  it('rejects more pixels than maxPixels as IMAGE_TOO_LARGE', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const file = join(dir, 'big.png');
    await writeFile(file, png);
    expect(await codeOf({ path: file }, { maxPixels: 300 * 200 - 1 })).toBe('IMAGE_TOO_LARGE');
    // At the limit it decodes.
    const ok = await decodeImage({ path: file }, { ...DEFAULT_LIMITS, maxPixels: 300 * 200 });
    expect([ok.width, ok.height]).toEqual([300, 200]);
  });

  it('rejects more bytes than maxBytes as IMAGE_TOO_LARGE, by path and by bytes', async () => {
    const file = sampleImage(2);
    const size = (await readFile(file)).length;
    expect(await codeOf({ path: file }, { maxBytes: size - 1 })).toBe('IMAGE_TOO_LARGE');
    const b64 = (await readFile(file)).toString('base64');
    expect(await codeOf({ name: 'x.jpg', bytes: b64 }, { maxBytes: size - 1 })).toBe('IMAGE_TOO_LARGE');
  });

  it.runIf(process.platform === 'linux')(
    'counts the bytes it reads: a /proc file says it holds 0 and holds more',
    async () => {
      expect((await stat('/proc/self/status')).size).toBe(0);
      await expect(
        decodeImage({ path: '/proc/self/status' }, { ...DEFAULT_LIMITS, maxBytes: 100 }),
      ).rejects.toMatchObject({
        code: 'IMAGE_TOO_LARGE',
        message: 'status is over 100 bytes; the limit is 100',
      });
    },
  );

  it.runIf(process.platform === 'linux')(
    'refuses a FIFO and a device at once instead of waiting on them',
    async () => {
      const fifo = join(dir, 'photo-pipe.jpg');
      execFileSync('mkfifo', [fifo]);
      expect(await codeOf({ path: fifo })).toBe('BAD_INPUT');
      expect(await codeOf({ path: '/dev/zero' })).toBe('BAD_INPUT');
    },
  );

  it('refuses a relative path, which would depend on the folder Vigil was started in', async () => {
    await expect(
      decodeImage({ path: 'node_modules/@vladmandic/face-api/demo/sample1.jpg' }, DEFAULT_LIMITS),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'Give node_modules/@vladmandic/face-api/demo/sample1.jpg as an absolute path',
      details: { file: 'node_modules/@vladmandic/face-api/demo/sample1.jpg', reason: 'relative' },
    });
  });

  it('reports a missing path as FILE_NOT_FOUND and a directory as BAD_INPUT', async () => {
    expect(await codeOf({ path: join(dir, 'no-such-photo.jpg') })).toBe('FILE_NOT_FOUND');
    const sub = join(dir, 'a-folder.jpg');
    await mkdir(sub);
    expect(await codeOf({ path: sub })).toBe('BAD_INPUT');
  });

  it('applies EXIF orientation to the size and the pixels', async () => {
    // Stored 200×100, left half red; orientation 6 = rotate 90° clockwise to display.
    const jpeg = await halves(200, 100).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const img = await decodeImage({ name: 'rotated.jpg', bytes: jpeg.toString('base64') });
    expect([img.width, img.height]).toEqual([100, 200]);
    expect([img.rgb.width, img.rgb.height]).toEqual([100, 200]);
    // The stored left column becomes the top row: red on top, blue below.
    expectColour(pixel(img.rgb, 50, 20), RED, 24);
    expectColour(pixel(img.rgb, 50, 180), BLUE, 24);
    expectColour(pixel(img.rgb, 5, 50), RED, 24);
    expectColour(pixel(img.rgb, 95, 150), BLUE, 24);
  });

  it('leaves an unrotated image as stored', async () => {
    const png = await halves(200, 100).png().toBuffer();
    const img = await decodeImage({ name: 'flat.png', bytes: png.toString('base64') });
    expect([img.width, img.height]).toEqual([200, 100]);
    expect(pixel(img.rgb, 20, 50)).toEqual(RED);
    expect(pixel(img.rgb, 180, 50)).toEqual(BLUE);
  });

  it('decodes greyscale, RGBA and 16-bit PNGs to 8-bit RGB', async () => {
    const grey = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 77, g: 77, b: 77 } },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const rgba = await sharp({
      create: { width: 40, height: 30, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 1 } },
    })
      .png()
      .toBuffer();
    expect((await sharp(rgba).metadata()).channels).toBe(4);
    const deep = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 250, g: 128, b: 5 } },
    })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');

    const cases: [Buffer, [number, number, number]][] = [
      [grey, [77, 77, 77]],
      [rgba, [10, 200, 30]],
      [deep, [250, 128, 5]],
    ];
    for (const [png, colour] of cases) {
      const img = await decodeImage({ name: 'x.png', bytes: png.toString('base64') });
      expect(img.format).toBe('png');
      expect([img.width, img.height]).toEqual([40, 30]);
      expect(img.rgb.data.byteLength).toBe(40 * 30 * 3);
      expectColour(pixel(img.rgb, 20, 15), colour, 1);
    }
  });

  it('flattens transparency onto white: the RGB under alpha 0 is gone, half alpha is blended', async () => {
    // Black everywhere; alpha 0 on the left half, 255 on the right, 128 in the bottom row.
    const [w, h] = [40, 30];
    const rgba = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rgba[(y * w + x) * 4 + 3] = y === h - 1 ? 128 : x < w / 2 ? 0 : 255;
    const png = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toBuffer();
    const img = await decodeImage({ name: 'hidden.png', bytes: png.toString('base64') });
    expectColour(pixel(img.rgb, 5, 10), [255, 255, 255], 0);
    expectColour(pixel(img.rgb, 30, 10), [0, 0, 0], 0);
    expectColour(pixel(img.rgb, 30, h - 1), [127, 127, 127], 2);
  });

  it('decodes the first frame of an animated GIF and says how many it has', async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 60, height: 40, channels: 3, background } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } })
      .gif()
      .toBuffer();
    const img = await decodeImage({ name: 'anim.gif', bytes: gif.toString('base64') });
    expect([img.width, img.height, img.pages]).toEqual([60, 40, 2]);
    expectColour(pixel(img.rgb, 30, 20), [255, 0, 0], 8);
    const still = await decodeImage({ name: 'x.png', bytes: (await frame('#00ff00')).toString('base64') });
    expect(still.pages).toBe(1);
  });

  it('downscales a large photo to maxSide and reports the scale back to the original', async () => {
    const jpeg = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#3366cc' } })
      .jpeg({ quality: 70 })
      .toBuffer();
    const file = join(dir, 'huge.jpg');
    await writeFile(file, jpeg);
    const img = await decodeImage({ path: file });
    expect([img.width, img.height]).toEqual([6000, 4000]);
    expect(Math.max(img.rgb.width, img.rgb.height)).toBe(DEFAULT_LIMITS.maxSide);
    expect(img.scale).toBeGreaterThan(1);
    expect(img.scale).toBeCloseTo(6000 / DEFAULT_LIMITS.maxSide, 3);
    expect(img.rgb.height * img.scale).toBeCloseTo(4000, -1);
    expect(img.rgb.data.byteLength).toBe(img.rgb.width * img.rgb.height * 3);

    const small = await decodeImage({ path: file }, { ...DEFAULT_LIMITS, maxSide: 600 });
    expect([small.rgb.width, small.rgb.height]).toEqual([600, 400]);
    expect(small.scale).toBe(10);
  });

  it('keeps a panorama at full resolution up to the pixels of a 3:2 photo at maxSide', () => {
    expect(analysisScale(12000, 800, 4096)).toBe(1);
    expect(analysisScale(800, 12000, 4096)).toBe(1);
    // 16 MP in a strip: down to 4096 × 2731's pixels, still 3× wider than maxSide.
    const s = analysisScale(16000, 1000, 4096);
    expect((16000 / s) * (1000 / s)).toBeCloseTo(4096 * 4096 * (2 / 3), -3);
    expect(16000 / s).toBeGreaterThan(13000);
    // 3:2 and squarer: the longest side to maxSide, as before.
    expect(analysisScale(6000, 4000, 4096)).toBeCloseTo(6000 / 4096, 3);
    expect(analysisScale(8000, 6000, 4096)).toBe(8000 / 4096);
    expect(analysisScale(5000, 5000, 4096)).toBe(5000 / 4096);
    expect(analysisScale(4000, 3000, 4096)).toBe(1);
  });
});
