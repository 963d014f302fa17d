import { randomUUID } from 'node:crypto';
import { access, copyFile, link, mkdtemp, realpath, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import type { z } from 'zod';
import {
  blurDefaultsFrom,
  fileNameFromPattern,
  localDate,
  NAME_MAX_BYTES,
  outputExtension,
  outputStem,
  usableFileName,
  DEFAULT_BLUR,
  type BlurDetectResult,
  type BlurExportResult,
  type BlurFormat,
  type BlurPreviewResult,
  type BlurRegion,
  type blurExportInputSchema,
  type blurPreviewInputSchema,
  type DetectedRegion,
} from '../../../shared/blur-schemas';
import { VigilError } from '../../../shared/errors';
import type { ImageSource } from '../../../shared/schemas';
import { iou } from '../imaging/boxes';
import { decodeImage, fullResolutionRgb, type DecodedImage } from '../imaging/decode';
import {
  paintedShare,
  redactionOverlays,
  regionRect,
  type RawRgb,
  type RedactOptions,
} from '../imaging/redact';
import { makeDirs, whereNotWritable, whyNotWritable } from '../store/files';
import { runJob } from '../store/history-log';
import { isWithin } from '../store/move';
import { detectFaces, type AnalysedFace } from './analyse';
import { DEFAULT_DETECTOR, type DetectorOptions } from '../engine/face-detector';
import type { WatchlistDeps } from './watchlist';

export { DEFAULT_BLUR };

type Box = [number, number, number, number];
type ExportInput = z.output<typeof blurExportInputSchema>;
type PreviewInput = z.output<typeof blurPreviewInputSchema>;

/** The options a call left out, from Settings (when it has them), then the built-in defaults. */
function resolved<T extends Partial<ReturnType<typeof blurDefaultsFrom>>>(deps: WatchlistDeps, given: T) {
  const defaults = blurDefaultsFrom(deps.store.settings.data);
  return {
    style: given.style ?? defaults.style,
    shape: given.shape ?? defaults.shape,
    scale: given.scale ?? defaults.scale,
    thresh: given.thresh ?? defaults.thresh,
    minFace: given.minFace ?? defaults.minFace,
    format: given.format ?? defaults.format,
    quality: given.quality ?? defaults.quality,
  };
}

/**
 * Watchlist subjects a face matches at the match threshold, best first: the top candidates over
 * the whole watchlist, and every subject of `keep` scored exactly (so a kept subject is never
 * missed because the shortlist left it out).
 */
function matchesOf(deps: WatchlistDeps, descriptor: Float32Array, keep: readonly string[]): string[] {
  if (!descriptor.length) return [];
  const { match } = deps.matcher.thresholds();
  const scored = new Map<string, number>();
  for (const c of deps.matcher.candidates(descriptor, 5)) scored.set(c.subjectId, c.score);
  for (const id of keep) {
    const s = deps.matcher.scoreSubject(descriptor, id);
    if (s) scored.set(id, s.score);
  }
  return [...scored]
    .filter(([, score]) => score >= match)
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => id);
}

function regionsOf(
  deps: WatchlistDeps,
  faces: { box: Box; score: number; matchDescriptor: Float32Array }[],
  thresh: number,
  keep: readonly string[],
): DetectedRegion[] {
  return faces
    .filter((f) => f.score >= thresh)
    .map((f) => {
      const matches = matchesOf(deps, f.matchDescriptor, keep);
      const kept = keep.find((id) => matches.includes(id));
      return kept
        ? { box: f.box, score: f.score, origin: 'kept' as const, subjectId: kept, matches }
        : { box: f.box, score: f.score, origin: 'detected' as const, matches };
    });
}

/** Blur always adds the small-face pass to the face pipeline: a missed face is a leak. */
const smallFacePass = (minFace: number): DetectorOptions => ({ ...DEFAULT_DETECTOR, minFace });

/**
 * Where blur.detect found faces in the last photos it looked at: boxes and scores only, in
 * memory, never written, keyed by the photo's bytes (sha256) and smallest face. An export of the
 * same photo with the editor's regions then self-checks around these boxes and the regions, as an
 * export that detects for itself does, instead of searching the whole output again, and reports
 * those faces the regions leave bare. Per engine, so two cores in one process keep their own.
 */
