import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
