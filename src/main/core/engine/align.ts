/**
 * Face alignment for the mobileface descriptor: a similarity transform (scale, rotation,
 * translation) fitted by least squares from five landmarks to the ArcFace 112×112 template,
 * then bilinear sampling. Hand-written because no npm package does this small step for
 * TensorFlow.js; measured in the descriptor evaluation (docs/calibration.md).
 */

type Point = readonly [number, number];

/** ArcFace reference points in a 112×112 chip: eyes, nose tip, mouth corners (image order). */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** The transform mapping chip coordinates to image coordinates: src = [a −b; b a]·dst + t. */
export function fitSimilarity(dst: readonly Point[], src: readonly Point[]) {
  const n = dst.length;
  let mdx = 0;
  let mdy = 0;
  let msx = 0;
  let msy = 0;
  for (let i = 0; i < n; i++) {
    mdx += dst[i]![0];
    mdy += dst[i]![1];
    msx += src[i]![0];
    msy += src[i]![1];
  }
  mdx /= n;
  mdy /= n;
  msx /= n;
  msy /= n;
  let sxx = 0;
  let sab = 0;
  let sba = 0;
  for (let i = 0; i < n; i++) {
    const dx = dst[i]![0] - mdx;
    const dy = dst[i]![1] - mdy;
    const sx = src[i]![0] - msx;
    const sy = src[i]![1] - msy;
    sxx += dx * dx + dy * dy;
    sab += dx * sx + dy * sy;
    sba += dx * sy - dy * sx;
  }
  const a = sab / sxx;
  const b = sba / sxx;
  return { a, b, tx: msx - (a * mdx - b * mdy), ty: msy - (b * mdx + a * mdy) };
}

/** A size×size RGB chip as floats in 0…255 (what mobileface expects), zero outside the image. */
export function alignedChip(
  img: { data: Uint8Array; width: number; height: number },
  landmarks: readonly Point[],
  size = 112,
): Float32Array {
  const { a, b, tx, ty } = fitSimilarity(ARCFACE_TEMPLATE, landmarks);
  const { width: W, height: H, data } = img;
  const out = new Float32Array(size * size * 3);
  const px = (x: number, y: number, c: number) =>
    x < 0 || y < 0 || x >= W || y >= H ? 0 : data[(y * W + x) * 3 + c]!;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = a * x - b * y + tx;
      const sy = b * x + a * y + ty;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        out[(y * size + x) * 3 + c] =
          px(x0, y0, c) * (1 - fx) * (1 - fy) +
          px(x0 + 1, y0, c) * fx * (1 - fy) +
          px(x0, y0 + 1, c) * (1 - fx) * fy +
          px(x0 + 1, y0 + 1, c) * fx * fy;
      }
    }
  }
  return out;
}

/** [a/|a|, b/|b|]: one cosine over the result is the mean of the two parts' cosines. */
export function fuseUnit(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  const na = norm(a);
  const nb = norm(b);
  a.forEach((x, i) => (out[i] = x / na));
  b.forEach((x, i) => (out[a.length + i] = x / nb));
  return out;
}
