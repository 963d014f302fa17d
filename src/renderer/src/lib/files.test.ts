import { describe, expect, it } from 'vitest';
import {
  bytesToBase64,
  bytesToBase64Chunked,
  extensionOf,
  isImageLike,
  selectForInspection,
  toPicked,
  type PickedFile,
} from './files';

function reference(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function pseudoRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const picked = (name: string, fromFolder: boolean, type = ''): PickedFile => ({
  file: new File(['x'], name, { type }),
  relativePath: fromFolder ? `dir/${name}` : name,
  fromFolder,
});

describe('bytesToBase64', () => {
  it.each([0, 1, 2, 3, 24575, 24576, 24577, 100_003])('matches a byte-by-byte encoding for %i bytes', (n) => {
    const bytes = pseudoRandomBytes(n);
    expect(bytesToBase64Chunked(bytes)).toBe(reference(bytes));
    expect(bytesToBase64(bytes)).toBe(reference(bytes));
  });

  it('round-trips through atob', () => {
    const bytes = pseudoRandomBytes(70_001);
    const decoded = Uint8Array.from(atob(bytesToBase64Chunked(bytes)), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
  });
});

describe('image filtering', () => {
  it('recognises image extensions case-insensitively, and MIME types for extensionless names', () => {
    expect(extensionOf('Photo.JPEG')).toBe('jpeg');
    expect(extensionOf('.hidden')).toBe('');
    for (const name of [
      'a.jpg',
      'b.JPG',
      'c.png',
      'd.webp',
      'e.gif',
      'f.tif',
      'g.tiff',
      'h.avif',
      'i.HEIC',
      'j.heif',
      'k.bmp',
    ]) {
      expect(isImageLike({ name, type: '' })).toBe(true);
    }
    expect(isImageLike({ name: 'notes.txt', type: 'text/plain' })).toBe(false);
    expect(isImageLike({ name: 'scan.pdf', type: 'application/pdf' })).toBe(false);
    expect(isImageLike({ name: 'blob', type: 'image/png' })).toBe(true);
  });

  it('filters folder contents but sends files the user picked one by one', () => {
    const { keep, skipped } = selectForInspection([
      picked('z.jpg', true),
      picked('notes.txt', true),
      picked('._z.jpg', true),
      picked('a10.jpg', true),
      picked('a9.jpg', true),
      picked('bad.txt', false),
    ]);
    expect(skipped).toBe(2);
    expect(keep.map((p) => p.relativePath)).toEqual(['dir/a9.jpg', 'dir/a10.jpg', 'dir/z.jpg', 'bad.txt']);
  });

  it('a single non-image file is still sent (the core reports NOT_AN_IMAGE)', () => {
    const { keep, skipped } = selectForInspection([toPicked(new File(['x'], 'bad.txt'))]);
    expect(skipped).toBe(0);
    expect(keep).toHaveLength(1);
  });
});
