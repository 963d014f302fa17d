/** Face boxes are `[x, y, width, height]` in image pixels. */
export type Box = readonly [number, number, number, number];

/** The same box within `tolerance` pixels on every coordinate (one face, detected again). */
export function sameBox(a: Box, b: Box, tolerance = 1): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

/** Intersection over the smaller box's area: 1 when one box lies wholly inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return (ix * iy) / Math.max(1, Math.min(a[2] * a[3], b[2] * b[3]));
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
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter || 1);
}
