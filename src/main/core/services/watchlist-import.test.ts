import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Core } from '../core';
import { callOk, createTestCore, GPS_EXIF, sampleImage, tempDir } from '../test-support';

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
  notes: string;
  updatedAt: string;
  faces: FileFace[];
}
interface ExportFile {
  model: string;
  dim: number;
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

  it('refuses a name or alias with a terminal escape in it (the CLI would print it raw)', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    doc.subjects[0]!.name = 'Eve\u001b]0;pwned\u0007\u001b[2J';
    expect((await refused(core, doc)).message).toMatch(/subjects\.0\.name.*control characters/);
    const alias = exportFile();
    (alias.subjects[0] as unknown as { aliases: string[] }).aliases = ['ok', 'x\u009by'];
    expect((await refused(core, alias)).message).toMatch(/control characters/);
    expect(await names(core)).toEqual([]);
    // Typed in the app too.
    const made = await core.call('watchlist.create', { name: 'Bad\u001b[31mName' });
    expect(made.ok ? 'made' : made.error.code).toBe('BAD_INPUT');
    expect((await callOk(core, 'watchlist.create', { name: 'Ok', notes: 'line 1\nline 2\tend' })).notes).toBe(
      'line 1\nline 2\tend',
    );
  });

  it('refuses a crop that is no JPEG and a source photo that is no image, keeping nothing', async () => {
    const core = await emptyCore();
    const svg = exportFile();
    svg.subjects[0]!.faces[0]!.crop = Buffer.from('<svg onload=alert(1)>').toString('base64');
    expect((await refused(core, svg)).message).toMatch(/face crop of .* is not a JPEG image/);
    const png = exportFile();
    png.subjects[0]!.faces[0]!.crop = (
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
        .png()
        .toBuffer()
    ).toString('base64');
    expect((await refused(core, png)).message).toMatch(/not a JPEG image/);
    const text = exportFile();
    const face = text.subjects[0]!.faces[0]!;
    const bytes = Buffer.from('not an image');
    face.source = bytes.toString('base64');
    face.sourceSha256 = createHash('sha256').update(bytes).digest('hex');
    expect((await refused(core, text)).message).toMatch(/source photo of .* is not an image/);
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

  it.runIf(process.platform === 'linux')(
    'refuses a FIFO, a device and an endless /proc file at once, and the store still takes writes',
    async () => {
      const core = await emptyCore();
      const fifo = join(dir, 'watchlist-pipe.vigil.json');
      execFileSync('mkfifo', [fifo]);
      const fromPath = (path: string) => core.call('watchlist.import', { source: { path } });
      for (const path of [fifo, '/dev/zero'])
        expect(await fromPath(path)).toMatchObject({
          ok: false,
          error: { code: 'BAD_INPUT', message: `${path} is not a file` },
        });
      // Says it holds 0 bytes, and holds more: refused once 500 MiB are read, not read forever.
      expect(await fromPath('/proc/self/pagemap')).toMatchObject({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: 'pagemap is over 500 MiB; a watchlist file can hold at most 500 MiB',
        },
      });
      await callOk(core, 'watchlist.create', { name: 'Still Writable' });
      expect(await names(core)).toEqual(['Still Writable']);
    },
  );

  it('says what is wrong with a file of this model that claims another descriptor size', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const other = { ...doc, model: 'face-api/recognition-128', dim: 128 };
    const wrongDim = { ...doc, dim: 512 };
    expect(await refused(core, wrongDim)).toMatchObject({
      code: 'INCOMPATIBLE_MODEL',
      message: `w.vigil.json cannot be imported: ${doc.model} descriptors have 1280 values, but the file says 512`,
    });
    expect((await refused(core, other)).message).toBe(
      `w.vigil.json cannot be imported: it holds 128-d descriptors from face-api/recognition-128; this Vigil uses ${doc.model} (1280-d)`,
    );
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
      added: [],
      skipped: [{ name: 'Alice Twin', code: 'NO_FACE_IMPORTED' }],
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
      added: [{ name: 'Alice Example' }],
      skipped: [{ name: 'Alice Twin', code: 'NO_FACE_IMPORTED' }],
      refused: [{ subject: 'Alice Twin', code: 'DUPLICATE', enrolledAs: { name: 'Alice Example' } }],
    });
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
  });
});

