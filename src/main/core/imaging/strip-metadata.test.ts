import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GPS_EXIF, sampleImage } from '../test-support';
import { strippedPhoto } from './strip-metadata';

describe('strippedPhoto', () => {
  it('drops EXIF (GPS too), XMP and comments from a JPEG, keeps its orientation and its pixels', async () => {
    const sideways = await sharp(sampleImage(1)).rotate(-90).resize(400).jpeg().toBuffer();
    const tagged = await sharp(sideways)
      .withExif(GPS_EXIF)
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>where we met</rdf:RDF></x:xmpmeta>')
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(tagged.includes(Buffer.from('secret place'))).toBe(true);
    const out = await strippedPhoto(tagged);
    for (const text of ['secret place', 'someone', 'where we met'])
      expect(out.includes(Buffer.from(text))).toBe(false);
    const meta = await sharp(out).metadata();
    expect(meta.orientation).toBe(6);
    expect(meta.xmp).toBeUndefined();
    const exif = meta.exif ?? Buffer.alloc(0);
    expect(exif.length).toBeLessThan(40);
    // The same pixels, decoded and oriented as the original.
    const pixels = async (b: Buffer) => sharp(b).rotate().raw().toBuffer();
    expect((await pixels(out)).equals(await pixels(tagged))).toBe(true);
  });

  it('leaves a JPEG without orientation unturned, and re-encodes other formats as PNG without metadata', async () => {
    const plain = await strippedPhoto(readFileSync(sampleImage(2)));
    expect((await sharp(plain).metadata()).orientation).toBeUndefined();
    const png = await sharp(sampleImage(2)).resize(200).withExif(GPS_EXIF).png().toBuffer();
    const out = await strippedPhoto(png);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect(meta.exif).toBeUndefined();
    expect(out.includes(Buffer.from('secret place'))).toBe(false);
  });
});