const SEARCHED_KEPT = 64;
type FoundFace = Pick<AnalysedFace, 'box' | 'score'>;
const searchedBy = new WeakMap<object, Map<string, FoundFace[]>>();

function searched(deps: WatchlistDeps): Map<string, FoundFace[]> {
  let kept = searchedBy.get(deps.engine);
  if (!kept) searchedBy.set(deps.engine, (kept = new Map()));
  return kept;
}

/** The cache's key: the same bytes searched for the same smallest face. */
const searchedKey = (sha256: string, minFace: number) => `${sha256}:${minFace}`;

function rememberSearched(deps: WatchlistDeps, key: string, faces: FoundFace[]): void {
  const kept = searched(deps);
  kept.delete(key);
  kept.set(key, faces);
  for (const oldest of kept.keys()) {
    if (kept.size <= SEARCHED_KEPT) break;
    kept.delete(oldest);
  }
}

/** An unknown `keep` id (a typo, a subject deleted since) fails before anything is written or detected. */
function keptSubjectsExist(deps: WatchlistDeps, keep: readonly string[]): void {
  const ids = new Set(deps.store.watchlist.data.subjects.map((s) => s.id));
  const unknown = keep.filter((id) => !ids.has(id));
  if (unknown.length)
    throw new VigilError(
      'NOT_FOUND',
      `Cannot keep ${unknown.length === 1 ? 'subject' : 'subjects'} ${unknown.join(', ')}: not on the watchlist`,
      { subjectIds: unknown },
    );
}

/**
 * Faces of one photo for the blur editor: boxes, scores, and which are kept for `keep`. Nothing
 * is written (no "seen" faces, no preview, no history): the bystanders it finds are not kept.
 */
export async function detectForBlur(
  deps: WatchlistDeps,
  source: ImageSource,
  opts: { thresh: number; keep: readonly string[]; minFace?: number },
): Promise<BlurDetectResult> {
  const t0 = performance.now();
  keptSubjectsExist(deps, opts.keep);
  const minFace = opts.minFace ?? blurDefaultsFrom(deps.store.settings.data).minFace;
  // The editor keeps faces by their matches: worth describing only when there is a watchlist.
  const describe = deps.matcher.watchlistFaceCount > 0;
  const { img, faces } = await detectFaces(deps, source, smallFacePass(minFace), describe, stillImageOnly);
  rememberSearched(
    deps,
    searchedKey(img.sha256, minFace),
    faces.map((f) => ({ box: f.box, score: f.score })),
  );
  return {
    file: img.file,
    width: img.width,
    height: img.height,
    regions: regionsOf(deps, faces, opts.thresh, opts.keep),
    detectMs: Math.round(performance.now() - t0),
  };
}

/**
 * Blur exports one still image: an animated GIF / WebP or a multi-page TIFF would lose every
 * frame but the first without a word, so it is refused instead.
 */
function stillImageOnly(img: DecodedImage): void {
  if (img.pages <= 1) return;
  const name = basename(img.file.replace(/\\/g, '/'));
  const what = ['gif', 'webp'].includes(img.format) ? 'frames' : 'pages';
  throw new VigilError(
    'BAD_INPUT',
    `${name} has ${img.pages} ${what}; Vigil blurs still images only (export each ${what.slice(0, -1)} as its own image first)`,
    { file: img.file, pages: img.pages, reason: 'multi-frame' },
  );
}

/** One decode at full resolution (for edited regions: no detection needed). */
function decodeFull(deps: WatchlistDeps, source: ImageSource): Promise<DecodedImage> {
  return decodeImage(source, { ...deps.limits, maxSide: Number.MAX_SAFE_INTEGER });
}

/** Every region must touch the photo: a box wholly outside it is a client bug, not a no-op. */
function checkRegions(regions: readonly BlurRegion[], width: number, height: number): void {
  regions.forEach((r, index) => {
    const [x, y, w, h] = r.box;
    // The editor never draws past the photo; a box reaching farther than a photo's size beyond
    // an edge is an API caller's mistake, and an ellipse that large is not drawn at all.
    if (x < -width || y < -height || x + w > 2 * width || y + h > 2 * height) {
      throw new VigilError(
        'BAD_INPUT',
        `Region ${index + 1} reaches more than the photo's own size beyond the ${width}×${height} photo's edges`,
        { index, box: r.box },
      );
    }
    if (!regionRect(r.box, 1, width, height)) {
      throw new VigilError('BAD_INPUT', `Region ${index + 1} lies outside the ${width}×${height} photo`, {
        index,
        box: r.box,
      });
    }
  });
}

