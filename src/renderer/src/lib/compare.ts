import type { ErrorShape } from '../../../shared/errors';
import type { ChannelOutput } from '../../../shared/contract';
import type { Box } from '../../../shared/schemas';

export type CompareSlot = 'a' | 'b';
export type CompareResult = ChannelOutput<'match.compare'>;
/** One side of a comparison: its largest face (the one compared), its faces, size and preview. */
export type ComparedPhoto = CompareResult['a'];

const isSlot = (value: unknown): value is CompareSlot => value === 'a' || value === 'b';

/** The photo an error of match.compare is about: the side its details name; null for neither. */
export function errorSlot(error: ErrorShape): CompareSlot | null {
  const side = error.details?.side;
  return isSlot(side) ? side : null;
}

/** The same comparison with its photos the other way round: the score does not depend on order. */
export const swapCompare = (r: CompareResult): CompareResult => ({ ...r, a: r.b, b: r.a });

/**
 * Where to draw a photo so that `box` (with a margin around it) fills a square of `side` px:
 * the image's displayed size and its offset inside the square. A face near an edge is moved off
 * the centre rather than leave part of the square bare (where the photo is large enough).
 */
export function cropView(
  box: Box,
  image: { width: number; height: number },
  side: number,
  margin = 0.15,
): { width: number; height: number; left: number; top: number } {
  const [x, y, w, h] = box;
  const span = Math.max(w, h) * (1 + 2 * margin);
  const scale = side / span;
  const width = image.width * scale;
  const height = image.height * scale;
  const inside = (offset: number, size: number) =>
    size >= side ? Math.min(0, Math.max(side - size, offset)) : offset;
  return {
    width,
    height,
    left: inside(side / 2 - (x + w / 2) * scale, width),
    top: inside(side / 2 - (y + h / 2) * scale, height),
  };
}

/**
 * The SHA-256 of a file's bytes, in hex: what tells a photo from a copy of it under another name.
 * Null where it cannot be had: the file cannot be read any more, or this window has no
 * `crypto.subtle` (a browser tab over plain http from another machine is not a secure context).
 */
export async function fileDigest(file: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (!subtle) return null;
  try {
    const hash = await subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(hash), (byte) => byte.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

/** A chosen photo and the digest of its bytes: undefined while it is computed, null if none. */
export interface DigestedFile {
  file: Blob;
  digest?: string | null;
}

/**
 * Whether two chosen photos are one: the same bytes, whatever their names or dates (a renamed
 * copy is caught; two files that only share a name, size and date are not). Not the same while
 * either digest is unknown.
 */
export const samePhoto = (a: DigestedFile, b: DigestedFile): boolean =>
  a.file.size === b.file.size && typeof a.digest === 'string' && a.digest === b.digest;
