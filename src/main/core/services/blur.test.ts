import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChannelInput } from '../../../shared/contract';
import type { BlurDetectResult, BlurExportResult, BlurPreviewResult } from '../../../shared/blur-schemas';
import type { Core } from '../core';
import { overlapOfSmaller } from '../imaging/boxes';
import {
  createTestCore,
  GPS_EXIF,
  SAMPLE_FACES,
  sampleImage,
  smallFacesPhoto,
  tempDir,
} from '../test-support';

type Box = [number, number, number, number];

/**
 * diskFull: the export's temporary file fails half-written, as on a full disk. readOnly: the
 * folder is on a read-only disk: a plain mkdir below it is EROFS and a recursive one ENOENT, as
 * Node 20 reports it there (a bind mount with `-o ro` shows the same).
 */
const fault: { diskFull: boolean; readOnly: string | null; stopDuringWrite: boolean } = {
  diskFull: false,
  readOnly: null,
  stopDuringWrite: false,
};
const isBelow = (p: unknown, dir: string | null) => dir !== null && String(p).startsWith(`${dir}/`);
const errno = (code: string, path: unknown) =>
  Object.assign(new Error(`${code} (test)`), { code, path: String(path) });
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    writeFile: async (...args: Parameters<typeof fs.writeFile>) => {
      const [file, data] = args;
      if (fault.diskFull && basename(String(file)).startsWith('.vigil-')) {
        await fs.writeFile(file, (data as Buffer).subarray(0, (data as Buffer).length >> 1));
        throw Object.assign(new Error('ENOSPC (test)'), { code: 'ENOSPC' });
      }
      if (isBelow(file, fault.readOnly)) throw errno('EROFS', file);
      // A second Ctrl+C arriving while the copy is written: the CLI records the jobs then in
      // progress as cancelled, and exits.
      if (fault.stopDuringWrite && basename(String(file)).startsWith('.vigil-'))
        await core.store.history.cancelRunning({ code: 'CANCELLED', message: 'stopped (test)' });
      return fs.writeFile(...args);
    },
    mkdir: async (...args: Parameters<typeof fs.mkdir>) => {
      const [path, opts] = args;
      if (isBelow(path, fault.readOnly)) {
        const recursive = typeof opts === 'object' && opts?.recursive;
        throw errno(recursive ? 'ENOENT' : 'EROFS', path);
      }
      return fs.mkdir(...args);
    },
  };
});

let core: Core;
let dir: string;

/** blur.export through the contract, as every shell calls it; rejects with the error shape. */
async function blurExport(
  path: string,
  opts: Omit<ChannelInput<'blur.export'>, 'source'>,
): Promise<BlurExportResult> {
  const r = await core.call('blur.export', { source: { path }, ...opts });
  if (!r.ok) throw r.error;
  return r.value as BlurExportResult;
}