describe('watchlist.import does not add a subject whose faces were all left out', () => {
  it('skips a new subject every face of which is refused, naming why, and adds nothing of it', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const alice = subjectNamed(doc, 'Alice Example');
    doc.subjects = [alice];
    expect((await importInto(core, doc)).ok).toBe(true);
    const twin = copyAs(alice, 'Alice Twin');
    doc.subjects = [twin];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      added: [],
      updated: [],
      skipped: [
        {
          id: twin.id,
          name: 'Alice Twin',
          code: 'NO_FACE_IMPORTED',
          reason: 'none of its faces could be imported',
        },
      ],
      refused: [{ subject: 'Alice Twin', code: 'DUPLICATE', enrolledAs: { name: 'Alice Example' } }],
    });
    expect(await names(core)).toEqual(['Alice Example']);
    expect(namesOnDisk(core)).toEqual(['Alice Example']);
  });

  it('adds a new subject some of whose faces are refused, with the others', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const [alice, bea] = [subjectNamed(doc, 'Alice Example'), subjectNamed(doc, 'Bea Example')];
    doc.subjects = [alice];
    expect((await importInto(core, doc)).ok).toBe(true);
    // Alice's face (refused: Alice has it) and Bea's, on one new subject.
    const mixed = copyAs(alice, 'Mixed');
    mixed.faces.push({ ...bea.faces[0]!, id: randomUUID() });
    doc.subjects = [mixed];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      added: [{ name: 'Mixed' }],
      skipped: [],
      refused: [{ code: 'DUPLICATE' }],
    });
    const shown = await callOk(core, 'watchlist.get', { id: mixed.id });
    expect(shown.faces.map((f: { sourceFile: string }) => f.sourceFile)).toEqual([bea.faces[0]!.sourceFile]);
  });

  it('skips a new subject of an earlier model whose faces could not be described again', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    doc.model = 'human/faceres+mobileface-aligned';
    const bea = subjectNamed(doc, 'Bea Example');
    bea.faces[0]!.source = null;
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      added: [{ name: 'Alice Example' }],
      skipped: [{ id: bea.id, code: 'NO_FACE_IMPORTED' }],
      notDescribed: [{ subject: 'Bea Example', code: 'NO_PHOTO_IN_FILE' }],
    });
    expect(await names(core)).toEqual(['Alice Example']);
  });

  it('still adds a subject that had no faces where it was exported', async () => {
    const core = await emptyCore();
    const doc = exportFile();
    const empty = { ...copyAs(subjectNamed(doc, 'Alice Example'), 'Nobody Yet'), faces: [] };
    doc.subjects = [empty];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ added: [{ id: empty.id, name: 'Nobody Yet' }], skipped: [] });
    expect(await names(core)).toEqual(['Nobody Yet']);
  });

  it('still updates a subject already here whose faces in the file are all refused', async () => {
    const core = await emptyCore();
    expect((await importInto(core, exportFile())).ok).toBe(true);
    const doc = exportFile();
    const [alice, bea] = [subjectNamed(doc, 'Alice Example'), subjectNamed(doc, 'Bea Example')];
    // Bea, edited since, with only a copy of Alice's face.
    bea.notes = 'seen again';
    bea.updatedAt = new Date(Date.now() + 60_000).toISOString();
    bea.faces = [{ ...alice.faces[0]!, id: randomUUID() }];
    doc.subjects = [bea];
    const r = await importInto(core, doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      updated: [{ id: bea.id, facesAdded: 0 }],
      skipped: [],
      refused: [{ subject: 'Bea Example', code: 'DUPLICATE' }],
    });
    expect((await callOk(core, 'watchlist.get', { id: bea.id })).notes).toBe('seen again');
  });
});

