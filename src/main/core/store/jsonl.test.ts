import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support';
import { JsonLinesFile } from './jsonl';

async function readAll(file: string): Promise<{ values: unknown[]; torn: boolean }> {
  const values: unknown[] = [];
  const { torn } = await new JsonLinesFile(file).read((v) => values.push(v));
  return { values, torn };
}

describe('JsonLinesFile', () => {
  it('drops only a last line without its newline as torn; a complete damaged last line is STORE_CORRUPT', async () => {
    const file = join(tempDir(), 'x.jsonl');
    writeFileSync(file, '{"a":1}\n{"a":2');
    expect(await readAll(file)).toEqual({ values: [{ a: 1 }], torn: true });

    const damaged = '{"a":1}\n{garbage\n';
    writeFileSync(file, damaged);
    await expect(readAll(file)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { file, line: 2 },
    });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('reports a file of zeros or garbage as STORE_CORRUPT, not as a torn line to cut off', async () => {
    const file = join(tempDir(), 'x.jsonl');
    // Zeros after the records (a crash before the data reached the disk): a torn tail.
    writeFileSync(file, '{"a":1}\n\0\0\0\0');
    expect(await readAll(file)).toEqual({ values: [{ a: 1 }], torn: true });
    // A whole file zeroed, or garbage without a newline: the history is lost, and said so;
    // dropping it as torn had emptied the file at the next write.
    for (const damaged of ['\0'.repeat(4096), '\0\0\0garbage', 'garbage', '{"a":1}\n\0\0{"a":2']) {
      writeFileSync(file, damaged);
      await expect(readAll(file), JSON.stringify(damaged)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
      expect(readFileSync(file, 'utf8')).toBe(damaged);
    }
  });

  it('keeps a newline in a file emptied by a rewrite, so it does not look lost (zero bytes)', async () => {
    const file = join(tempDir(), 'x.jsonl');
    const log = new JsonLinesFile(file);
    await log.append('{"a":1}');
    await log.rewrite([]);
    await log.close();
    expect(readFileSync(file, 'utf8')).toBe('\n');
    expect(await readAll(file)).toEqual({ values: [], torn: false });
  });

  /** Makes the next write of `log` stop after a few bytes with ENOSPC, as a full disk does. */
  function failNextWrite(log: JsonLinesFile): FileHandle {
    const fh = (log as unknown as { fh: FileHandle }).fh;
    const write = fh.appendFile.bind(fh);
    vi.spyOn(fh, 'appendFile').mockImplementationOnce(async (data) => {
      await write(String(data).slice(0, 7));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    return fh;
  }

  it('cuts a failed append back off, so the next append starts a line of its own', async () => {
    const file = join(tempDir(), 'x.jsonl');
    const log = new JsonLinesFile(file);
    await log.append('{"a":1}');
    failNextWrite(log);
    await expect(log.append('{"a":2}')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    await log.append('{"a":3}');
    await log.close();
    expect(await readAll(file)).toEqual({ values: [{ a: 1 }, { a: 3 }], torn: false });
  });

  it('cuts it off before the next append when cutting it at once failed too', async () => {
    const file = join(tempDir(), 'x.jsonl');
    const log = new JsonLinesFile(file);
    await log.append('{"a":1}');
    const fh = failNextWrite(log);
    vi.spyOn(fh, 'truncate').mockRejectedValueOnce(new Error('EIO: i/o error'));
    await expect(log.append('{"a":2}')).rejects.toMatchObject({ code: 'ENOSPC' });
    await log.append('{"a":3}');
    await log.close();
    expect(await readAll(file)).toEqual({ values: [{ a: 1 }, { a: 3 }], torn: false });
  });
});
