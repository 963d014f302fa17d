import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earlierCopies } from './earlier-copies';

const dir = '/photos';
const at = (...names: string[]) => names.map((n) => join(dir, n));

describe('earlierCopies', () => {
  it('leaves out copies an earlier run wrote beside their originals, numbered ones too', () => {
    const files = at('a.jpg', 'a.blurred.jpg', 'a.blurred-1.jpg', 'b.png', 'b.blurred.webp', 'c.blurred.jpg');
    expect([...earlierCopies(files, dir, '{name}.blurred')]).toEqual(
      at('a.blurred.jpg', 'a.blurred-1.jpg', 'b.blurred.webp'),
    );
  });

  it('a copy of a copy is a copy; a photo whose original is gone is kept', () => {
    const files = at('a.jpg', 'a.blurred.jpg', 'a.blurred.blurred.jpg', 'z.blurred.jpg');
    expect([...earlierCopies(files, dir, '{name}.blurred')]).toEqual(
      at('a.blurred.jpg', 'a.blurred.blurred.jpg'),
    );
  });

  it('reads {date} and {style} as any date and style', () => {
    const files = at('a.jpg', 'a-2026-01-31-pixelate.jpg', 'a-holiday-blur.jpg');
    expect([...earlierCopies(files, dir, '{name}-{date}-{style}')]).toEqual(at('a-2026-01-31-pixelate.jpg'));
  });

  it('leaves nothing out when the output folder is elsewhere, or the pattern is {name} alone', () => {
    const files = at('a.jpg', 'a.blurred.jpg');
    expect(earlierCopies(files, '/elsewhere', '{name}.blurred').size).toBe(0);
    expect(earlierCopies(at('a.jpg', 'a-1.jpg', 'a.png'), dir, '{name}').size).toBe(0);
  });

  it('matches names as the file system compares them, without case', () => {
    expect([...earlierCopies(at('IMG_1.JPG', 'img_1.Blurred.jpg'), dir, '{name}.blurred')]).toEqual(
      at('img_1.Blurred.jpg'),
    );
  });
});
