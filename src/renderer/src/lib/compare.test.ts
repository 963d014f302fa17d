import { describe, expect, it } from 'vitest';
import type { ErrorShape } from '../../../shared/errors';
import { cropView, errorSlot, fileDigest, samePhoto, swapCompare, type CompareResult } from './compare';

describe('errorSlot', () => {
  const error = (details?: Record<string, unknown>): ErrorShape => ({
    code: 'NO_FACE',
    message: 'No face found',
    ...(details && { details }),
  });

  it('takes the side the details name, whatever the file names', () => {
    expect(errorSlot(error({ file: 'same.jpg', side: 'b' }))).toBe('b');
    expect(errorSlot({ code: 'NOT_AN_IMAGE', message: 'x', details: { file: 'same.jpg', side: 'a' } })).toBe(
      'a',
    );
  });

  it('names no photo when the details do not name a side', () => {
    expect(errorSlot(error())).toBeNull();
    expect(errorSlot(error({ file: 'blank.png' }))).toBeNull();
    expect(errorSlot(error({ side: 'c' }))).toBeNull();
  });
});

const view = (previewUrl: string) => ({
  width: 800,
  height: 600,
  previewUrl,
  previewWidth: 400,
  previewHeight: 300,
});

describe('swapCompare', () => {
  it('swaps the photos and keeps the judgement', () => {
    const r: CompareResult = {
      historyId: 'h',
      a: { file: 'a.jpg', box: [1, 2, 3, 4], facesInPhoto: 1, ...view('/media/pa.jpg') },
      b: { file: 'b.jpg', box: [5, 6, 7, 8], facesInPhoto: 3, ...view('/media/pb.jpg') },
      score: 0.6,
      similarity: 0.55,
      caveat: null,
      verdict: 'match',
      threshold: 'match',
      thresholds: { match: 0.5, possible: 0.33 },
    };
    const s = swapCompare(r);
    expect(s.a).toEqual(r.b);
    expect(s.b).toEqual(r.a);
    expect({ ...s, a: r.a, b: r.b }).toEqual(r);
    expect(swapCompare(s)).toEqual(r);
  });
});

describe('cropView', () => {
  it('centres the box in the square with a margin around it', () => {
    // A 100 px box with 25% margin each side spans 150 px, shown in 150 px: scale 1.
    const v = cropView([100, 200, 100, 100], { width: 1000, height: 800 }, 150, 0.25);
    expect(v).toEqual({ width: 1000, height: 800, left: -75, top: -175 });
  });

  it('scales by the longer side of the box', () => {
    const v = cropView([100, 100, 50, 100], { width: 400, height: 400 }, 75, 0.25);
    // span 150 → scale 0.5; centre (125, 150) → (62.5, 75).
    expect(v.width).toBe(200);
    expect(v.left).toBeCloseTo(37.5 - 62.5);
    expect(v.top).toBeCloseTo(37.5 - 75);
  });

  it('keeps the square covered when the face is near an edge, if the photo is large enough', () => {
    // A face at the top-left corner: centred, the photo would start 25 px into the square.
    const corner = cropView([0, 0, 50, 100], { width: 200, height: 400 }, 75, 0.25);
    expect(corner).toEqual({ width: 100, height: 200, left: 0, top: 0 });
    // At the far edge, the photo's edge meets the square's.
    const far = cropView([150, 300, 50, 100], { width: 200, height: 400 }, 75, 0.25);
    expect(far.left).toBeCloseTo(75 - 100);
    expect(far.top).toBeCloseTo(75 - 200);
    // Narrower than the square at this scale: centred on the face as before.
    const narrow = cropView([0, 0, 50, 100], { width: 60, height: 400 }, 75, 0.25);
    expect(narrow.left).toBeCloseTo(37.5 - 12.5);
  });
});

describe('samePhoto', () => {
  const file = (name: string, body: string, lastModified = 1000) => new File([body], name, { lastModified });
  const digested = async (f: File) => ({ file: f, digest: await fileDigest(f) });

  it('digests the bytes as SHA-256 in hex', async () => {
    expect(await fileDigest(file('a.jpg', 'abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('is the same photo when the bytes are, whatever the names and dates', async () => {
    const a = await digested(file('a.jpg', 'xyz'));
    expect(samePhoto(a, await digested(file('a.jpg', 'xyz')))).toBe(true);
    expect(samePhoto(a, await digested(file('copy of a.jpg', 'xyz', 2000)))).toBe(true);
  });

  it('is not when the bytes differ, even under the same name, size and date', async () => {
    const a = await digested(file('a.jpg', 'xyz'));
    expect(samePhoto(a, await digested(file('a.jpg', 'xyw')))).toBe(false);
    expect(samePhoto(a, await digested(file('a.jpg', 'xyzw')))).toBe(false);
  });

  it('is not while a digest is unknown (being computed, or none to be had)', async () => {
    const a = await digested(file('a.jpg', 'xyz'));
    expect(samePhoto(a, { file: a.file })).toBe(false);
    expect(samePhoto({ file: a.file, digest: null }, { file: a.file, digest: null })).toBe(false);
  });
});
