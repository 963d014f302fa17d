/**
 * Where the text tab of each face box goes, so that no tab covers another face's box or another
 * tab. Hand-written: it is a few candidate positions tried in a fixed order, smaller and more
 * predictable than pulling in a general label-placement library.
 *
 * All numbers are CSS pixels in the displayed photo (origin at its top-left corner).
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  /** The face's box. */
  box: Rect;
  /** Width the whole label needs; 0 for a box without a label (it only keeps others off). */
  width: number;
  /** Narrowest useful width when the label must be shortened (at most `width`). */
  minWidth: number;
  /** Lower goes first and so gets the better spot (a match before a non-match); ties keep input order. */
  priority?: number;
}

export type LabelSide = 'above' | 'below' | 'inside';

export interface LabelPlacement extends Rect {
  side: LabelSide;
  /** True when `w` is less than the width the label asked for (the text is ellipsised). */
  truncated: boolean;
}

export interface LabelLayoutOptions {
  /** Label height. */
  height: number;
  /** Space between a box and its label. */
  gap?: number;
  /** Clearance kept around other boxes (their outline shadow). */
  clearance?: number;
}

function overlaps(a: Rect, b: Rect, pad: number): boolean {
  return a.x < b.x + b.w + pad && b.x - pad < a.x + a.w && a.y < b.y + b.h + pad && b.y - pad < a.y + a.h;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Places one label per request, or `null` where no spot is free or none is asked for (the caller
 * then shows none; the full text stays in the box's tooltip). Two passes, each in priority order:
 * first every label gets a spot at its short width (the box's width, or `minWidth` if wider) —
 * above the box (aligned to its left edge, its right edge, centred), else below it the same
 * ways, else over the top of its own box if that is at least twice the label's height; then
 * each placed label grows to its full width where an above/below spot has room for it. So a crowded photo gets short labels for all
 * rather than long ones for a few. Every label stays inside the photo and shares columns with
 * its own box, so it reads as that box's label. Deterministic: same input, same output.
 */
export function placeLabels(
  frame: { w: number; h: number },
  requests: readonly LabelRequest[],
  options: LabelLayoutOptions,
): Array<LabelPlacement | null> {
  const { height } = options;
  const gap = options.gap ?? 1;
  const clearance = options.clearance ?? 1;
  const placed: Array<LabelPlacement | null> = requests.map(() => null);
  const order = requests
    .map((request, index) => ({ request, index }))
    .filter(({ request }) => request.width > 0)
    .sort((a, b) => (a.request.priority ?? 0) - (b.request.priority ?? 0) || a.index - b.index);

  const free = (rect: Rect, own: number): boolean => {
    if (rect.x < 0 || rect.y < 0 || rect.x + rect.w > frame.w || rect.y + rect.h > frame.h) return false;
    if (requests.some((other, i) => i !== own && overlaps(rect, other.box, clearance))) return false;
    return !placed.some((label, i) => i !== own && label !== null && overlaps(rect, label, 0));
  };

  /** The first free spot above or below the box for a label `w` wide. */
  const besideBox = ({ box, width }: LabelRequest, index: number, w: number): LabelPlacement | null => {
    for (const side of ['above', 'below'] as const) {
      const y = side === 'above' ? box.y - gap - height : box.y + box.h + gap;
      const xs = [box.x, box.x + box.w - w, box.x + (box.w - w) / 2].map((x) => clamp(x, 0, frame.w - w));
      for (const x of xs) {
        const rect = { x, y, w, h: height };
        if (free(rect, index)) return { ...rect, side, truncated: w < width };
      }
    }
    return null;
  };

  for (const { request, index } of order) {
    const { box, width, minWidth } = request;
    const full = Math.min(width, frame.w);
    const short = Math.min(full, Math.max(box.w, minWidth));
    let found = besideBox(request, index, short);
    if (!found) {
      // Last resort: over the top of its own box, shortened to the box's width, where it hides
      // no more than the top half of that face.
      const w = Math.min(full, box.w);
      const fits = w >= Math.min(minWidth, full) && box.h >= 2 * height;
      const rect = { x: clamp(box.x, 0, frame.w - w), y: clamp(box.y, 0, frame.h - height), w, h: height };
      if (fits && free(rect, index)) found = { ...rect, side: 'inside', truncated: w < width };
    }
    placed[index] = found;
  }

  for (const { request, index } of order) {
    const current = placed[index];
    const full = Math.min(request.width, frame.w);
    if (!current || current.w >= full) continue;
    placed[index] = besideBox(request, index, full) ?? current;
  }
  return placed;
}

/** Character width of the monospace label font, as a fraction of its size (generous, so text fits). */
const MONO_ADVANCE = 0.62;

type LabelFont = { size: number; padding: number; maxChars: number; suffixGap: number };

/**
 * Width a label needs in the monospace label font: its text (at most `maxChars` characters, beyond
 * which the text is shortened anyway), an optional suffix kept whole, and the horizontal padding.
 * Shortened, it still shows the suffix and `short` (see fitLabel) or, without one, two characters
 * ("1…").
 */
export function labelWidth(
  text: string,
  suffix: string | undefined,
  font: LabelFont,
  short?: string,
): { width: number; minWidth: number } {
  const char = font.size * MONO_ADVANCE;
  const suffixWidth = suffix ? (suffix.length + font.suffixGap) * char : 0;
  const textChars = Math.min([...text].length, font.maxChars);
  const width = Math.ceil(textChars * char + suffixWidth + 2 * font.padding);
  const shortChars = short === undefined ? 2 : [...short].length;
  const minWidth = Math.min(
    width,
    Math.ceil(Math.min(textChars, shortChars) * char + suffixWidth + 2 * font.padding),
  );
  return { width, minWidth };
}

/** Fewest characters of a label's detail (a name) worth showing before an ellipsis. */
const MIN_DETAIL_CHARS = 3;

/**
 * What a label placed `w` wide shows. The whole text where it fits; shortened (the CSS ellipsis)
 * where at least the first MIN_DETAIL_CHARS characters of its detail (what follows `short` and
 * its separator, "Alice" in "2 · Alice") still show; else `short` alone, at its own width: "2 · …"
 * says nothing the face's number does not, and the full text stays in the box's tooltip.
 */
export function fitLabel(
  text: string,
  suffix: string | undefined,
  font: LabelFont,
  w: number,
  short?: string,
): { text: string; w: number } {
  if (short === undefined || !text.startsWith(short)) return { text, w };
  const char = font.size * MONO_ADVANCE;
  const suffixWidth = suffix ? (suffix.length + font.suffixGap) * char : 0;
  const room = Math.floor((w - suffixWidth - 2 * font.padding) / char + 1e-6);
  const chars = [...text].length;
  if (room >= chars) return { text, w };
  const detail = text.slice(short.length).replace(/^[\s·:—–-]+/u, '');
  const prefix = chars - [...detail].length;
  // One character goes to the ellipsis.
  if (room - 1 - prefix >= Math.min(MIN_DETAIL_CHARS, [...detail].length)) return { text, w };
  return { text: short, w: Math.min(w, labelWidth(short, suffix, font).width) };
}
