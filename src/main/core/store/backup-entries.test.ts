import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { tempDir } from '../test-support';
import { createBackup, restoreBackup } from './backup';
import { openStore } from './store';

/** One tar entry: its header block, then `body` padded to whole blocks. */
function entry(path: string, type: tar.HeaderData['type'], body = Buffer.alloc(0), linkpath?: string) {
  const header = Buffer.alloc(512);
  new tar.Header({ path, type, size: body.length, mode: 0o644, mtime: new Date(0), linkpath }).encode(
    header,
    0,
  );
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

/** The entries of a real backup (its tar without the end blocks), then `extra`, gzipped. */
function withExtraEntry(archive: string, extra: Buffer): Buffer {
  const raw = gunzipSync(readFileSync(archive));
  let end = raw.length;
  while (end >= 512 && raw.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return gzipSync(Buffer.concat([raw.subarray(0, end), extra, Buffer.alloc(1024)]));
}

describe('restoreBackup with entries a Vigil backup never holds', () => {
  it.each([
    ['a symlink out of the folder', entry('x', 'SymbolicLink', undefined, '/etc/passwd'), 'x'],
    ['a hard link', entry('media/y', 'Link', undefined, 'watchlist.json'), 'media/y'],
    ['a FIFO', entry('p', 'FIFO'), 'p'],
    ['a device', entry('dev', 'CharacterDevice'), 'dev'],
    ['a path out of the folder', entry('../escape.txt', 'File', Buffer.from('hi')), '../escape.txt'],
    // tar's own error on an entry: it must end the unpacking too.
    [
      'a folder under a file',
      Buffer.concat([entry('x', 'File', Buffer.from('hi')), entry('x/y', 'Directory')]),
      'x/y',
    ],
  ])(
    'refuses %s as BAD_INPUT naming it, and leaves no staging copy',
    async (_what, extra, name) => {
      const root = tempDir();
      const src = join(root, 'src');
      await (await openStore(src)).close();
      const archive = join(root, 'b.tar.gz');
      await createBackup(src, archive);
      const odd = join(root, 'odd.tar.gz');
      writeFileSync(odd, withExtraEntry(archive, extra));

      const data = join(root, 'data');
      const err = await restoreBackup(odd, data).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe('BAD_INPUT');
      expect((err as VigilError).message).toContain(`"${name}`);
      expect(existsSync(data)).toBe(false);
      expect(readdirSync(root).sort()).toEqual(['b.tar.gz', 'odd.tar.gz', 'src']);
    },
    10_000,
  );
});
