import { basename, dirname, extname } from 'node:path';
import { fileNameFromPattern } from '../shared/blur-schemas';

const DATE_MARK = 'VIGILDATEMARK';
const STYLE_MARK = 'VIGILSTYLEMARK';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The files among `files` that an earlier `vigil blur` with this pattern wrote into `outDir`
 * from another of the files: with `--out` on the input folder, a rerun would otherwise blur its
 * own earlier copies again (and number the new ones beside them).
 *
 * Only a pattern with text of its own (`{name}.blurred`) tells a copy from a photo: with `{name}`
 * alone, `a-1.jpg` may as well be the user's, so nothing is left out.
 */
export function earlierCopies(files: readonly string[], outDir: string, pattern: string): Set<string> {
  const found = new Set<string>();
  if (!pattern.replace(/\{(name|date|style)\}/g, '').trim()) return found;
  const stem = (f: string) => basename(f, extname(f));
  const inOut = files.filter((f) => dirname(f) === outDir);
  if (!inOut.length) return found;
  // A copy's name: the pattern for another input's name, any date and style, maybe numbered.
  const shapes = files.flatMap((file) => {
    const name = fileNameFromPattern(pattern, { name: stem(file), date: DATE_MARK, style: STYLE_MARK });
    if (name === null) return [];
    const body = escape(name)
      .replaceAll(DATE_MARK, '\\d{4}-\\d{2}-\\d{2}')
      .replaceAll(STYLE_MARK, '(?:blur|pixelate|solid)');
    return [{ file, shape: new RegExp(`^${body}(?:-\\d+)?$`, 'i') }];
  });
  for (const f of inOut)
    if (shapes.some(({ file, shape }) => file !== f && shape.test(stem(f)))) found.add(f);
  return found;
}
