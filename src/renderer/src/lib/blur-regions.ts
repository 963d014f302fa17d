import { cutSides, type BlurDetectResult, type BlurRegion } from '../../../shared/blur-schemas';
import type { Box } from '../../../shared/schemas';

/** One region as the editor holds it; edits stay here until the photo is exported. */
export interface EditRegion {
  id: string;
  /** `[x, y, width, height]` in the original's pixels after EXIF orientation. */
  box: Box;
  /** Detector score; null for a region drawn by hand. */
  score: number | null;
  origin: 'detected' | 'manual';
  /** Watchlist subjects the face matches (from blur.detect), best first. */
  matches: string[];
  /** Left unblurred because it is not a face (or not one to hide); restorable. */
  removed: boolean;
  /** The user's own choice to keep the face visible; null: follow the subjects chosen to keep. */
  keep: boolean | null;
}

/**
 * What happens to a region: `blurred`, `kept` (visible on purpose), `removed` (left alone,
 * restorable) or `hidden` (a detection under the threshold: not shown, not blurred).
 */
export type RegionState = 'blurred' | 'kept' | 'removed' | 'hidden';

export function regionState(r: EditRegion, thresh: number, keepIds: ReadonlySet<string>): RegionState {
  if (r.origin === 'detected' && (r.score ?? 0) < thresh) return 'hidden';
  if (r.removed) return 'removed';
  if (r.keep ?? r.matches.some((id) => keepIds.has(id))) return 'kept';
  return 'blurred';
}

/** The chosen subject a kept face belongs to, if it is kept because of one. */
export function keptSubject(r: EditRegion, keepIds: ReadonlySet<string>): string | undefined {
  return r.keep === false ? undefined : r.matches.find((id) => keepIds.has(id));
}

export function fromDetected(result: BlurDetectResult): EditRegion[] {
  return result.regions.map((r, i) => ({
    id: `d${i}`,
    box: r.box,
    score: r.score,
    origin: 'detected',
    matches: r.matches,
    removed: false,
    keep: null,
  }));
}

const iou = (a: Box, b: Box) => {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter || 1);
};

/**
 * A photo looked at again (a smaller "smallest face"): the new detections replace the old, each
 * keeping the user's choice (removed, keep, moved box) of the old detection it overlaps most
 * (IoU ≥ 0.5), and regions drawn by hand stay as they are.
 */
export function mergeRedetected(old: readonly EditRegion[], fresh: readonly EditRegion[]): EditRegion[] {
  const manual = old.filter((r) => r.origin === 'manual');
  const unmatched = new Set(old.filter((r) => r.origin === 'detected'));
  const used = new Set(manual.map((r) => r.id));
  const merged = fresh.map((r) => {
    let best: EditRegion | undefined;
    let bestIou = 0.5;
    for (const o of unmatched) {
      const v = iou(o.box, r.box);
      if (v >= bestIou) [best, bestIou] = [o, v];
    }
    if (!best) return r;
    unmatched.delete(best);
    used.add(best.id);
    return { ...r, id: best.id, box: best.box, removed: best.removed, keep: best.keep };
  });
  // A new detection's id (d0, d1, …) may be one an old detection kept: give it a free one.
  let n = 0;
  const free = () => {
    while (used.has(`d${n}`)) n++;
    used.add(`d${n}`);
    return `d${n}`;
  };
  return [...merged.map((r) => (fresh.includes(r) ? { ...r, id: free() } : r)), ...manual];
}

/** The region list blur.preview and blur.export take: removed and hidden regions are left out. */
export function toCoreRegions(
  regions: readonly EditRegion[],
  thresh: number,
  keepIds: ReadonlySet<string>,
): BlurRegion[] {
  const out: BlurRegion[] = [];
  for (const r of regions) {
    const state = regionState(r, thresh, keepIds);
    if (state === 'blurred') out.push({ box: r.box, score: r.score, origin: r.origin });
    if (state === 'kept') {
      const subjectId = keptSubject(r, keepIds);
      out.push({ box: r.box, score: r.score, origin: 'kept', ...(subjectId ? { subjectId } : {}) });
    }
  }
  return out;
}

export interface RegionCounts {
  blurred: number;
  manual: number;
  kept: number;
  removed: number;
  hidden: number;
}

export function countRegions(
  regions: readonly EditRegion[],
  thresh: number,
  keepIds: ReadonlySet<string>,
): RegionCounts {
  const c: RegionCounts = { blurred: 0, manual: 0, kept: 0, removed: 0, hidden: 0 };
  for (const r of regions) {
    const state = regionState(r, thresh, keepIds);
    c[state]++;
    if (state === 'blurred' && r.origin === 'manual') c.manual++;
  }
  return c;
}

/** The "Smallest face to find" sizes (px) the Blur page offers, with the one chosen now. */
export function minFaceChoices(current: number): number[] {
  return [...new Set([16, 24, 32, 48, current])].sort((a, b) => a - b);
}

