import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '../imaging/boxes';
import { smallFacesPhoto, testEngineOptions } from '../test-support';
import type { RgbImage } from './protocol';
import { decodeHead, RETINAFACE_MODEL, RetinaFace, retinaScore } from './retinaface';

import type { Box } from '../imaging/boxes';

describe('retinaScore', () => {
  it('puts RetinaFace’s operating point on BlazeFace’s threshold, keeping order', () => {
    expect(retinaScore(0.8)).toBeCloseTo(0.6);
    expect(retinaScore(1)).toBeCloseTo(1);
    expect(retinaScore(0)).toBe(0);
    let last = -1;
    for (let p = 0; p <= 1.0001; p += 0.01) {
      expect(retinaScore(p)).toBeGreaterThanOrEqual(last);
      last = retinaScore(p);
    }
  });
});

describe('decodeHead', () => {
  it('decodes insightface anchors: centre stride·cell + 7.5, size from the anchor', () => {
    const gh = 2;
    const gw = 3;
    const area = gh * gw;
    const sizes = [32, 16];
    const score = new Float32Array(4 * area);
    const reg = new Float32Array(8 * area);
    const lmk = new Float32Array(20 * area);
    // Anchor 1 (16 px) at row 1, column 2: p = 0.9, box shifted right by a quarter, twice as wide.
    const i = 1 * gw + 2;
    score[(2 + 1) * area + i] = 0.9;
    reg[(1 * 4 + 0) * area + i] = 0.25;
    reg[(1 * 4 + 2) * area + i] = Math.log(2);
    lmk[(1 * 10 + 0) * area + i] = -2.5; // first landmark half a size to the left (2.5 × 0.2)
    // A background-only location is not decoded.
    score[0 * area + 0] = 0.99;
    const out = decodeHead(8, sizes, score, reg, lmk, gh, gw, 100);
    expect(out).toHaveLength(1);
    const [d] = out;
    const cx = 100 + 2 * 8 + 7.5 + 0.25 * 16;
    const cy = 8 + 7.5;
    expect(d!.score).toBeCloseTo(0.9);
    expect(d!.box[0]).toBeCloseTo(cx - 16);
    expect(d!.box[1]).toBeCloseTo(cy - 8);
    expect(d!.box[2]).toBeCloseTo(32);
    expect(d!.box[3]).toBeCloseTo(16);
    expect(d!.keypoints[0]![0]).toBeCloseTo(100 + 2 * 8 + 7.5 - 8);
    expect(d!.keypoints).toHaveLength(5);
  });
});

describe('RetinaFace on small faces', () => {
  const modelPath = join(testEngineOptions().modelsDir, RETINAFACE_MODEL);
  let photo: RgbImage;
  let truth: Box[];

  beforeAll(async () => {
    ({ photo, truth } = await smallFacesPhoto());
  });

  let native: RetinaFace | undefined;
  let wasm: RetinaFace | undefined;
  afterAll(async () => {
    await native?.release();
    await wasm?.release();
  });

  it('finds them with the native runtime, as boxes over the faces', async () => {
    native = await RetinaFace.load(modelPath);
    expect(native.runtime).toBe('onnxruntime-node');
    expect(native.fallback).toBeNull();
    const found = await native.detect(photo, 24, 0.6);
    for (const t of truth) expect(found.some((f) => iou(f.box, t) > 0.3)).toBe(true);
    // Nothing on the plain canvas around the photo.
    for (const f of found) expect(truth.some((t) => iou(f.box, t) > 0.3)).toBe(true);
  });

  it('places the five landmarks on the face: eyes left to right, above the mouth corners', async () => {
    native ??= await RetinaFace.load(modelPath);
    const found = await native.detect(photo, 24, 0.6);
    expect(found.length).toBeGreaterThan(0);
    for (const { box, keypoints } of found) {
      const [x, y, w, h] = box;
      expect(keypoints).toHaveLength(5);
      for (const [kx, ky] of keypoints) {
        expect(kx).toBeGreaterThan(x);
        expect(kx).toBeLessThan(x + w);
        expect(ky).toBeGreaterThan(y);
        expect(ky).toBeLessThan(y + h);
      }
      type P = [number, number];
      const [le, re, , lm, rm] = keypoints as [P, P, P, P, P];
      expect(le[0]).toBeLessThan(re[0]);
      expect(lm[0]).toBeLessThan(rm[0]);
      expect(Math.max(le[1], re[1])).toBeLessThan(Math.min(lm[1], rm[1]));
      // Eyes about a third of the face box apart (5× that when offsets were read unscaled).
      expect(Math.hypot(re[0] - le[0], re[1] - le[1]) / w).toBeGreaterThan(0.15);
      expect(Math.hypot(re[0] - le[0], re[1] - le[1]) / w).toBeLessThan(0.6);
    }
  });

  it('confirms a small face on a closer look, and not a patch of plain canvas or a box off the face', async () => {
    native ??= await RetinaFace.load(modelPath);
    for (const t of truth) expect(await native.confirm(photo, t)).toBeGreaterThanOrEqual(0.6);
    expect(await native.confirm(photo, [60, 60, 36, 36])).toBe(0);
    // A box at a face's size but beside it: the face found there does not overlap the candidate.
    const [x, y, w, h] = truth[3]!;
    expect(await native.confirm(photo, [x, y + 2 * h, w, h])).toBe(0);
    // Past the photo's edge: the missing part is grey, not an error.
    expect(await native.confirm(photo, [780, 580, 40, 40])).toBe(0);
    // As large as the photo: its window is 4× the photo each way, but only the photo is copied.
    const whole = await native.confirm(photo, [0, 0, photo.width, photo.height]);
    expect(whole).toBeGreaterThanOrEqual(0);
    expect(whole).toBeLessThan(0.6);
  });

  it('falls back to WebAssembly with the same result, and says why', async () => {
    wasm = await RetinaFace.load(modelPath, 'wasm');
    expect(wasm.runtime).toBe('onnxruntime-wasm');
    expect(wasm.fallback).toEqual({ forcedBy: 'VIGIL_ORT=wasm', loadError: null });
    const a = await native!.detect(photo, 24, 0.6);
    const b = await wasm.detect(photo, 24, 0.6);
    expect(b).toHaveLength(a.length);
    for (const d of a) expect(b.some((e) => iou(d.box, e.box) > 0.9)).toBe(true);
  });
});