async function call<T>(
  channel: 'blur.detect' | 'blur.preview' | 'blur.checkOutDir',
  input: unknown,
): Promise<T> {
  const r = await core.call(channel, input);
  if (!r.ok) throw r.error;
  return r.value as T;
}

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
    const r = await blurExport(sampleImage(5), { outDir: out });
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

  it('reports the faces a raised threshold left visible', async () => {
    const all = await blurExport(sampleImage(5), { outDir: join(dir, 'all') });
    // Detected regions always carry a score; sorted best first.
    const scores = all.regions.map((x) => x.score ?? 0).sort((a, b) => b - a);
    // Only the best face scores above the threshold: the others are left sharp.
    const thresh = (scores[0]! + scores[1]!) / 2;
    const r = await blurExport(sampleImage(5), { outDir: join(dir, 'raised'), thresh });
    const left = all.regions.filter((x) => (x.score ?? 0) < thresh);
    expect(left.length).toBeGreaterThan(0);
    expect(r.regions.length).toBe(all.regions.length - left.length);
    for (const face of left)
      expect(r.selfCheck.facesStillDetected.some((f) => overlapOfSmaller(f.box, face.box) > 0.5)).toBe(true);
  });

  it('strips EXIF, GPS and comments, and applies the orientation', async () => {
    const input = join(dir, 'gps-rotated.jpg');
    // sample1 stored sideways with orientation 6, with a GPS position and a comment.
    const sideways = await sharp(sampleImage(1)).rotate(-90).jpeg().toBuffer();
    await sharp(sideways).withExif(GPS_EXIF).withMetadata({ orientation: 6 }).jpeg().toFile(input);
    const meta = await sharp(input).metadata();
    expect(meta.orientation).toBe(6);
    expect(meta.exif).toBeDefined();
    expect(readFileSync(input).includes(Buffer.from('secret place'))).toBe(true);

    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const r = await blurExport(input, { outDir: join(dir, `exif-${format}`), format });
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

  it('publishes what a viewer shows: pixels hidden under alpha 0 come out white', async () => {
    // 4400 px wide, so detection decodes it scaled down and the export decodes it again at full
    // size (both paths); black everywhere, transparent (alpha 0) but for a visible band.
    const [w, h] = [4400, 200];
    const rgba = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba[(y * w + x) * 4 + 3] = x >= 4000 ? 255 : 0;
    const photo = join(dir, 'hidden.png');
    await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toFile(photo);
    const detected = await blurExport(photo, { outDir: join(dir, 'alpha'), format: 'png' });
    const edited = await blurExport(photo, { outDir: join(dir, 'alpha'), format: 'png', regions: [] });
    for (const r of [detected, edited]) {
      const { data, info } = await sharp(r.output).raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => data[(y * w + x) * info.channels]!;
      for (const [x, y] of [
        [0, 0],
        [2000, 100],
        [3999, 199],
      ])
        expect(at(x!, y!)).toBe(255);
      expect(at(4000, 0)).toBe(0);
      expect(at(4399, 199)).toBe(0);
    }
  });

  it('leaves nothing in the output folder when the disk fills up mid-write', async () => {
    const out = join(dir, 'full-disk');
    fault.diskFull = true;
    try {
      await expect(
        blurExport(sampleImage(2), {
          outDir: out,
          regions: [{ box: [10, 10, 40, 40], score: null, origin: 'manual' }],
        }),
      ).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', details: { reason: 'ENOSPC' } });
    } finally {
      fault.diskFull = false;
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('writes no copy once its job is cancelled (a second Ctrl+C), and none before its self-check', async () => {
    const out = join(dir, 'stopped');
    fault.stopDuringWrite = true;
    try {
      await expect(blurExport(sampleImage(2), { outDir: out })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      fault.stopDuringWrite = false;
    }
    // Nothing in the folder, not even the temporary file: a copy there would be reported by no one.
    expect(readdirSync(out)).toEqual([]);
    const records = await core.call('history.list', { kind: 'blur', limit: 1 });
    expect(records.ok && (records.value as { records: { status: string }[] }).records[0]?.status).toBe(
      'CANCELLED',
    );
  });

  it('refuses animated and multi-page files, saying how many frames or pages they have', async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 60, height: 40, channels: 3, background } })
        .png()
        .toBuffer();
    const frames = [await frame('#ff0000'), await frame('#0000ff')];
    const gif = join(dir, 'anim.gif');
    const tiff = join(dir, 'pages.tiff');
    await sharp(frames, { join: { animated: true } })
      .gif()
      .toFile(gif);
    await sharp(Buffer.alloc(60 * 80 * 3, 99), {
      raw: { width: 60, height: 80, channels: 3, pageHeight: 40 },
    })
      .tiff()
      .toFile(tiff);
    const out = join(dir, 'multi-out');
    for (const [file, what] of [
      [gif, 'frames'],
      [tiff, 'pages'],
    ] as const) {
      expect((await sharp(file).metadata()).pages).toBe(2);
      const refused = { code: 'BAD_INPUT', details: { pages: 2 } };
      const message = new RegExp(`has 2 ${what}; Vigil blurs still images only`);
      await expect(blurExport(file, { outDir: out })).rejects.toMatchObject(refused);
      await expect(blurExport(file, { outDir: out })).rejects.toMatchObject({
        message: expect.stringMatching(message),
      });
      await expect(blurExport(file, { outDir: out, regions: [] })).rejects.toMatchObject(refused);
      await expect(call('blur.detect', { source: { path: file } })).rejects.toMatchObject(refused);
      await expect(call('blur.preview', { source: { path: file }, regions: [] })).rejects.toMatchObject(
        refused,
      );
    }
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    // Analysis still looks at the first frame.
    const inspected = await core.call('image.inspect', { source: { path: gif } });
    expect(inspected.ok).toBe(true);
  });

  it('never overwrites: a second export gets its own name, the original is untouched', async () => {
    const out = join(dir, 'twice');
    const original = readFileSync(sampleImage(2));
    const a = await blurExport(sampleImage(2), { outDir: out });
    const b = await blurExport(sampleImage(2), { outDir: out });
    expect(a.output).not.toBe(b.output);
    expect(b.output.endsWith('sample2.blurred-1.jpg')).toBe(true);
    expect(readFileSync(sampleImage(2)).equals(original)).toBe(true);
  });

  it('writes a reserved name as is, and adds a number only when it is taken meanwhile', async () => {
    const out = join(dir, 'reserved');
    // A batch reserved "sample2.blurred-1" for this photo: the bare name stays free for another.
    const a = await blurExport(sampleImage(2), { outDir: out, name: 'sample2.blurred-1' });
    expect(basename(a.output)).toBe('sample2.blurred-1.jpg');
    const b = await blurExport(sampleImage(2), { outDir: out, name: 'sample2.blurred-1' });
    expect(basename(b.output)).toBe('sample2.blurred-1-1.jpg');
    // A name the pattern's clean-up would change is not one a batch reserved.
    const r = await core.call('blur.export', { source: { path: sampleImage(2) }, outDir: out, name: 'a/b' });
    expect(r.ok ? null : r.error.code).toBe('BAD_INPUT');
  });

  it('shortens an output name the file system would refuse, between characters', async () => {
    const photos = join(dir, 'long-names');
    mkdirSync(photos);
    const long = join(photos, `${'n'.repeat(248)}.jpg`);
    const accents = join(photos, `${'é'.repeat(125)}.jpg`); // 254 bytes
    copyFileSync(sampleImage(2), long);
    copyFileSync(sampleImage(2), accents);
    for (const photo of [long, accents]) {
      const out = join(dir, 'long-out');
      const names = [await blurExport(photo, { outDir: out }), await blurExport(photo, { outDir: out })].map(
        (r) => basename(r.output),
      );
      expect(names[1]).toBe(names[0]!.replace(/\.jpg$/, '-1.jpg'));
      for (const name of names) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
        expect(name).not.toContain('\uFFFD');
        expect(basename(photo, '.jpg').startsWith(name.replace(/(-1)?\.jpg$/, ''))).toBe(true);
      }
    }
  });

  it('keeps the faces of chosen watchlist subjects visible, and blurs the rest', async () => {
    const face = join(dir, 'alice.jpg');
    await sharp(sampleImage(1)).extract({ left: 250, top: 230, width: 520, height: 520 }).toFile(face);
    const s = await core.call('watchlist.create', { name: 'Keep Me' });
    if (!s.ok) throw new Error(s.error.message);
    const id = (s.value as { id: string }).id;
    const e = await core.call('watchlist.enroll', { subjectId: id, source: { path: face } });
    if (!e.ok) throw new Error(e.error.message);
    const r = await blurExport(sampleImage(1), {
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
    // The kept face is still detectable on purpose; it is not reported as a leak. (Clutter the
    // small-face pass scores near its threshold may be flagged elsewhere; never this face.)
    expect(r.selfCheck.facesStillDetected.filter((f) => overlapOfSmaller(f.box, kept[0]!.box) > 0)).toEqual(
      [],
    );

    // The editor gets the same answer, and the matches to mark kept faces for any choice of subjects.
    const withKeep = await call<BlurDetectResult>('blur.detect', {
      source: { path: sampleImage(1) },
      keep: [id],
    });
    const keptNow = withKeep.regions.filter((x) => x.origin === 'kept');
    expect(keptNow.map((x) => [x.box, x.subjectId])).toEqual([[kept[0]!.box, id]]);
    const plain = await call<BlurDetectResult>('blur.detect', { source: { path: sampleImage(1) } });
    expect(plain.regions.every((x) => x.origin === 'detected')).toBe(true);
    expect(plain.regions.filter((x) => x.matches.includes(id)).map((x) => x.box)).toEqual([kept[0]!.box]);
  });

  it('keeps no trace of the bystanders it hides: no seen faces, no unblurred preview', async () => {
    const seenBefore = core.store.faces.size;
    const sha = (await import('node:crypto'))
      .createHash('sha256')
      .update(readFileSync(sampleImage(3)))
      .digest('hex');
    const r = await blurExport(sampleImage(3), { outDir: join(dir, 'trace') });
    expect(r.regions.length).toBeGreaterThan(0);
    expect(core.store.faces.size).toBe(seenBefore);
    expect(await core.store.media.has(`previews/${sha}.jpg`)).toBe(false);
    expect(await core.store.media.has(`thumbs/${sha}.jpg`)).toBe(false);
  });

  it('refuses bad options and bad files with clear codes', async () => {
    await expect(blurExport(sampleImage(1), { outDir: dir, scale: 9 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(blurExport(sampleImage(1), { outDir: dir, minFace: 4 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    const bad = join(dir, 'bad.jpg');
    writeFileSync(bad, 'not a photo');
    await expect(blurExport(bad, { outDir: join(dir, 'bad-out') })).rejects.toMatchObject({
      code: 'NOT_AN_IMAGE',
    });
    // A region that misses the photo entirely is a client bug: said, not silently skipped.
    await expect(
      blurExport(sampleImage(1), {
        outDir: join(dir, 'bad-out'),
        regions: [{ box: [5000, 10, 50, 50], score: null, origin: 'manual' }],
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    // Nor one reaching far past it: as an ellipse it was drawn nowhere, yet counted as blurred.
    await expect(
      blurExport(sampleImage(1), {
        outDir: join(dir, 'bad-out'),
        shape: 'ellipse',
        regions: [{ box: [-1e9, -1e9, 3e9, 3e9], score: null, origin: 'manual' }],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/Region 1 reaches more than the photo's own size beyond/) as unknown,
    });
    // A region past one edge by less than the photo's size is still drawn, cut at the edge.
    const edge = await blurExport(sampleImage(1), {
      outDir: join(dir, 'edge-out'),
      regions: [{ box: [-100, -100, 400, 400], score: null, origin: 'manual' }],
    });
    expect(edge.counts).toMatchObject({ blurred: 1, manual: 1 });
  });

  it('checks the output folder and the file name pattern before touching anything', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, string][] = [
      ['relative/out', 'OUTPUT_DIR_INVALID'],
      [file, 'OUTPUT_DIR_INVALID'],
      [core.store.dir, 'OUTPUT_IN_DATA_DIR'],
      [join(core.store.dir, 'media', 'exports'), 'OUTPUT_IN_DATA_DIR'],
      // Looks like a sibling to a '..' prefix test, but is a folder inside the data dir.
      [join(core.store.dir, '..x'), 'OUTPUT_IN_DATA_DIR'],
      [join(file, 'below-a-file'), 'OUTPUT_NOT_WRITABLE'],
      // A folder name no file system takes: said as typed, not "not there yet".
      [join(dir, 'n'.repeat(300), 'sub'), 'OUTPUT_DIR_INVALID'],
    ];
    const before = core.store.history.size;
    for (const [outDir, code] of cases) {
      await expect(blurExport(sampleImage(1), { outDir })).rejects.toMatchObject({ code });
      // The Blur page's check of its folder field says the same, before any photo.
      await expect(call('blur.checkOutDir', { outDir })).rejects.toMatchObject({ code });
    }
    await expect(call('blur.checkOutDir', { outDir: join(file, 'below-a-file') })).rejects.toMatchObject({
      message: expect.stringContaining(`part of ${join(file, 'below-a-file')} is a file`) as unknown,
    });
    expect(await call('blur.checkOutDir', { outDir: dir })).toEqual({ outDir: dir, exists: true });
    expect(await call('blur.checkOutDir', { outDir: join(dir, 'p', 'q') })).toEqual({
      outDir: join(dir, 'p', 'q'),
      exists: false,
    });
    for (const pattern of ['../{name}', 'a/b', '{nope}', '  ']) {
      await expect(blurExport(sampleImage(1), { outDir: join(dir, 'p'), pattern })).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
    }
    // A subject to keep that is not on the watchlist: refused, not silently ignored.
    await expect(
      blurExport(sampleImage(1), { outDir: join(dir, 'p'), keep: ['no-such-subject'] }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Cannot keep subject no-such-subject: not on the watchlist',
    });
    await expect(
      call('blur.detect', { source: { path: sampleImage(1) }, keep: ['no-such-subject'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(join(core.store.dir, 'media', 'exports'))).toBe(false);
    expect(existsSync(join(core.store.dir, '..x'))).toBe(false);
    expect(existsSync(join(dir, 'p'))).toBe(false);
    expect(core.store.history.size).toBe(before);

    // A folder that does not exist yet is created, and the pattern names the file.
    const nested = join(dir, 'new', 'nested');
    const r = await blurExport(sampleImage(6), {
      outDir: nested,
      pattern: 'shared-{name}-{style}',
      style: 'solid',
      format: 'webp',
    });
    expect(r.output).toBe(join(nested, 'shared-sample6-solid.webp'));
    expect(readdirSync(nested)).toEqual(['shared-sample6-solid.webp']);
  });

  it('says a new output folder on a read-only disk is not writable, naming the read-only folder', async () => {
    const disk = join(dir, 'read-only-disk');
    mkdirSync(disk);
    fault.readOnly = disk;
    try {
      const out = join(disk, 'new', 'sub');
      await expect(blurExport(sampleImage(1), { outDir: out })).rejects.toMatchObject({
        code: 'OUTPUT_NOT_WRITABLE',
        message: `Cannot write into the output folder ${out}: ${disk} is read-only (EROFS)`,
        details: { dir: out, reason: 'EROFS' },
      });
    } finally {
      fault.readOnly = null;
    }
    expect(readdirSync(disk)).toEqual([]);
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once for an output folder under /proc', async () => {
    // Node's recursive mkdir never returns for a new folder under /proc; /proc/self takes no files.
    for (const [outDir, where] of [
      [`/proc/${process.pid}/vigil-out`, `/proc/${process.pid}`],
      ['/proc/self', '/proc/self'],
    ] as const) {
      await expect(blurExport(sampleImage(1), { outDir })).rejects.toMatchObject({
        code: 'OUTPUT_NOT_WRITABLE',
        // Found by the folder check (no write permission there) or by the write itself.
        message: expect.stringMatching(
          new RegExp(`(no permission to write in ${where}|${where} does not take new files or folders) \\(`),
        ) as unknown,
      });
    }
    // The Blur page's check as the folder is typed: write permission (root has it everywhere)
    // does not say a folder can be made there, so it is made and removed once.
    await expect(call('blur.checkOutDir', { outDir: '/proc/vigil-out' })).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
    });
  });
});

describe('a photo larger than the analysed copy', () => {
  it('exports a JPEG with a harmless decoder warning, as the analysis decoded it', async () => {
    // Wider than the 4096-px analysed copy, so the export decodes the bytes again at full size.
    const [w, h] = [4200, 300];
    const noise = Buffer.alloc(w * h * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const jpeg = await sharp(noise, { raw: { width: w, height: h, channels: 3 } })
      .jpeg()
      .toBuffer();
    // "Corrupt JPEG data: premature end of data segment": a warning that still decodes.
    jpeg.fill(0xff, jpeg.length >> 1, (jpeg.length >> 1) + 64);
    const file = join(dir, 'warning.jpg');
    writeFileSync(file, jpeg);
    const r = await blurExport(file, { outDir: join(dir, 'warning-out') });
    expect(r.width).toBe(w);
    expect((await sharp(r.output).metadata()).width).toBe(w);
  });
});

describe('blur with the editor’s regions', () => {
  it('blurs what is listed: a removed face stays sharp, a manual region is blurred, a kept one stays', async () => {
    const photo = sampleImage(5);
    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo } });
    expect(detected.regions).toHaveLength(5);
    expect(detected.regions.every((r) => r.origin === 'detected' && r.score! > 0)).toBe(true);
    const [removed, kept, moved, ...rest] = detected.regions.map(({ matches: _, ...r }) => r);
    // Moved right by half its width: the face's left half is no longer covered.
    const movedBox: Box = [moved!.box[0] + moved!.box[2] / 2, moved!.box[1], moved!.box[2], moved!.box[3]];
    const manual: Box = [20, 20, 200, 200];
    const regions = [
      { ...kept!, origin: 'kept' as const },
      { ...moved!, box: movedBox },
      ...rest,
      { box: manual, score: null, origin: 'manual' as const },
    ];
    const r = await blurExport(photo, { outDir: join(dir, 'edited'), regions, shape: 'rect', scale: 1 });

    expect(r.counts).toEqual({ blurred: 4, manual: 1, kept: 1 });
    expect(r.regions).toEqual(regions);
    const corr = async (box: number[]) => correlation(await detail(photo, box), await detail(r.output, box));
    expect(await corr(removed!.box)).toBeGreaterThan(0.8);
    expect(await corr(kept!.box)).toBeGreaterThan(0.8);
    expect(Math.abs(await corr(manual))).toBeLessThan(0.15);
    for (const x of rest) expect(Math.abs(await corr(x.box))).toBeLessThan(0.15);
    expect(Math.abs(await corr(movedBox))).toBeLessThan(0.15);
    // The strip the moved region left uncovered is the original again.
    const uncovered = [moved!.box[0] + 2, moved!.box[1] + 2, moved!.box[2] / 2 - 4, moved!.box[3] - 4];
    expect(await corr(uncovered)).toBeGreaterThan(0.8);

    // The removed face is not kept, so the self-check reports it: an unblurred face is a leak.
    expect(r.selfCheck.facesStillDetected.some((f) => overlapOfSmaller(f.box, removed!.box) > 0.5)).toBe(
      true,
    );
    expect(r.selfCheck.facesStillDetected.some((f) => overlapOfSmaller(f.box, kept!.box) > 0.5)).toBe(false);
    const rec = core.store.history.get(r.historyId);
    expect(rec).toMatchObject({ kind: 'blur', status: 'FINISHED' });
    expect(rec.summary).toMatch(/^4 faces blurred \(1 drawn by hand\), 1 kept; \d+ still detectable$/);
  });

  it('writes PNG and WebP without an alpha channel (the photo is opaque)', async () => {
    const regions = [{ box: [40, 40, 120, 120] as Box, score: null, origin: 'manual' as const }];
    for (const format of ['png', 'webp'] as const) {
      const r = await blurExport(sampleImage(2), { outDir: join(dir, 'opaque'), regions, format });
      const meta = await sharp(r.output).metadata();
      expect([meta.format, meta.channels, meta.hasAlpha]).toEqual([format, 3, false]);
    }
  });

  it('self-checks an edited photo around what blur.detect found there and the regions, else everywhere', async () => {
    const photo = sampleImage(4);
    const recalls = () => {
      const spy = vi.spyOn(core.engine, 'detect');
      return () => {
        const seen = spy.mock.calls.map((c) => c[1]?.recall);
        spy.mockRestore();
        return seen;
      };
    };
    const manual = { box: [10, 10, 80, 80] as Box, score: null, origin: 'manual' as const };
    // Never looked at by blur.detect (in this core): the self-check searches the whole output.
    let stop = recalls();
    await blurExport(photo, { outDir: join(dir, 'unseen'), regions: [manual] });
    expect(stop().at(-1)?.within).toBeUndefined();

    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo } });
    const [removed, ...rest] = detected.regions.map(({ matches: _, ...r }) => r);
    stop = recalls();
    const r = await blurExport(photo, { outDir: join(dir, 'seen'), regions: [...rest, manual] });
    const within = stop().at(-1)?.within ?? [];
    // Every face detect found, the removed one too, and the manual region (engine pixels = original).
    for (const face of detected.regions) expect(within).toContainEqual(face.box);
    expect(within).toContainEqual(manual.box);
    expect(r.selfCheck.facesStillDetected.some((f) => overlapOfSmaller(f.box, removed!.box) > 0.5)).toBe(
      true,
    );
  });

  it('describes no face when no subject is kept: export and self-check want boxes only', async () => {
    const spy = vi.spyOn(core.engine, 'detect');
    try {
      const r = await blurExport(sampleImage(2), { outDir: join(dir, 'boxes-only') });
      expect(spy.mock.calls.map((c) => c[1]?.describe)).toEqual([false, false]);
      expect(r.counts.blurred).toBeGreaterThanOrEqual(SAMPLE_FACES[2]!);
      expect(r.selfCheck.facesStillDetected).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('previews exactly what an export writes, and neither detect nor preview writes anything', async () => {
    const photo = sampleImage(2);
    const history = core.store.history.size;
    const seen = core.store.faces.size;
    const files = () => readdirSync(core.store.dir, { recursive: true }).map(String).sort();
    const before = files();

    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo }, thresh: 0.5 });
    expect(detected.regions.length).toBeGreaterThan(0);
    expect(detected.regions.every((x) => x.score! >= 0.5)).toBe(true);
    const regions = detected.regions.map(({ matches: _, ...x }) => x);
    const look = { style: 'pixelate', shape: 'ellipse', scale: 1.5, format: 'png' } as const;
    const preview = await call<BlurPreviewResult>('blur.preview', {
      source: { path: photo },
      regions,
      ...look,
    });
    expect(preview).toMatchObject({ mime: 'image/png', width: 1920 });

    expect(files()).toEqual(before);
    expect(core.store.history.size).toBe(history);
    expect(core.store.faces.size).toBe(seen);

    const r = await blurExport(photo, { outDir: join(dir, 'same'), regions, ...look });
    expect(readFileSync(r.output).equals(Buffer.from(preview.data, 'base64'))).toBe(true);
    expect(r.selfCheck.facesStillDetected).toEqual([]);
  });
});

describe('the self-check measures what the redaction really covers', () => {
  /**
   * Four faces 31–38 px high, as a PNG. At full resolution the face pipeline finds three of them;
   * only the small-face pass finds truth[1] (the rightmost), the one whose blurred blobs the
   * self-check may dismiss, so the cases below put their regions on it.
   */
  async function smallFaces(): Promise<{ photo: string; truth: Box[] }> {
    const { photo, truth } = await smallFacesPhoto();
    const file = join(dir, 'small-faces.png');
    await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
      .png()
      .toFile(file);
    return { photo: file, truth: truth.map((b): Box => [...b]) };
  }
  const reported = (r: BlurExportResult, face: Box) =>
    r.selfCheck.facesStillDetected.some((f) => overlapOfSmaller(f.box, face) > 0.5);

  it('reports a small face that a tiny manual region sits on', async () => {
    const { photo, truth } = await smallFaces();
    const [x, y, w, h] = truth[1]!;
    const tiny: Box = [Math.round(x + w / 2 - 2), Math.round(y + h / 2 - 2), 4, 4];
    const r = await blurExport(photo, {
      outDir: join(dir, 'cover-tiny'),
      regions: [{ box: tiny, score: null, origin: 'manual' }],
    });
    expect(reported(r, truth[1]!)).toBe(true);
  });

  it('reports a small face in the corner of an ellipse’s box that the ellipse leaves bare', async () => {
    const { photo, truth } = await smallFaces();
    const [x, y] = truth[1]!;
    // The face in the top-left corner of a 210×190 box: inside the box, outside its ellipse.
    const big: Box = [Math.round(x - 3), Math.round(y - 3), 210, 190];
    const r = await blurExport(photo, {
      outDir: join(dir, 'cover-corner'),
      regions: [{ box: big, score: null, origin: 'manual' }],
      shape: 'ellipse',
    });
    expect(reported(r, truth[1]!)).toBe(true);
  });

  it('reports nothing when every small face is blurred', async () => {
    const { photo, truth } = await smallFaces();
    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo } });
    const regions = detected.regions.map(({ matches: _, ...r }) => r);
    for (const face of truth) expect(regions.some((r) => overlapOfSmaller(r.box, face) > 0.5)).toBe(true);
    const r = await blurExport(photo, { outDir: join(dir, 'cover-all'), regions });
    expect(r.selfCheck.facesStillDetected).toEqual([]);
  });

  it('reports a face found in the photo that a neighbour’s region only half covers', async () => {
    const { photo, truth } = await smallFaces();
    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo } });
    const regions = detected.regions.map(({ matches: _, ...r }) => r);
    const isFace0 = (b: Box) => overlapOfSmaller(b, truth[0]!) > 0.5;
    const face0 = regions.find((r) => isFace0(r.box))!.box;
    const [x, y, w, h] = face0;
    // A region beside it that paints over its left half (IoU 0.25: not its own region); the
    // regions of the faces around it stay, save those that reach into it.
    const neighbour: Box = [Math.round(x - w), y, Math.round(1.5 * w), h];
    const grown = ([bx, by, bw, bh]: Box): Box => [bx - 0.15 * bw, by - 0.15 * bh, 1.3 * bw, 1.3 * bh];
    const apart = regions.filter((r) => overlapOfSmaller(grown(r.box), face0) === 0);
    const r = await blurExport(photo, {
      outDir: join(dir, 'cover-half'),
      regions: [...apart, { box: neighbour, score: null, origin: 'manual' }],
      shape: 'rect',
    });
    expect(reported(r, truth[0]!)).toBe(true);
  });

  it('excuses a kept face found again, but not a face a small kept box merely sits on', async () => {
    const { photo, truth } = await smallFaces();
    const detected = await call<BlurDetectResult>('blur.detect', { source: { path: photo } });
    const regions = detected.regions.map(({ matches: _, ...r }) => r);
    const isFace0 = (b: Box) => overlapOfSmaller(b, truth[0]!) > 0.5;
    const others = regions.filter((r) => !isFace0(r.box));
    const face0 = regions.find((r) => isFace0(r.box))!;
    const kept = await blurExport(photo, {
      outDir: join(dir, 'cover-kept'),
      regions: [...others, { ...face0, origin: 'kept' }],
    });
    expect(reported(kept, truth[0]!)).toBe(false);
    const [x, y, w, h] = face0.box;
    const tinyKept: Box = [Math.round(x + w / 2 - 2), Math.round(y + h / 2 - 2), 4, 4];
    const r = await blurExport(photo, {
      outDir: join(dir, 'cover-kept-tiny'),
      regions: [...others, { box: tinyKept, score: null, origin: 'kept' }],
    });
    expect(reported(r, truth[0]!)).toBe(true);
  });
});