const MIME: Record<BlurFormat, BlurPreviewResult['mime']> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * The photo with every detected and manual region hidden, encoded. sharp writes no metadata
 * unless asked: EXIF (GPS included), XMP, IPTC and comments are all gone, and the pixels are
 * already upright, so no orientation tag is needed.
 */
async function render(
  full: RawRgb,
  regions: readonly BlurRegion[],
  look: RedactOptions,
  encode: { format: BlurFormat; quality: number },
): Promise<Buffer> {
  const boxes = (origin: BlurRegion['origin']) =>
    regions.filter((r) => r.origin === origin).map((r) => r.box);
  // Detected boxes grow by `scale` (a detector's box is tight); a region drawn by hand is taken as drawn.
  const overlays = [
    ...(await redactionOverlays(full, boxes('detected'), look)),
    ...(await redactionOverlays(full, boxes('manual'), { ...look, scale: 1 })),
  ];
  // The overlays carry alpha (the ellipse's edge), which makes the composite RGBA: the photo is
  // opaque, so an all-255 alpha channel would only add bytes to a PNG or WebP.
  const out = sharp(full.data, { raw: { width: full.width, height: full.height, channels: 3 } })
    .composite(overlays)
    .removeAlpha();
  if (encode.format === 'png') return out.png().toBuffer();
  if (encode.format === 'webp') return out.webp({ quality: encode.quality }).toBuffer();
  return out.jpeg({ quality: encode.quality, mozjpeg: true }).toBuffer();
}

/** A face the self-check finds counts as hidden only when this share of its box is painted over. */
const COVERED_SHARE = 0.9;
/** A face the self-check finds is the kept one when their boxes overlap this much (IoU). */
const KEPT_IOU = 0.3;
/** A face found in the photo and one found in the output are the same face from this overlap. */
const SAME_FACE_IOU = 0.3;

/** The blurred photo at full resolution, returned and never written (the before/after view). */
export async function previewBlurred(deps: WatchlistDeps, input: PreviewInput): Promise<BlurPreviewResult> {
  const o = resolved(deps, input);
  const img = await decodeFull(deps, input.source);
  stillImageOnly(img);
  checkRegions(input.regions, img.width, img.height);
  const bytes = await render(await fullResolutionRgb(img, deps.limits), input.regions, o, o);
  return {
    file: img.file,
    width: img.width,
    height: img.height,
    mime: MIME[o.format],
    data: bytes.toString('base64'),
  };
}

const WRITE_ERRORS = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'ENOTDIR',
  'EISDIR',
  'ENAMETOOLONG',
]);

function notWritable(dir: string, err: unknown): VigilError {
  const { code = 'EIO' } = err as NodeJS.ErrnoException;
  return new VigilError(
    'OUTPUT_NOT_WRITABLE',
    `Cannot write into the output folder ${dir}: ${whyNotWritable(err, dir)} (${code})`,
    // `at`: the folder at fault, so the UI can word the reason in its own language.
    { dir, reason: code, ...whereNotWritable(err, dir) },
  );
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
async function realPathOf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : join(await realPathOf(parent), basename(p));
  }
}

/**
 * Whether `dir` can take exports, without creating it: an absolute path, a folder (not a file),
 * writable (itself, or the nearest folder above it that exists, where it would be made), and
 * outside Vigil's data dir (exports are the user's files, not the store's). Fails as an export
 * into it would; `exists` says whether it would be created.
 */
