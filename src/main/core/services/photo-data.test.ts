import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../core';
import { createTestCore, sampleImage, seenFacesOnDisk, tempDir, callOk } from '../test-support';

// One face of sample1.jpg, big enough to enrol.
const ALICE_BOX = { left: 250, top: 230, width: 520, height: 520 };

let core: Core | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

const ok = (channel: string, input: unknown) => callOk(core!, channel, input);

/** What the data dir holds of a photo, read from disk. */
function onDisk(data: string, sha: string) {
  const faces = seenFacesOnDisk(data).filter((f) => f.photoSha256 === sha);
  return {
    faces,
    preview: existsSync(join(data, 'media', 'previews', `${sha}.jpg`)),
    thumb: existsSync(join(data, 'media', 'thumbs', `${sha}.jpg`)),
    crops: faces.filter((f) => existsSync(join(data, 'media', 'crops', `${f.id}.jpg`))).length,
  };
}

/** Descriptor rows of faces.vec: true where the row still holds a vector. */
function rowsHeld(data: string, rows: number[]): boolean[] {
  const vec = readFileSync(join(data, 'faces.vec'));
  const bytes = vec.readUInt32LE(8) * 4;
  return rows.map((r) => vec.subarray(16 + r * bytes, 16 + (r + 1) * bytes).some((b) => b !== 0));
}

/** Seen faces from `file` that a search with `query` finds. */
async function seenFrom(query: string, file: string): Promise<number> {
  const r = await ok('match.search', { query: { source: { path: query } }, k: 50, source: 'seen' });
  return r.results.filter((h: { file: string }) => h.file === file).length;
}

describe('what is kept of a photo, and for how long', () => {
  it('keeps a scanned photo’s faces and preview while a job mentions it, and erases them with the last one', async () => {
    const data = join(tempDir(), 'data');
    core = await createTestCore(data);
    const first = await ok('image.inspect', { source: { path: sampleImage(1) } });
    const sha: string = first.sha256;
    const second = await ok('match.identify', { source: { path: sampleImage(1) } });
    const query = join(tempDir(), 'q.jpg');
    await sharp(sampleImage(6)).toFile(query);
    expect(await seenFrom(query, sampleImage(1))).toBe(3);
    const kept = onDisk(data, sha);
    expect(kept.faces.length).toBe(3);
    expect(kept).toMatchObject({ preview: true, thumb: true, crops: 3 });
    expect(
      rowsHeld(
        data,
        kept.faces.map((f) => f.row),
      ),
    ).toEqual([true, true, true]);
    // The job names the photo it looked at.
    const job = await ok('history.get', { id: second.historyId });
    expect(job.inputs[0].sha256).toBe(sha);
    // …and says what came out in a form the UI can put in its language.
    expect(job.summaryMessage).toEqual({ key: 'identify', values: { count: 3 } });

    await ok('history.delete', { ids: [second.historyId] });
    expect(onDisk(data, sha)).toMatchObject({ preview: true, crops: 3 });
    const rec = (await ok('history.list', { kind: 'inspect' })).records[0];
    await ok('history.delete', { ids: [rec.id] });
    expect(onDisk(data, sha)).toEqual({ faces: [], preview: false, thumb: false, crops: 0 });
    expect(
      rowsHeld(
        data,
        kept.faces.map((f) => f.row),
      ),
    ).toEqual([false, false, false]);
    // Out of search too.
    expect(await seenFrom(query, sampleImage(1))).toBe(0);
  });

  it('lets retention take a photo’s data with its last job', async () => {
    const data = join(tempDir(), 'data');
    core = await createTestCore(data);
    await ok('settings.update', { retention: { days: null, records: 1 } });
    const a = await ok('image.inspect', { source: { path: sampleImage(2) } });
    expect(onDisk(data, a.sha256).faces.length).toBeGreaterThan(0);
    await ok('image.inspect', { source: { path: sampleImage(3) } });
    await expect
      .poll(() => onDisk(data, a.sha256), { timeout: 10_000 })
      .toEqual({
        faces: [],
        preview: false,
        thumb: false,
        crops: 0,
      });
  });

  it('keeps no seen faces from enrolment, and deleting the subject deletes the photo’s preview', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const photo = join(dir, 'alice.jpg');
    await sharp(sampleImage(1)).extract(ALICE_BOX).toFile(photo);
    core = await createTestCore(data);
    const alice = await ok('watchlist.create', { name: 'Alice' });
    await ok('watchlist.enroll', { subjectId: alice.id, source: { path: photo } });
    const sha = (
      JSON.parse(readFileSync(join(data, 'watchlist.json'), 'utf8')) as {
        subjects: { faces: { sourceSha256: string }[] }[];
      }
    ).subjects[0]!.faces[0]!.sourceSha256;
    expect(onDisk(data, sha)).toEqual({ faces: [], preview: true, thumb: true, crops: 0 });

    // Scanned as well: the scan's job keeps the photo after the subject goes, until it goes too.
    const scan = await ok('match.identify', { source: { path: photo } });
    expect(onDisk(data, sha).faces).toHaveLength(1);
    await ok('watchlist.delete', { id: alice.id });
    expect(onDisk(data, sha)).toMatchObject({ preview: true, crops: 1 });
    await ok('history.delete', { ids: [scan.historyId] });
    expect(onDisk(data, sha)).toEqual({ faces: [], preview: false, thumb: false, crops: 0 });
    expect(existsSync(join(data, 'media', 'sources', `${sha}.img`))).toBe(false);
  });

  it('sweeps at start what nothing refers to, and keeps what something does', async () => {
    const data = join(tempDir(), 'data');
    core = await createTestCore(data);
    const kept = await ok('image.inspect', { source: { path: sampleImage(4) } });
    await core.close();
    core = undefined;
    const stray = {
      preview: join(data, 'media', 'previews', `${'a'.repeat(64)}.jpg`),
      crop: join(data, 'media', 'crops', 'no-such-face.jpg'),
      source: join(data, 'media', 'sources', `${'b'.repeat(64)}.img`),
    };
    mkdirSync(join(data, 'media', 'sources'), { recursive: true });
    for (const file of Object.values(stray)) writeFileSync(file, 'x');
    core = await createTestCore(data);
    expect(Object.values(stray).filter((f) => existsSync(f))).toEqual([]);
    expect(onDisk(data, kept.sha256)).toMatchObject({ preview: true, thumb: true, crops: 4 });
  });
});
