import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support';
import type { JsonLinesFile } from './jsonl';
import { SeenFaceLog, type SeenFace } from './seen-faces';

const MODEL = 'test-model';
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const face = (id: string, photo: string, row: number): SeenFace => ({
  id,
  row,
  photoSha256: photo.repeat(64),
  file: `${photo}.jpg`,
  box: [row, 2, 30, 30],
  score: 0.9,
  seenAt: '2026-11-23T00:00:00.000Z',
});

async function open(dir: string) {
  return SeenFaceLog.open(join(dir, 'faces.jsonl'), { model: MODEL, legacyJson: join(dir, 'faces.json') });
}

describe('SeenFaceLog', () => {
  it('appends each change, and reopening gives back the same faces by id and by photo', async () => {
    const dir = tempDir();
    const log = await open(dir);
    await log.replacePhoto('a'.repeat(64), [face('a1', 'a', 0), face('a2', 'a', 1)]);
    await log.replacePhoto('b'.repeat(64), [face('b1', 'b', 2)]);
    // The same photo seen again with other faces: its earlier ones are replaced.
    await log.replacePhoto('a'.repeat(64), [face('a3', 'a', 3)]);
    expect(await log.removePhotos(new Set(['b'.repeat(64), 'c'.repeat(64)]))).toEqual([face('b1', 'b', 2)]);
    await log.close();
    // header, 2 + 1 faces, 2 tombstones + 1 face, 1 tombstone: appends, not rewrites.
    expect(lines(join(dir, 'faces.jsonl'))).toHaveLength(8);

    const again = await open(dir);
    expect([...again.values()]).toEqual([face('a3', 'a', 3)]);
    expect(again.ofPhoto('a'.repeat(64)).map((f) => f.id)).toEqual(['a3']);
    expect(again.ofPhoto('b'.repeat(64))).toEqual([]);
    expect([again.get('a1'), again.get('a3')?.row, again.model]).toEqual([undefined, 3, MODEL]);
    await again.close();
  });

  it('a change whose append failed (a full disk) is undone in memory too', async () => {
    const dir = tempDir();
    const log = await open(dir);
    await log.replacePhoto('a'.repeat(64), [face('a1', 'a', 0)]);
    const full = () =>
      vi
        .spyOn((log as unknown as { log: JsonLinesFile }).log, 'append')
        .mockRejectedValueOnce(Object.assign(new Error('ENOSPC (test)'), { code: 'ENOSPC' }));
    full();
    await expect(log.replacePhoto('a'.repeat(64), [face('a2', 'a', 1)])).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect([...log.values()]).toEqual([face('a1', 'a', 0)]);
    expect(log.ofPhoto('a'.repeat(64)).map((f) => f.id)).toEqual(['a1']);
    full();
    await expect(log.removePhotos(new Set(['a'.repeat(64)]))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(log.ofPhoto('a'.repeat(64)).map((f) => f.id)).toEqual(['a1']);
    await log.close();
    const again = await open(dir);
    expect([...again.values()]).toEqual([face('a1', 'a', 0)]);
    await again.close();
  });

  it('converts an older faces.json once and deletes it', async () => {
    const dir = tempDir();
    const legacy = { version: 1, model: 'older-model', faces: [face('x1', 'x', 0), face('x2', 'x', 1)] };
    writeFileSync(join(dir, 'faces.json'), JSON.stringify(legacy));
    const log = await open(dir);
    expect([...log.values()]).toEqual(legacy.faces);
    expect(log.model).toBe('older-model');
    await log.close();
    expect(existsSync(join(dir, 'faces.json'))).toBe(false);
    const again = await open(dir);
    expect(again.size).toBe(2);
    await again.close();
  });

  it('drops a torn last line, and refuses damage in the middle, leaving the file as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'faces.jsonl');
    const log = await open(dir);
    await log.replacePhoto('a'.repeat(64), [face('a1', 'a', 0)]);
    await log.close();
    appendFileSync(file, '{"id":"a2","row":1,"pho');
    const torn = await open(dir);
    expect([...torn.values()].map((f) => f.id)).toEqual(['a1']);
    await torn.close();
    expect(lines(file).every((l) => JSON.parse(l))).toBeTruthy();

    const damaged = `${lines(file)[0]}\n{"id":"a2","row":"not a row"}\n${lines(file)[1]}\n`;
    writeFileSync(file, damaged);
    await expect(open(dir)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('compacts on open when most lines are superseded', async () => {
    const dir = tempDir();
    const log = await open(dir);
    for (let i = 0; i < 600; i++) await log.replacePhoto('a'.repeat(64), [face(`a${i}`, 'a', i)]);
    await log.close();
    expect(lines(join(dir, 'faces.jsonl')).length).toBeGreaterThan(1100);
    const again = await open(dir);
    expect([...again.values()].map((f) => f.id)).toEqual(['a599']);
    await again.close();
    expect(lines(join(dir, 'faces.jsonl'))).toHaveLength(2);
  });
});