export async function checkOutDir(
  dir: string,
  dataDir: string,
): Promise<{ outDir: string; exists: boolean }> {
  if (!isAbsolute(dir)) {
    throw new VigilError('OUTPUT_DIR_INVALID', `The output folder must be an absolute path, not ${dir}`, {
      dir,
      reason: 'relative',
    });
  }
  const out = resolve(dir);
  const [real, data] = await Promise.all([realPathOf(out), realPathOf(resolve(dataDir))]);
  // isWithin, not a '..' prefix: `<data>/..x` is inside the data dir.
  if (isWithin(real, data)) {
    throw new VigilError(
      'OUTPUT_IN_DATA_DIR',
      `${out} is inside Vigil's data folder; choose another folder`,
      {
        dir: out,
      },
    );
  }
  const info = await stat(out).catch(() => null);
  if (info && !info.isDirectory()) {
    throw new VigilError('OUTPUT_DIR_INVALID', `${out} is a file, not a folder`, {
      dir: out,
      reason: 'file',
    });
  }
  // Where the first thing would be made: a file in the folder, or its first missing part.
  let made = join(out, 'photo.jpg');
  let at = out;
  let atInfo = info;
  while (!atInfo && dirname(at) !== at) {
    made = at;
    at = dirname(at);
    atInfo = await stat(at).catch(() => null);
  }
  // Errors name the path that could not be made, as a failed write would (whyNotWritable).
  const failed = (code: string) => notWritable(out, Object.assign(new Error(code), { code, path: made }));
  if (atInfo && !atInfo.isDirectory()) throw failed('ENOTDIR');
  const tooLong = relative(at, out)
    .split(sep)
    .find((part) => Buffer.byteLength(part) > NAME_MAX_BYTES);
  if (tooLong !== undefined) {
    throw new VigilError(
      'OUTPUT_DIR_INVALID',
      `A folder name in the path is longer than the ${NAME_MAX_BYTES} bytes a file system allows (${JSON.stringify(tooLong.slice(0, 24) + '…')})`,
      { dir: out, reason: 'name-too-long' },
    );
  }
  await access(at, constants.W_OK).catch((err: unknown) =>
    Promise.reject(failed((err as NodeJS.ErrnoException).code ?? 'EACCES')),
  );
  // A folder that is not there yet: made and removed once, since write permission alone does
  // not say a folder can be made there (/proc, /sys, a full disk; root passes every access check).
  if (!info) {
    const probe = await mkdtemp(join(at, '.vigil-check-')).catch((err: unknown) =>
      Promise.reject(failed((err as NodeJS.ErrnoException).code ?? 'EIO')),
    );
    await rmdir(probe).catch(() => undefined);
  }
  return { outDir: out, exists: !!info };
}

/** The output folder, checked (`checkOutDir`) and created when missing. */
export async function prepareOutDir(dir: string, dataDir: string): Promise<string> {
  const { outDir, exists } = await checkOutDir(dir, dataDir);
  if (!exists) await makeDirs(outDir).catch((err: unknown) => Promise.reject(notWritable(outDir, err)));
  return outDir;
}

/**
 * Writes `bytes` as `<stem>.<ext>` in `dir`, or `<stem>-1.<ext>`, `-2` … when taken (`outputStem`;
 * an `exact` stem, one a batch reserved, is tried as is first): the file is written whole under a
 * temporary name, then linked to a name that must not exist yet, so an existing file (an
 * original included) is never replaced, even by a concurrent export.
 */
