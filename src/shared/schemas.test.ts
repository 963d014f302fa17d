import { describe, expect, it } from 'vitest';
import { blurExportInputSchema, blurScaleSchema, storedBlurScaleSchema } from './blur-schemas';
import { boxSchema, imageSourceSchema } from './schemas';

describe('imageSourceSchema', () => {
  it('accepts a path or a name with base64 bytes', () => {
    expect(imageSourceSchema.parse({ path: '/photos/a.jpg' })).toEqual({ path: '/photos/a.jpg' });
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64');
    expect(imageSourceSchema.parse({ name: 'a.jpg', bytes })).toEqual({ name: 'a.jpg', bytes });
  });

  it.each([
    ['extra key beside path', { path: '/a.jpg', mode: 'x' }],
    ['extra key beside bytes', { name: 'a.jpg', bytes: 'AAAA', path: '/a.jpg' }],
    ['both forms', { path: '/a.jpg', name: 'a.jpg', bytes: 'AAAA' }],
    ['an empty path', { path: '' }],
    ['a non-string path', { path: 1 }],
    ['bytes without a name', { bytes: 'AAAA' }],
    ['an empty name', { name: '', bytes: 'AAAA' }],
    ['a name longer than 1024', { name: 'a'.repeat(1025), bytes: 'AAAA' }],
    ['bytes that are not base64', { name: 'a.jpg', bytes: 'not base64!' }],
    ['base64 with bad padding', { name: 'a.jpg', bytes: 'AAA' }],
    ['base64url instead of base64', { name: 'a.jpg', bytes: '-_-_' }],
    ['bytes as an array', { name: 'a.jpg', bytes: [1, 2, 3] }],
    ['nothing', {}],
    ['null', null],
  ])('rejects %s', (_label, value) => {
    expect(imageSourceSchema.safeParse(value).success).toBe(false);
  });
});

describe('boxSchema', () => {
  it('is a tuple of exactly four numbers', () => {
    expect(boxSchema.safeParse([1, 2, 3, 4]).success).toBe(true);
    expect(boxSchema.safeParse([1, 2, 3]).success).toBe(false);
    expect(boxSchema.safeParse([1, 2, 3, 4, 5]).success).toBe(false);
    expect(boxSchema.safeParse([1, 2, '3', 4]).success).toBe(false);
  });
});

describe('blurScaleSchema', () => {
  it('is at least the face box itself (1) and at most 4', () => {
    for (const ok of [1, 1.3, 4]) expect(blurScaleSchema.safeParse(ok).success).toBe(true);
    for (const bad of [0.5, 0.99, 4.01]) expect(blurScaleSchema.safeParse(bad).success).toBe(false);
    const input = { source: { path: '/p.jpg' }, outDir: '/out' };
    expect(blurExportInputSchema.safeParse({ ...input, scale: 0.5 }).success).toBe(false);
    expect(blurExportInputSchema.safeParse({ ...input, scale: 1 }).success).toBe(true);
  });

  it('reads a stored scale under 1 (older settings) as 1', () => {
    expect(storedBlurScaleSchema.parse(0.5)).toBe(1);
    expect(storedBlurScaleSchema.parse(1.7)).toBe(1.7);
    expect(storedBlurScaleSchema.safeParse(0.4).success).toBe(false);
  });
});
