import { readdir, readFile, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { tempDir } from '../test-support';
import { MediaStore } from './media';

const HEX64 = 'ab'.repeat(32);

function refusal(media: MediaStore, key: string): VigilError {
  try {
    media.pathOf(key);
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error(`pathOf accepted ${JSON.stringify(key)}`);
}

describe('MediaStore', () => {
  it('maps a well-formed key under <dataDir>/media', () => {
    const dir = tempDir();
    const media = new MediaStore(dir);
    const p = media.pathOf(`previews/${HEX64}.jpg`);
    expect(isAbsolute(p)).toBe(true);
    expect(p).toBe(join(dir, 'media', 'previews', `${HEX64}.jpg`));
    expect(media.pathOf(`thumbs/${HEX64}.jpg`).startsWith(media.root + sep)).toBe(true);
  });

  it.each([
    '../x.jpg',
    `previews/../../etc.jpg`,
    `previews/../${HEX64}.jpg`,
    '/etc/passwd',
    `/previews/${HEX64}.jpg`,
    `C:\\previews\\${HEX64}.jpg`,
    `previews\\${HEX64}.jpg`,
    `previews/${HEX64}.exe`,
    `previews/${HEX64}.jpg/`,
    `previews/${HEX64}.jpg\n`,
    `previews/sub/${HEX64}.jpg`,
    `other/${HEX64}.jpg`,
    `previews/.jpg`,
    `previews/${'a'.repeat(129)}.jpg`,
    '',
  ])('refuses the key %j with NOT_FOUND', (key) => {
    const media = new MediaStore(tempDir());
    expect(refusal(media, key).code).toBe('NOT_FOUND');
  });

  it('puts atomically and reads back; has() follows', async () => {
    const media = new MediaStore(tempDir());
    const key = `thumbs/${HEX64}.jpg`;
    expect(await media.has(key)).toBe(false);
    await media.put(key, Buffer.from('first'));
    await media.put(key, Buffer.from('second'));
    expect(await media.has(key)).toBe(true);
    expect(await readFile(media.pathOf(key), 'utf8')).toBe('second');
    expect(await readdir(dirname(media.pathOf(key)))).toEqual([`${HEX64}.jpg`]);
    await expect(media.has('../escape.jpg')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves only what it stored: a plain file, not a link or a missing key', async () => {
    const media = new MediaStore(tempDir());
    const stored = `thumbs/${HEX64}.jpg`;
    await media.put(stored, Buffer.from('jpeg'));
    expect(await media.servedPathOf(stored)).toBe(media.pathOf(stored));
    const linked = `thumbs/${'cd'.repeat(32)}.jpg`;
    await symlink(media.pathOf(stored), media.pathOf(linked));
    for (const key of [linked, `thumbs/${'ef'.repeat(32)}.jpg`, '../escape.jpg'])
      await expect(media.servedPathOf(key), key).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps concurrent puts of different keys apart', async () => {
    const media = new MediaStore(tempDir());
    const keys = Array.from({ length: 20 }, (_, i) => `previews/${i.toString(16).padStart(64, '0')}.jpg`);
    // Different sizes so a swapped or half-written file cannot pass by chance.
    const body = (i: number) => Buffer.from(`photo ${i} `.repeat(1000 + i * 37));
    const results = await Promise.allSettled(keys.map((k, i) => media.put(k, body(i))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const [i, k] of keys.entries())
      expect((await readFile(media.pathOf(k))).equals(body(i)), k).toBe(true);
    expect((await readdir(join(media.root, 'previews'))).sort()).toEqual(
      keys.map((k) => k.slice('previews/'.length)).sort(),
    );
  });

  it('refuses to put a bad key', async () => {
    const media = new MediaStore(tempDir());
    await expect(media.put('../../evil.jpg', Buffer.from('x'))).rejects.toBeInstanceOf(VigilError);
  });
});