async function writeNew(
  dir: string,
  stem: string,
  ext: string,
  bytes: Buffer,
  exact: boolean,
  /** Asked just before the file gets its name: false (the job was cancelled meanwhile) writes nothing. */
  stillWanted: () => boolean = () => true,
): Promise<string> {
  const tmp = join(dir, `.vigil-${randomUUID()}.tmp`);
  try {
    // Inside the try: a write that fails part-way (a full disk) must not leave its part behind.
    await writeFile(tmp, bytes, { flag: 'wx' }).catch((err: unknown) =>
      Promise.reject(notWritable(dir, err)),
    );
    if (!stillWanted()) {
      throw new VigilError('CANCELLED', `Not written: the export of ${stem} was cancelled`, { dir });
    }
    for (let i = 0; i < 10_000; i++) {
      const candidate = join(dir, `${exact && i === 0 ? stem : outputStem(stem, ext, i)}.${ext}`);
      try {
        await link(tmp, candidate);
        return candidate;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        // File systems without hard links (FAT, some network shares): an exclusive copy.
        try {
          await copyFile(tmp, candidate, constants.COPYFILE_EXCL);
          return candidate;
        } catch (copyErr) {
          const copyCode = (copyErr as NodeJS.ErrnoException).code ?? '';
          if (copyCode === 'EEXIST') continue;
          throw WRITE_ERRORS.has(copyCode) ? notWritable(dir, copyErr) : copyErr;
        }
      }
    }
    throw new VigilError('OUTPUT_NOT_WRITABLE', `No free name for ${stem}.${ext} in ${dir}`, { dir });
  } finally {
    // Never hides the error that got us here.
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

function summaryOf(counts: BlurExportResult['counts'], leaks: number): string {
  const { blurred, manual, kept } = counts;
  return (
    `${blurred} face${blurred === 1 ? '' : 's'} blurred` +
    (manual ? ` (${manual} drawn by hand)` : '') +
    (kept ? `, ${kept} kept` : '') +
    (leaks ? `; ${leaks} still detectable` : '')
  );
}

/**
 * Blurs one photo and writes it into the output folder. With `regions` (the editor's list) those
 * are applied as given; without, every face the detector finds at `thresh` is blurred except the
 * `keep` subjects'. Either way the written file is checked: detection runs on it and every face
 * still found outside a kept region is reported. One history record (kind `blur`) per photo.
 */
export async function exportBlurred(deps: WatchlistDeps, input: ExportInput): Promise<BlurExportResult> {
  const o = resolved(deps, input);
  const ext = outputExtension(o.format);
  const keep = input.keep ?? [];
  const file = 'path' in input.source ? input.source.path : input.source.name;
  const { name } = input;
  // A reserved name is used as is, so it must be one the pattern's clean-up leaves alone.
  if (
    name !== undefined &&
    (usableFileName(name) !== name || Buffer.byteLength(`${name}.${ext}`) > NAME_MAX_BYTES)
  ) {
    throw new VigilError('BAD_INPUT', `The output name ${JSON.stringify(name)} is not a usable file name`, {
      name,
    });
  }
  const stemOf = (of: string) =>
    name ??
    fileNameFromPattern(input.pattern ?? DEFAULT_BLUR.pattern, {
      name: basename(of.replace(/\\/g, '/'), extname(of)),
      date: localDate(),
      style: o.style,
    });
  if (stemOf(file) === null) {
    throw new VigilError(
      'BAD_INPUT',
      `The file name pattern ${input.pattern ?? DEFAULT_BLUR.pattern} gives no usable name for ${JSON.stringify(basename(file.replace(/\\/g, '/')))}`,
      { file, pattern: input.pattern },
    );
  }
  keptSubjectsExist(deps, keep);
  const outDir = await prepareOutDir(input.outDir, deps.store.dir);

  return runJob(deps.store.history, 'blur', [{ file, sha256: null }], async (historyId) => {
    let img: DecodedImage;
    let regions: BlurRegion[];
    // The faces found in the photo itself, unless it was never searched: the self-check looks
    // around them, and reports those the regions leave bare whether or not it finds them again.
    let foundBefore: FoundFace[] | undefined;
    if (input.regions) {
      img = await decodeFull(deps, input.source);
      stillImageOnly(img);
      checkRegions(input.regions, img.width, img.height);
      regions = input.regions;
      // Faces blur.detect found in these very pixels (removed ones too).
      foundBefore = searched(deps).get(searchedKey(img.sha256, o.minFace));
    } else {
      // Faces are described only to find the kept subjects'; the export reports no matches.
      const found = await detectFaces(
        deps,
        input.source,
        smallFacePass(o.minFace),
        keep.length > 0,
        stillImageOnly,
      );
      img = found.img;
      regions = regionsOf(deps, found.faces, o.thresh, keep).map(({ matches: _, ...r }) => r);
      foundBefore = found.faces;
    }
    // Outside the regions the output's pixels are the photo's own, which the same passes
    // searched: only around what they found (blurred, kept, or under `thresh`, which a re-encode
    // can nudge) and the editor's regions can the output hold a face they did not report.
    // Everywhere when the photo was not searched.
    const recheck = foundBefore && [
      ...foundBefore.map((f) => f.box),
      ...(input.regions ? regions.map((r) => r.box) : []),
    ];
    const bytes = await render(await fullResolutionRgb(img, deps.limits), regions, o, o);

    // Self-check on the bytes about to be written, before they are: a process stopped between
    // the two leaves no copy that was never checked. Boxes only (describing them would change no
    // verdict); detectFaces writes nothing: our own output is not "seen".
    const after = await detectFaces(
      deps,
      { name: `${stemOf(img.file)!}.${ext}`, bytes: bytes.toString('base64') },
      { ...smallFacePass(o.minFace), ...(recheck && { within: recheck }) },
      false,
    );
    const keptBoxes = regions.filter((r) => r.origin === 'kept').map((r) => r.box);
    // What render painted: detected boxes grown by `scale`, manual ones as drawn, in `shape`.
    const painted = regions
      .filter((r) => r.origin !== 'kept')
      .map((r) => ({ box: r.box, scale: r.origin === 'manual' ? 1 : o.scale, shape: o.shape }));
    // The small-face detector fires on some blurred blobs (a skin-toned ellipse at 14 px looks
    // like a face); a blob only it finds, whose box the rendered redaction paints almost wholly
    // over, is not a recognisable face. Measured over the face's own area and the real shape:
    // a tiny region on a face, or a face in a corner an ellipse leaves bare, hides nothing.
    const small = (f: AnalysedFace) => f.detector === 'small-face';
    const blobInRegion = (f: AnalysedFace) =>
      small(f) && paintedShare(f.box, painted, img.width, img.height) >= COVERED_SHARE;
    // The same small-face pass ran on the photo itself, so a clutter region it finds only in the
    // re-encoded output is threshold flicker (0.55 before, 0.62 after); it must clear a 0.1 margin.
    const flicker = (f: AnalysedFace) => small(f) && f.score < DEFAULT_DETECTOR.minScore + 0.1;
    // A threshold raised above the built-in one blurs fewer faces; the check still reports those
    // the built-in threshold would have blurred, so a raised --thresh never leaks them silently.
    const checkThresh = Math.min(o.thresh, DEFAULT_BLUR.thresh);
    // The kept face itself, found again (boxes vary: 0.42 seen on a 33 px face), not any face a
    // kept box overlaps: a small kept box inside a big face excuses nothing.
    const isKept = (f: FoundFace) => keptBoxes.some((k) => iou(k, f.box) >= KEPT_IOU);
    const seenInOutput = after.faces
      .filter((f) => f.score >= checkThresh && !blobInRegion(f) && !flicker(f) && !isKept(f))
      .map((f) => ({ box: f.box, score: f.score }));
    // A face found in the photo that no region paints over is still there, even where the
    // output's detection misses it (a neighbour's blur next to it lowered its score).
    const leftBare = (foundBefore ?? []).filter(
      (f) =>
        f.score >= checkThresh &&
        !isKept(f) &&
        // Its own region (an ellipse at scale 1 leaves its box's corners bare by design).
        !painted.some((r) => iou(r.box, f.box) >= SAME_FACE_IOU) &&
        paintedShare(f.box, painted, img.width, img.height) < COVERED_SHARE &&
        !seenInOutput.some((g) => iou(g.box, f.box) >= SAME_FACE_IOU),
    );
    const facesStillDetected = [...seenInOutput, ...leftBare.map((f) => ({ box: f.box, score: f.score }))];
    // Not once the job is cancelled (a second Ctrl+C records the jobs in progress as such and
    // exits): a copy written after that would be in the folder with nothing reporting it.
    const output = await writeNew(
      outDir,
      stemOf(img.file)!,
      ext,
      bytes,
      name !== undefined,
      () => deps.store.history.get(historyId).status === 'RUNNING',
    );
    const counts = {
      blurred: regions.filter((r) => r.origin !== 'kept').length,
      manual: regions.filter((r) => r.origin === 'manual').length,
      kept: regions.filter((r) => r.origin === 'kept').length,
    };
    const value: BlurExportResult = {
      historyId,
      file: img.file,
      output,
      width: img.width,
      height: img.height,
      regions,
      counts,
      selfCheck: { facesStillDetected },
    };
    const { historyId: _, ...result } = value;
    return {
      value,
      summary: summaryOf(counts, facesStillDetected.length),
      message: {
        key: 'blur',
        values: {
          count: counts.blurred,
          manual: counts.manual,
          kept: counts.kept,
          leaks: facesStillDetected.length,
        },
      },
      result,
    };
  });
}