/**
 * A photo whose detection found no region at all (not even one under the threshold): faces
 * smaller than the smallest face it was looked for at were never looked for, so the page says at
 * which size it looked (`px`: the photo's own, not the option chosen since) and offers to look
 * again at a smaller one (`retry`): the option chosen now if it is smaller than `px` (the user
 * picked it already), else the next smaller size the page offers; null when none is left. Null
 * before detection, or once it found a region; regions drawn by hand do not count (detection
 * still found nothing).
 */
export function noFaceFound(
  item: { minFace?: number; regions: readonly Pick<EditRegion, 'origin'>[] },
  currentMinFace: number,
): { px: number; retry: number | null } | null {
  const px = item.minFace;
  if (px === undefined || item.regions.some((r) => r.origin === 'detected')) return null;
  if (currentMinFace < px) return { px, retry: currentMinFace };
  const smaller = minFaceChoices(currentMinFace).filter((c) => c < px);
  return { px, retry: smaller.at(-1) ?? null };
}

/** Smallest region side, in image pixels, that a drag creates or a resize leaves. */
export const MIN_SIDE = 4;

const round = (b: Box): Box => [Math.round(b[0]), Math.round(b[1]), Math.round(b[2]), Math.round(b[3])];

/** The box kept inside a `width`×`height` image, at least MIN_SIDE on each side. */
export function clampBox(box: Box, width: number, height: number): Box {
  const w = Math.min(Math.max(box[2], MIN_SIDE), width);
  const h = Math.min(Math.max(box[3], MIN_SIDE), height);
  const x = Math.min(Math.max(box[0], 0), width - w);
  const y = Math.min(Math.max(box[1], 0), height - h);
  return round([x, y, w, h]);
}

/** The box spanned by two points (a drag), inside the image. */
export function boxFromPoints(
  a: readonly [number, number],
  b: readonly [number, number],
  width: number,
  height: number,
): Box {
  const x0 = Math.max(0, Math.min(a[0], b[0]));
  const y0 = Math.max(0, Math.min(a[1], b[1]));
  const x1 = Math.min(width, Math.max(a[0], b[0]));
  const y1 = Math.min(height, Math.max(a[1], b[1]));
  return round([x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)]);
}

export function moveBox(box: Box, dx: number, dy: number, width: number, height: number): Box {
  return clampBox([box[0] + dx, box[1] + dy, box[2], box[3]], width, height);
}

/** A region added without a pointer: a square an eighth of the photo's shorter side, centred. */
export function centredBox(width: number, height: number): Box {
  const side = Math.max(MIN_SIDE, Math.round(Math.min(width, height) / 8));
  return clampBox([(width - side) / 2, (height - side) / 2, side, side], width, height);
}

export type Corner = 'nw' | 'ne' | 'sw' | 'se';
export const CORNERS: readonly Corner[] = ['nw', 'ne', 'sw', 'se'];

/** The box with one corner dragged by (dx, dy); the opposite corner stays put. */
export function resizeBox(
  box: Box,
  corner: Corner,
  dx: number,
  dy: number,
  width: number,
  height: number,
): Box {
  let [x0, y0] = box;
  let x1 = box[0] + box[2];
  let y1 = box[1] + box[3];
  if (corner === 'nw' || corner === 'sw') x0 = Math.min(Math.max(0, x0 + dx), x1 - MIN_SIDE);
  else x1 = Math.max(Math.min(width, x1 + dx), x0 + MIN_SIDE);
  if (corner === 'nw' || corner === 'ne') y0 = Math.min(Math.max(0, y0 + dy), y1 - MIN_SIDE);
  else y1 = Math.max(Math.min(height, y1 + dy), y0 + MIN_SIDE);
  return round([x0, y0, x1 - x0, y1 - y0]);
}

/**
 * What a region's blur covers, as the core renders it: the box (detected boxes grow by `scale`,
 * manual ones do not), clipped to the photo, and for an ellipse the CSS border-radius that
 * outlines it there: the grown box's ellipse, square on the sides where the face box reaches the
 * photo's edge (cutSides). Radii in % of the clipped box.
 */
export function coverageOf(
  r: Pick<EditRegion, 'box' | 'origin'>,
  scale: number,
  width: number,
  height: number,
): { box: Box; radius: string } {
  const s = r.origin === 'manual' ? 1 : scale;
  const [x, y, w, h] = r.box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  const left = Math.max(0, cx - (w * s) / 2);
  const top = Math.max(0, cy - (h * s) / 2);
  const cw = Math.min(width, cx + (w * s) / 2) - left;
  const ch = Math.min(height, cy + (h * s) / 2) - top;
  const cut = cutSides(r.box, width, height);
  const rx = cw > 0 ? Math.min(100, ((w * s) / 2 / cw) * 100) : 50;
  const ry = ch > 0 ? Math.min(100, ((h * s) / 2 / ch) * 100) : 50;
  // Corners clockwise from the top left; a corner next to a cut side is square.
  const round = [
    !cut.left && !cut.top,
    !cut.top && !cut.right,
    !cut.right && !cut.bottom,
    !cut.bottom && !cut.left,
  ];
  const hr = round.map((on) => (on ? `${rx}%` : '0')).join(' ');
  const vr = round.map((on) => (on ? `${ry}%` : '0')).join(' ');
  return { box: [left, top, cw, ch], radius: `${hr} / ${vr}` };
}
