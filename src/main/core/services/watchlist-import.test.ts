import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Core } from '../core';
import { callOk, createTestCore, sampleImage, tempDir } from '../test-support';

// Faces of sample1.jpg and sample6.jpg, as in matching.test.ts.
const ALICE_BOX = { left: 250, top: 230, width: 520, height: 520 };
const BEA_BOX = { left: 1020, top: 200, width: 500, height: 520 };

interface FileFace {
  id: string;
  sourceFile: string;
  sourceSha256: string;
  box: number[];
  descriptor: string;
  crop: string;
  source: string | null;
}
interface FileSubject {
  id: string;
  name: string;
  updatedAt: string;
  faces: FileFace[];
}
interface ExportFile {
  subjects: FileSubject[];
}

let dir: string;
let alicePhoto: string;
/** A data dir with Alice and Bea enrolled, one face each, and its export. */
let source: Core;
let exported: string;

/** A fresh copy of the exported file, to change. */
const exportFile = (): ExportFile => JSON.parse(Buffer.from(exported, 'base64').toString('utf8'));
const bytesOf = (doc: ExportFile) => Buffer.from(JSON.stringify(doc)).toString('base64');
const subjectNamed = (doc: ExportFile, name: string) => doc.subjects.find((s) => s.name === name)!;

/** The same subject under a new id and name, its faces under new ids: another person's record. */
function copyAs(s: FileSubject, name: string): FileSubject {
  return { ...s, id: randomUUID(), name, faces: s.faces.map((f) => ({ ...f, id: randomUUID() })) };
}

async function importInto(core: Core, doc: ExportFile) {
  return core.call('watchlist.import', { source: { name: 'w.vigil.json', bytes: bytesOf(doc) } });
}

async function refused(core: Core, doc: ExportFile) {
  const r = await importInto(core, doc);
  if (r.ok) throw new Error('the import succeeded, expected it to be refused');
  return r.error;
}

const names = async (core: Core) =>
  (await callOk(core, 'watchlist.list', {})).subjects.map((s: { name: string }) => s.name);

/** The subjects' names as watchlist.json holds them on disk. */
function namesOnDisk(core: Core): string[] {
  const doc = JSON.parse(readFileSync(join(core.store.dir, 'watchlist.json'), 'utf8')) as ExportFile;
  return doc.subjects.map((s) => s.name).sort();
}

/** Who identify names, at what score, for each face of a photo said to match. */
async function matches(core: Core, photo: string): Promise<[string, number][]> {
  const r = await callOk(core, 'match.identify', { source: { path: photo } });
  type Face = { verdict: string; candidates: { name: string; score: number }[] };
  return (r.faces as Face[]).flatMap((f) =>
    f.candidates.filter((c) => c.score >= 0.5).map((c): [string, number] => [c.name, c.score]),
  );
}

/** A data dir of its own for one test, closed when the test ends. */
async function emptyCore(): Promise<Core> {
  const core = await createTestCore(join(dir, randomUUID()));
  onTestFinished(() => core.close());
  return core;
}

beforeAll(async () => {
  dir = tempDir();
  alicePhoto = join(dir, 'alice.jpg');
  const beaPhoto = join(dir, 'bea.jpg');
  await sharp(sampleImage(1)).extract(ALICE_BOX).toFile(alicePhoto);
  await sharp(sampleImage(6)).extract(BEA_BOX).toFile(beaPhoto);
  source = await createTestCore(join(dir, 'source'));
  for (const [name, photo] of [
    ['Alice Example', alicePhoto],
    ['Bea Example', beaPhoto],
  ] as const) {
    const s = await callOk(source, 'watchlist.create', { name });
    await callOk(source, 'watchlist.enroll', { subjectId: s.id, source: { path: photo } });
  }
  exported = (await callOk(source, 'watchlist.export', {})).data;
});

afterAll(async () => {
  await source?.close();
});

