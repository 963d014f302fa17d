import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../core';
import { DEFAULT_BLUR } from './blur';
import { createTestCore, sampleImage, tempDir } from '../test-support';

let core: Core;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  core = await createTestCore(join(dir, 'data'));
});
afterAll(async () => {
  await core?.close();
});

/** Grey pixels of a region, high-passed (Laplacian): face detail, without overall colour. */
async function detail(file: string | Buffer, box: number[]): Promise<number[]> {
  const [x, y, w, h] = box.map(Math.round) as [number, number, number, number];
  const side = 64;
  const px = await sharp(file)
    .rotate()
    .extract({ left: x, top: y, width: w, height: h })
    .resize(side, side, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  const out: number[] = [];
  for (let j = 1; j < side - 1; j++) {
    for (let i = 1; i < side - 1; i++) {
      const k = j * side + i;
      out.push(px[k - 1]! + px[k + 1]! + px[k - side]! + px[k + side]! - 4 * px[k]!);
    }
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((v, i) => {
    num += (v - ma) * (b[i]! - mb);
    da += (v - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  });
  return num / Math.sqrt(da * db || 1);
}

describe('blur and export', () => {
  it('blurs every face beyond recovery and the self-check finds none left', async () => {
    const out = join(dir, 'out');
    const r = await core.blurFile(sampleImage(5), { ...DEFAULT_BLUR, outDir: out });
    expect(r.regions).toHaveLength(5);
    expect(r.regions.every((x) => x.origin === 'detected')).toBe(true);
    expect(r.selfCheck.facesStillDetected).toEqual([]);
    for (const region of r.regions) {
      const before = await detail(sampleImage(5), region.box);
      const after = await detail(r.output, region.box);
      expect(Math.abs(correlation(before, after))).toBeLessThan(0.15);
    }
    // Outside the faces the photo is unchanged (up to JPEG re-encoding).
    const bg = [20, 20, 200, 200];
    expect(correlation(await detail(sampleImage(5), bg), await detail(r.output, bg))).toBeGreaterThan(0.8);
    expect(r.output.endsWith('sample5.blurred.jpg')).toBe(true);
  });

  it('strips EXIF, GPS and comments, and applies the orientation', async () => {
    const input = join(dir, 'gps-rotated.jpg');
    // sample1 stored sideways with orientation 6, with a GPS position and a comment.
    const sideways = await sharp(sampleImage(1)).rotate(-90).jpeg().toBuffer();
    await sharp(sideways)
      .withExif({
        IFD0: { ImageDescription: 'secret place', Copyright: 'someone' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '52/1 31/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '13/1 24/1 0/1',
        },
      })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toFile(input);
    const meta = await sharp(input).metadata();
    expect(meta.orientation).toBe(6);
    expect(meta.exif).toBeDefined();
    expect(readFileSync(input).includes(Buffer.from('secret place'))).toBe(true);

    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const r = await core.blurFile(input, { ...DEFAULT_BLUR, outDir: join(dir, `exif-${format}`), format });
      const m = await sharp(r.output).metadata();
      expect(m.exif).toBeUndefined();
      expect(m.xmp).toBeUndefined();
      expect(m.iptc).toBeUndefined();
      expect(m.orientation ?? 1).toBe(1);
      // Upright again: the original's landscape size.
      expect([m.width, m.height]).toEqual([1920, 1280]);
      const bytes = readFileSync(r.output);
      expect(bytes.includes(Buffer.from('secret place'))).toBe(false);
      expect(bytes.includes(Buffer.from('someone'))).toBe(false);
      // Boxes are in oriented pixels: the three faces of sample1 where they are upright.
      expect(r.regions.map((x) => x.box[0]).sort((a, b) => a - b)[0]).toBeGreaterThan(300);
    }
  });

  it('never overwrites: a second export gets its own name, the original is untouched', async () => {
    const out = join(dir, 'twice');
    const original = readFileSync(sampleImage(2));
    const a = await core.blurFile(sampleImage(2), { ...DEFAULT_BLUR, outDir: out });
    const b = await core.blurFile(sampleImage(2), { ...DEFAULT_BLUR, outDir: out });
    expect(a.output).not.toBe(b.output);
    expect(b.output.endsWith('sample2.blurred-1.jpg')).toBe(true);
    expect(readFileSync(sampleImage(2)).equals(original)).toBe(true);
  });

  it('keeps the faces of chosen watchlist subjects visible, and blurs the rest', async () => {
    const face = join(dir, 'alice.jpg');
    await sharp(sampleImage(1)).extract({ left: 250, top: 230, width: 520, height: 520 }).toFile(face);
    const s = await core.call('watchlist.create', { name: 'Keep Me' });
    if (!s.ok) throw new Error(s.error.message);
    const id = (s.value as { id: string }).id;
    const e = await core.call('watchlist.enroll', { subjectId: id, source: { path: face } });
    if (!e.ok) throw new Error(e.error.message);
    const r = await core.blurFile(sampleImage(1), {
      ...DEFAULT_BLUR,
      outDir: join(dir, 'keep'),
      keep: [id],
      style: 'pixelate',
      shape: 'rect',
    });
    const kept = r.regions.filter((x) => x.origin === 'kept');
    expect(kept).toHaveLength(1);
    expect(kept[0]!.subjectId).toBe(id);
    expect(
      correlation(await detail(sampleImage(1), kept[0]!.box), await detail(r.output, kept[0]!.box)),
    ).toBeGreaterThan(0.8);
    for (const x of r.regions.filter((y) => y.origin === 'detected')) {
      expect(
        Math.abs(correlation(await detail(sampleImage(1), x.box), await detail(r.output, x.box))),
      ).toBeLessThan(0.15);
    }
    // The kept face is still detectable on purpose; it is not reported as a leak.
    expect(r.selfCheck.facesStillDetected).toEqual([]);
  });

  it('keeps no trace of the bystanders it hides: no seen faces, no unblurred preview', async () => {
    const seenBefore = core.store.faces.data.faces.length;
    const sha = (await import('node:crypto'))
      .createHash('sha256')
      .update(readFileSync(sampleImage(3)))
      .digest('hex');
    const r = await core.blurFile(sampleImage(3), { ...DEFAULT_BLUR, outDir: join(dir, 'trace') });
    expect(r.regions.length).toBeGreaterThan(0);
    expect(core.store.faces.data.faces.length).toBe(seenBefore);
    expect(await core.store.media.has(`previews/${sha}.jpg`)).toBe(false);
    expect(await core.store.media.has(`thumbs/${sha}.jpg`)).toBe(false);
  });

  it('refuses bad options and bad files with clear codes', async () => {
    await expect(
      core.blurFile(sampleImage(1), { ...DEFAULT_BLUR, outDir: dir, scale: 9 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const bad = join(dir, 'bad.jpg');
    (await import('node:fs')).writeFileSync(bad, 'not a photo');
    await expect(core.blurFile(bad, { ...DEFAULT_BLUR, outDir: dir })).rejects.toMatchObject({
      code: 'NOT_AN_IMAGE',
    });
  });
});
