import sharp, { type OverlayOptions, type Sharp } from 'sharp';

export type RedactStyle = 'blur' | 'pixelate' | 'solid';
export type RedactShape = 'ellipse' | 'rect';
type Box = [number, number, number, number];

export interface RedactOptions {
  style: RedactStyle;
  shape: RedactShape;
  /** Region size relative to the face box, around its centre (like deface's mask scale). */
  scale: number;
}

export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

/** The face box grown by `scale` around its centre, clipped to the image; null when outside. */
export function regionRect(box: Box, scale: number, width: number, height: number) {
  const [x, y, w, h] = box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  const left = Math.max(0, Math.floor(cx - (w * scale) / 2));
  const top = Math.max(0, Math.floor(cy - (h * scale) / 2));
  const right = Math.min(width, Math.ceil(cx + (w * scale) / 2));
  const bottom = Math.min(height, Math.ceil(cy + (h * scale) / 2));
  if (right - left < 1 || bottom - top < 1) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Whether a region's overlay paints the point (x, y): the rect regionRect gives, and for an
 * ellipse only the ellipse inscribed in that (clipped) rect, as ellipseMask draws it.
 */
export function paintsPoint(
  rect: NonNullable<ReturnType<typeof regionRect>>,
  shape: RedactShape,
): (x: number, y: number) => boolean {
  const { left, top, width: w, height: h } = rect;
  if (shape === 'rect') return (x, y) => x >= left && x < left + w && y >= top && y < top + h;
  const cx = left + w / 2;
  const cy = top + h / 2;
  return (x, y) => ((x - cx) / (w / 2)) ** 2 + ((y - cy) / (h / 2)) ** 2 <= 1;
}

/** One region as rendered: its box, the scale it grows by, its shape. */
export interface PaintedRegion {
  box: Box;
  scale: number;
  shape: RedactShape;
}

/**
 * The share of `face` (its area inside the image) that the regions' overlays paint over, from
 * a grid of samples: the face's own area is the measure, so a tiny region on a face, or a face
 * in the corner of a big ellipse's box that the ellipse leaves bare, counts as barely covered.
 */
export function paintedShare(
  face: Box,
  regions: readonly PaintedRegion[],
  width: number,
  height: number,
  grid = 16,
): number {
  const painters = regions.flatMap((r) => {
    const rect = regionRect(r.box, r.scale, width, height);
    return rect ? [paintsPoint(rect, r.shape)] : [];
  });
  const [fx, fy, fw, fh] = face;
  let inside = 0;
  let painted = 0;
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      const x = fx + ((i + 0.5) * fw) / grid;
      const y = fy + ((j + 0.5) * fh) / grid;
      // Parts of a box past the image's edge show nothing.
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      inside++;
      if (painters.some((p) => p(x, y))) painted++;
    }
  }
  return inside ? painted / inside : 1;
}

const rawOf = (img: RawRgb) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/**
 * One region's replacement pixels. Blur and pixelate first shrink the region to a handful of
 * pixels (8 across at most), so the face's detail is gone, not hidden: no deblurring can bring
 * back what the downsample threw away. Blur then smooths that back up; pixelate keeps blocks.
 */
async function patchFor(
  img: RawRgb,
  rect: NonNullable<ReturnType<typeof regionRect>>,
  style: RedactStyle,
): Promise<Sharp> {
  const { width: w, height: h } = rect;
  if (style === 'solid')
    return sharp({ create: { width: w, height: h, channels: 3, background: { r: 0, g: 0, b: 0 } } });
  const cells = 8;
  const small = await rawOf(img)
    .extract(rect)
    .resize({
      width: Math.max(1, Math.min(cells, w)),
      height: Math.max(1, Math.min(cells, Math.round((cells * h) / w) || 1)),
      fit: 'fill',
      kernel: 'cubic',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const up = sharp(small.data, {
    raw: { width: small.info.width, height: small.info.height, channels: 3 },
  }).resize({
    width: w,
    height: h,
    fit: 'fill',
    kernel: style === 'pixelate' ? 'nearest' : 'cubic',
  });
  if (style === 'pixelate') return up;
  const upBuf = await up.raw().toBuffer();
  return sharp(upBuf, { raw: { width: w, height: h, channels: 3 } }).blur(Math.max(1, Math.min(w, h) / 12));
}

function ellipseMask(w: number, h: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><ellipse cx="${w / 2}" cy="${h / 2}" rx="${w / 2}" ry="${h / 2}" fill="#fff"/></svg>`,
  );
}

/** Overlays for every box, to composite onto the image they were computed from. */
export async function redactionOverlays(img: RawRgb, boxes: Box[], opts: RedactOptions) {
  const overlays: OverlayOptions[] = [];
  for (const box of boxes) {
    const rect = regionRect(box, opts.scale, img.width, img.height);
    if (!rect) continue;
    let patch = (await patchFor(img, rect, opts.style)).ensureAlpha();
    if (opts.shape === 'ellipse') {
      patch = sharp(await patch.png().toBuffer()).composite([
        { input: ellipseMask(rect.width, rect.height), blend: 'dest-in' },
      ]);
    }
    overlays.push({ input: await patch.png().toBuffer(), left: rect.left, top: rect.top });
  }
  return overlays;
}