describe('watchlist.import leaves out faces removed here', () => {
  it('does not bring back a face removed after an earlier import, even after a restart', async () => {
    const dataDir = join(dir, randomUUID());
    let core = await createTestCore(dataDir);
    const close = () => core.close();
    onTestFinished(() => close());
    expect((await importInto(core, exportFile())).ok).toBe(true);
    const alice = subjectNamed(exportFile(), 'Alice Example');
    await callOk(core, 'watchlist.removeFace', { subjectId: alice.id, faceId: alice.faces[0]!.id });
    await core.close();
    core = await createTestCore(dataDir);

    const r = await importInto(core, exportFile());
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      added: [],
      updated: [],
      refused: [
        {
          subject: 'Alice Example',
          file: alice.faces[0]!.sourceFile,
          code: 'REMOVED_HERE',
          reason:
            'this face was removed from the watchlist here; to add it again on purpose, enrol its photo',
        },
      ],
    });
    expect((await callOk(core, 'watchlist.get', { id: alice.id })).faces).toEqual([]);
    expect(await matches(core, alicePhoto)).toEqual([]);

    // Enrolling the same photo again on purpose works, and the next import neither duplicates it
    // nor reports it as removed.
    await callOk(core, 'watchlist.enroll', { subjectId: alice.id, source: { path: alicePhoto } });
    expect(await matches(core, alicePhoto)).toEqual([['Alice Example', 1]]);
    const again = await importInto(core, exportFile());
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value).toMatchObject({ added: [], updated: [], refused: [] });
    expect((await callOk(core, 'watchlist.get', { id: alice.id })).faces).toHaveLength(1);
  });

  it('brings back a subject deleted here with its faces: importing it is explicit', async () => {
    const core = await emptyCore();
    expect((await importInto(core, exportFile())).ok).toBe(true);
    const bea = subjectNamed(exportFile(), 'Bea Example');
    await callOk(core, 'watchlist.delete', { id: bea.id });
    const r = await importInto(core, exportFile());
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ added: [{ id: bea.id }], refused: [] });
    expect((await callOk(core, 'watchlist.get', { id: bea.id })).faces).toHaveLength(1);
  });
});

describe('watchlist.export', () => {
  it('carries each source photo without its metadata (no GPS), and imports back the same', async () => {
    const core = await emptyCore();
    const tagged = join(dir, 'alice-gps.jpg');
    await sharp(alicePhoto).withExif(GPS_EXIF).jpeg().toFile(tagged);
    const eve = await callOk(core, 'watchlist.create', { name: 'Eve Example' });
    await callOk(core, 'watchlist.enroll', { subjectId: eve.id, source: { path: tagged } });
    const exp = await callOk(core, 'watchlist.export', {});
    const doc = JSON.parse(Buffer.from(exp.data, 'base64').toString('utf8')) as ExportFile;
    // One subject, one face: said in the singular.
    const jobs = await core.call('history.list', { kind: 'export', limit: 1 });
    expect(jobs.ok && (jobs.value as { records: { summary: string }[] }).records[0]?.summary).toBe(
      'Exported 1 subject, 1 face',
    );
    const source = Buffer.from(doc.subjects[0]!.faces[0]!.source!, 'base64');
    expect(source.includes(Buffer.from('secret place'))).toBe(false);
    expect((await sharp(source).metadata()).exif).toBeUndefined();
    expect(doc.subjects[0]!.faces[0]!.sourceSha256).toBe(createHash('sha256').update(source).digest('hex'));
    // The file's own sha256 check passes, and the subject matches as before.
    const other = await emptyCore();
    const imported = await other.call('watchlist.import', {
      source: { name: exp.fileName, bytes: exp.data },
    });
    expect(imported.ok).toBe(true);
    expect(await matches(other, alicePhoto)).toEqual(await matches(core, alicePhoto));
  });
});

describe('watchlist.import of an older file', () => {
  it('says a subject changed here since the export is kept as it is here, not "already up to date"', async () => {
    const core = await emptyCore();
    expect((await importInto(core, exportFile())).ok).toBe(true);
    const alice = subjectNamed(exportFile(), 'Alice Example');
    await new Promise((done) => setTimeout(done, 5));
    await callOk(core, 'watchlist.update', { id: alice.id, patch: { notes: 'seen at the station' } });
    const again = await importInto(core, exportFile());
    if (!again.ok) throw new Error(again.error.message);
    const skipped = (again.value as { skipped: { name: string; code: string }[] }).skipped;
    expect(skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Alice Example', code: 'NEWER_HERE' }),
        expect.objectContaining({ name: 'Bea Example', code: 'UP_TO_DATE' }),
      ]),
    );
    expect((await callOk(core, 'watchlist.get', { id: alice.id })).notes).toBe('seen at the station');
  });
});
