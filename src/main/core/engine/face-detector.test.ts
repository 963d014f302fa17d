import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../imaging/decode';
import { iou } from '../imaging/boxes';
import { sampleImage, testEngineOptions } from '../test-support';
import { Engine } from './engine';
import { DEFAULT_BLUR } from '../../../shared/blur-schemas';
import { DEFAULT_DETECTOR, nms, passScales } from './face-detector';
import type { RgbImage } from './protocol';

type Box = [number, number, number, number];

describe('pass scales', () => {
  it('sizes the first pass for the smallest face and ends with the whole photo in 256 px', () => {
    const s = passScales(4000, 24);
    expect(s[0]).toBeCloseTo(14 / 24);
    expect(s[s.length - 1]).toBeCloseTo(256 / 4000);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThan(s[i - 1]!);
    // Never upscales; a small photo is one pass.
    expect(passScales(200, 8)).toEqual([1]);
  });
});

describe('nms', () => {
  it('merges overlapping boxes into their score-weighted mean and keeps separate ones', () => {
    const kp: [number, number][] = [];
    const out = nms(
      [
        { box: [0, 0, 10, 10], score: 0.9, keypoints: kp },
        { box: [2, 0, 10, 10], score: 0.3, keypoints: kp },
        { box: [50, 50, 10, 10], score: 0.5, keypoints: kp },
      ],
      0.3,
    );
    expect(out).toHaveLength(2);
    expect(out[0]!.score).toBe(0.9);
    expect(out[0]!.box[0]).toBeCloseTo(0.5);
    expect(out[1]!.box).toEqual([50, 50, 10, 10]);
  });
});

describe('small faces in a large photo (engine recall mode)', () => {
  let engine: Engine;
  let photo: RgbImage;
  const truth: Box[] = [];

  beforeAll(async () => {
    engine = new Engine(testEngineOptions());
    // Four faces of sample 1 and 5 at 40–60 px on a 4000×3000 background of the same photo.
    const overlays: { input: Buffer; left: number; top: number }[] = [];
    const faces: [number, Box][] = [
      [1, [334, 316, 352, 352]],
      [1, [1438, 205, 279, 279]],
      [5, [279, 847, 370, 371]],
      [1, [773, 386, 327, 326]],
    ];
    for (const [i, [n, [x, y, w, h]]] of faces.entries()) {
      const side = 40 + i * 7;
      const m = 0.35;
      const crop = await sharp(sampleImage(n))
        .extract({
          left: Math.round(x - w * m),
          top: Math.round(y - h * m),
          width: Math.round(w * (1 + 2 * m)),
          height: Math.round(h * (1 + 2 * m)),
        })
        .resize(Math.round(side * (1 + 2 * m)))
        .toBuffer();
      const left = 500 + i * 900;
      const top = 800 + (i % 2) * 1100;
      overlays.push({ input: crop, left, top });
      const off = Math.round(side * m);
      truth.push([left + off, top + off, side, side]);
    }
    const bytes = await sharp(sampleImage(2))
      .extract({ left: 0, top: 1000, width: 160, height: 120 })
      .resize(4000, 3000, { fit: 'fill' })
      .composite(overlays)
      .jpeg()
      .toBuffer();
    photo = (await decodeImage({ name: 'crowd.jpg', bytes: bytes.toString('base64') })).rgb;
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('finds faces the whole-photo pipeline misses, as boxes without descriptors', async () => {
    // IoU ≥ 0.45: the box covers the face forehead to chin, as blur needs, not just its middle.
    const found = (boxes: { box: Box }[]) => truth.filter((t) => boxes.some((b) => iou(t, b.box) >= 0.45));
    const plain = await engine.detect(photo);
    expect(found(plain)).toHaveLength(0);
    const recall = await engine.detect(photo, { recall: DEFAULT_DETECTOR });
    expect(found(recall)).toHaveLength(truth.length);
    const small = recall.filter((f) => truth.some((t) => iou(t, f.box) >= 0.3));
    for (const f of small) {
      expect(f.descriptor).toHaveLength(0);
      expect(f.detector).toBe('small-face');
      expect(f.score).toBeGreaterThanOrEqual(DEFAULT_DETECTOR.minScore);
    }
  });

  it('adds nothing to the shipped sample photos beyond their faces', async () => {
    for (const n of [4, 5, 6]) {
      const img = await decodeImage({ path: sampleImage(n) });
      const plain = await engine.detect(img.rgb);
      const recall = await engine.detect(img.rgb, { recall: DEFAULT_DETECTOR });
      expect(recall.length, `sample${n}`).toBe(plain.length);
    }
  });
});

describe('faces blur must not miss: cut by the edge, upside down (DetectorOptions turns, edges)', () => {
  let engine: Engine;
  const thresh = DEFAULT_BLUR.thresh;
  const decoded = async (bytes: Buffer) =>
    (await decodeImage({ name: 'view.jpg', bytes: bytes.toString('base64') })).rgb;

  beforeAll(() => {
    engine = new Engine(testEngineOptions());
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('finds a face the right edge cuts through its middle, its box within the photo', async () => {
    // Sample 3's right face is at [1372, 244, 409, 409]: cut at x = 1577, its left half remains.
    const photo = await decoded(
      await sharp(sampleImage(3)).extract({ left: 0, top: 0, width: 1577, height: 1350 }).jpeg().toBuffer(),
    );
    const half: Box = [1372, 244, 205, 409];
    const faces = (await engine.detect(photo, { recall: DEFAULT_DETECTOR, describe: false })).filter(
      (f) => f.score >= thresh,
    );
    expect(faces.some((f) => iou(f.box, half) >= 0.3)).toBe(true);
    for (const { box } of faces) {
      expect(box[0]).toBeGreaterThanOrEqual(0);
      expect(box[1]).toBeGreaterThanOrEqual(0);
      expect(box[0] + box[2]).toBeLessThanOrEqual(photo.width);
      expect(box[1] + box[3]).toBeLessThanOrEqual(photo.height);
    }
  });

  it('finds as many faces in a group photo turned 180° in its pixels as upright', async () => {
    const count = async (img: RgbImage) =>
      (await engine.detect(img, { recall: DEFAULT_DETECTOR, describe: false })).filter(
        (f) => f.score >= thresh,
      ).length;
    const upright = await count((await decodeImage({ path: sampleImage(2) })).rgb);
    expect(upright).toBe(3);
    // No EXIF tag: the pixels themselves are upside down, as a scan or some exports are.
    const upsideDown = await decoded(await sharp(sampleImage(2)).rotate(180).jpeg().toBuffer());
    expect(await count(upsideDown)).toBe(upright);
  });
});