describe('watchlist.import refuses a damaged file before changing anything', () => {
  it('refuses a face id that is not a plain id, naming it, and keeps nothing of the file', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const [alice, bea] = [subjectNamed(doc, 'Alice Example'), subjectNamed(doc, 'Bea Example')];
    bea.faces[0]!.id = 'bad id/../x';
    doc.subjects = [alice, bea];
    const err = await refused(core, doc);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/subjects\.1\.faces\.0\.id/);
    expect(await names(core)).toEqual([]);
    // The next write of the watchlist does not carry any of it either.
    await callOk(core, 'watchlist.create', { name: 'Someone Else' });
    expect(namesOnDisk(core)).toEqual(['Someone Else']);
  });

  it('refuses a subject id or a sha256 that could name a path', async () => {
    const core = await emptyCore();
    const badSubject = exportFile();
    badSubject.subjects[0]!.id = '../x';
    expect((await refused(core, badSubject)).message).toMatch(/subjects\.0\.id/);
    const badSha = exportFile();
    badSha.subjects[1]!.faces[0]!.sourceSha256 = '../../x';
    expect((await refused(core, badSha)).message).toMatch(/sourceSha256/);
    expect(await names(core)).toEqual([]);
  });

  it("refuses a face with the id of another subject's face, and keeps that face intact", async () => {
    const core = await emptyCore();
    expect((await importInto(core, exportFile())).ok).toBe(true);
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
    // Bea's face, given Alice's face id, on a new subject.
    const doc = exportFile();
    const mallory = copyAs(subjectNamed(doc, 'Bea Example'), 'Mallory');
    mallory.faces[0]!.id = subjectNamed(doc, 'Alice Example').faces[0]!.id;
    mallory.faces[0]!.sourceSha256 = 'f'.repeat(64);
    mallory.faces[0]!.source = null;
    doc.subjects = [mallory];
    const err = await refused(core, doc);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/id of another face/);
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
    expect((await names(core)).sort()).toEqual(['Alice Example', 'Bea Example']);
    // The same file again is the normal "already imported" case: merged by face id.
    const again = await importInto(core, exportFile());
    expect(again.ok && again.value).toMatchObject({ added: [], updated: [] });
  });

  it('refuses a face id given twice in the file', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const other = copyAs(subjectNamed(doc, 'Bea Example'), 'Bea Again');
    other.faces[0]!.id = subjectNamed(doc, 'Alice Example').faces[0]!.id;
    other.faces[0]!.sourceSha256 = 'e'.repeat(64);
    other.faces[0]!.source = null;
    doc.subjects.push(other);
    expect((await refused(core, doc)).message).toMatch(/given twice/);
    expect(await names(core)).toEqual([]);
  });

  it('refuses a descriptor of the wrong length instead of dropping the face silently', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const face = subjectNamed(doc, 'Bea Example').faces[0]!;
    face.descriptor = Buffer.from(face.descriptor, 'base64').subarray(0, 512).toString('base64');
    const err = await refused(core, doc);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/512-byte descriptor/);
    expect(await names(core)).toEqual([]);
  });
});

describe('watchlist.import is all or nothing', () => {
  /** Checks that `core` holds nothing of an import that failed, in memory, on disk or in matching. */
  async function nothingKept(core: Core) {
    expect(await names(core)).toEqual([]);
    expect(core.matcher.watchlistFaceCount).toBe(0);
    // Before identify, whose scan keeps crops of its own.
    expect(await core.store.media.keys('crops')).toEqual([]);
    expect(await core.store.media.keys('sources')).toEqual([]);
    expect(await matches(core, alicePhoto)).toEqual([]);
    const rows = await core.store.watchlistVectors.readAll();
    expect(rows.every((v) => v === 0)).toBe(true);
    await callOk(core, 'watchlist.create', { name: 'Someone Else' });
    expect(namesOnDisk(core)).toEqual(['Someone Else']);
  }

  it('keeps nothing of an import whose media cannot all be written', async () => {
    const core = await emptyCore();
    const media = core.store.media;
    const put = media.put.bind(media);
    let calls = 0;
    vi.spyOn(media, 'put').mockImplementation(async (key, data) => {
      if (++calls === 3) throw new Error('disk full');
      return put(key, data);
    });
    const r = await importInto(core, exportFile());
    expect(r.ok).toBe(false);
    vi.restoreAllMocks();
    await nothingKept(core);
  });

  it('keeps nothing of an import whose watchlist document cannot be written', async () => {
    const core = await emptyCore();
    vi.spyOn(core.store.watchlist, 'write').mockRejectedValueOnce(new Error('disk full'));
    const r = await importInto(core, exportFile());
    expect(r.ok).toBe(false);
    await nothingKept(core);
    // The same file imports in full once the disk works again.
    const again = await importInto(core, exportFile());
    expect(again.ok && again.value).toMatchObject({ added: [{}, {}] });
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
  });
});

describe("watchlist.import applies enrolment's DUPLICATE rule", () => {
  it('refuses a face already enrolled on another subject of the data dir, and reports it', async () => {
    const core = await emptyCore();
    expect((await importInto(core, exportFile())).ok).toBe(true);
    const doc = exportFile();
    const alice = subjectNamed(doc, 'Alice Example');
    doc.subjects = [copyAs(alice, 'Alice Twin')];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      added: [{ name: 'Alice Twin' }],
      refused: [
        {
          subject: 'Alice Twin',
          file: alice.faces[0]!.sourceFile,
          code: 'DUPLICATE',
          enrolledAs: { id: alice.id, name: 'Alice Example' },
          reason: 'this face is already enrolled as Alice Example',
        },
      ],
    });
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
  });

  it('refuses the second of two subjects of one file with the same face', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const alice = subjectNamed(doc, 'Alice Example');
    doc.subjects = [alice, copyAs(alice, 'Alice Twin')];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      refused: [{ subject: 'Alice Twin', code: 'DUPLICATE', enrolledAs: { name: 'Alice Example' } }],
    });
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
  });
});
