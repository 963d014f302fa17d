/** Face boxes are `[x, y, width, height]` in image pixels. */
export type Box = readonly [number, number, number, number];

/**
 * A box cut to the image, on whole pixels that cover it (rounded outwards), at least one pixel
 * each way: results name boxes in the image's pixels, and a face the edge cuts (whose detector
 * box reaches past it, or a shrunk image's rounding) ends at the edge.
 */
export function clipBox([x, y, w, h]: Box, width: number, height: number): [number, number, number, number] {
  const left = Math.min(Math.max(0, Math.floor(x)), width - 1);
  const top = Math.min(Math.max(0, Math.floor(y)), height - 1);
  const right = Math.max(left + 1, Math.min(width, Math.ceil(x + w)));
  const bottom = Math.max(top + 1, Math.min(height, Math.ceil(y + h)));
  return [left, top, right - left, bottom - top];
}

/** The same box within `tolerance` pixels on every coordinate (one face, detected again). */
export function sameBox(a: Box, b: Box, tolerance = 1): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

/** Intersection over the smaller box's area: 1 when one box lies wholly inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  return intersection(a, b) / Math.max(1, Math.min(a[2] * a[3], b[2] * b[3]));
}

/** The area two boxes share. */
function intersection(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return ix * iy;
}

/** The share of `inner`'s area that lies inside `outer` (0 for an empty `inner`). */
export function shareInside(inner: Box, outer: Box): number {
  return intersection(inner, outer) / Math.max(1, inner[2] * inner[3]);
}

/**
 * One face seen twice: human's mesh refines the detector's boxes after its NMS and can leave a
 * weaker second box mostly inside a stronger one, and tiled passes at several scales see one face
 * at each. Drops a face when most of its box lies inside a higher-scoring face's box; keeps order.
 */
export function dropNestedDuplicates<F extends { box: Box; boxScore?: number; score: number }>(
  faces: F[],
  maxInside = 0.6,
): F[] {
  const byScore = [...faces].sort((a, b) => (b.boxScore ?? b.score) - (a.boxScore ?? a.score));
  const kept: F[] = [];
  for (const f of byScore) {
    if (!kept.some((k) => overlapOfSmaller(k.box, f.box) > maxInside)) kept.push(f);
  }
  return faces.filter((f) => kept.includes(f));
}

/** Intersection over union (0 for two empty boxes). */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter || 1);
}

/** A part of an image to search, and which of the given boxes it was grown from. */
export interface SearchArea {
  box: Box;
  members: number[];
}

/**
 * The parts of a `width`×`height` image worth searching around `boxes`: each box grown by
 * `pad(box)` on every side and clamped to the image, then overlapping areas merged into their
 * bounding rectangle until none overlap (a handful of boxes per photo: quadratic is fine).
 */
export function searchAreas(
  boxes: readonly Box[],
  pad: (b: Box) => number,
  width: number,
  height: number,
): SearchArea[] {
  let areas: SearchArea[] = [];
  boxes.forEach((b, i) => {
    const p = Math.max(0, pad(b));
    const x0 = Math.max(0, Math.floor(b[0] - p));
    const y0 = Math.max(0, Math.floor(b[1] - p));
    const x1 = Math.min(width, Math.ceil(b[0] + b[2] + p));
    const y1 = Math.min(height, Math.ceil(b[1] + b[3] + p));
    if (x1 > x0 && y1 > y0) areas.push({ box: [x0, y0, x1 - x0, y1 - y0], members: [i] });
  });
  for (let merged = true; merged;) {
    merged = false;
    const next: SearchArea[] = [];
    for (const a of areas) {
      // Any shared area merges (areas that only touch stay apart).
      const n = next.find((x) => overlapOfSmaller(x.box, a.box) > 0);
      if (!n) {
        next.push(a);
        continue;
      }
      const [nx, ny, nw, nh] = n.box;
      const x0 = Math.min(nx, a.box[0]);
      const y0 = Math.min(ny, a.box[1]);
      n.box = [
        x0,
        y0,
        Math.max(nx + nw, a.box[0] + a.box[2]) - x0,
        Math.max(ny + nh, a.box[1] + a.box[3]) - y0,
      ];
      n.members.push(...a.members);
      merged = true;
    }
    areas = next;
  }
  for (const a of areas) a.members.sort((x, y) => x - y);
  return areas;
}
