import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { readBoundedFile } from '../read-bounded';
import type { ImageSource } from '../../../shared/schemas';
import type { Handlers } from '../../../shared/contract';
import { subjectMatchesQuery } from '../../../shared/search-text';
import { faceSizeOf, RELIABLE_FACE_PX } from '../../../shared/match-schemas';
import {
  subjectFieldsSchema,
  subjectPatchSchema,
  type EnrolledFace,
  type ImportReport,
  type RefusedFace,
  type Subject,
  type UndescribedCode,
} from '../../../shared/watchlist-schemas';
import { sameBox, type Box } from '../imaging/boxes';
import { DEFAULT_LIMITS } from '../imaging/decode';
import { strippedPhoto } from '../imaging/strip-metadata';
import { faceCropJpeg, faceSharpness } from '../imaging/face-crop';
import { runJob } from '../store/history-log';
import {
  DESCRIPTOR_MODEL,
  EARLIER_MODELS,
  storedFaceSchema,
  type Store,
  type StoredFace,
  type StoredSubject,
} from '../store/store';
import { detectFaces, keepPreview, previewJpeg, type AnalyseDeps } from './analyse';
import { releasePhotos } from './photo-data';
import { describeAgain, undescribed } from './reembed';
import type { Matcher } from './matcher';

/** Enrolment quality gates; see docs/calibration.md for the values seen on real faces. */
export const ENROLL_LIMITS = {
  minFaceSize: RELIABLE_FACE_PX,
  minDetectorScore: 0.5,
  minSharpness: 40,
} as const;

export interface WatchlistDeps extends AnalyseDeps {
  matcher: Matcher;
}

const now = () => new Date().toISOString();
/** Names in the order people expect: "Suspect 2" before "Suspect 10", case and accents aside. */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * What reading the watchlist needs: its document and how a media key becomes a URL. A core's
 * deps are one; so is a document read without the data folder's lock (store.ts readWatchlist).
 */
export interface WatchlistView {
  store: { watchlist: { data: Pick<WatchlistDoc, 'subjects'> } };
  mediaUrl: AnalyseDeps['mediaUrl'];
}

/**
 * The channels that only read the watchlist: the core's, and the CLI's lock-free
 * `watchlist list|show` (over a WatchlistView of the document on disk), with one result.
 */
export function watchlistReadHandlers(
  deps: WatchlistView,
): Pick<Handlers, 'watchlist.list' | 'watchlist.get'> {
  return {
    'watchlist.list': async ({ query }) => ({ subjects: listSubjects(deps, query) }),
    'watchlist.get': async ({ id }) => publicSubject(deps, findSubject(deps, id)),
  };
}

export function publicFace(deps: Pick<WatchlistView, 'mediaUrl'>, f: StoredFace): EnrolledFace {
  return {
    id: f.id,
    sourceFile: f.sourceFile,
    sourceSha256: f.sourceSha256,
    box: f.box,
    detectorScore: f.detectorScore,
    faceSize: f.faceSize,
    sharpness: f.sharpness,
    pose: f.pose,
    cropUrl: deps.mediaUrl(f.cropKey),
    sourceUrl: deps.mediaUrl(f.previewKey),
    enrolledAt: f.enrolledAt,
  };
}

export function publicSubject(deps: Pick<WatchlistView, 'mediaUrl'>, s: StoredSubject): Subject {
  return { ...s, faces: s.faces.map((f) => publicFace(deps, f)) };
}

export function findSubject(deps: WatchlistView, id: string): StoredSubject {
  const s = deps.store.watchlist.data.subjects.find((x) => x.id === id);
  if (!s) throw new VigilError('NOT_FOUND', `No subject ${id} on the watchlist`, { subjectId: id });
  return s;
}

export function listSubjects(deps: WatchlistView, query?: string) {
  return deps.store.watchlist.data.subjects
    .filter((s) => subjectMatchesQuery(s, query ?? ''))
    .sort((a, b) => byName.compare(a.name, b.name))
    .map(({ faces, ...rest }) => ({
      ...rest,
      faceCount: faces.length,
      thumbnailUrl: faces[0] ? deps.mediaUrl(faces[0].cropKey) : null,
    }));
}

export async function createSubject(
  deps: AnalyseDeps,
  input: z.input<typeof subjectFieldsSchema>,
): Promise<Subject> {
  const fields = subjectFieldsSchema.parse(input);
  const subject: StoredSubject = {
    ...fields,
    id: randomUUID(),
    createdAt: now(),
    updatedAt: now(),
    faces: [],
  };
  // Serialised with the other watchlist changes: an import that fails puts the previous document
  // back, which must not drop a subject created meanwhile.
  await deps.store.watchlistChange(() =>
    deps.store.watchlist.update((doc) => {
      doc.subjects.push(subject);
    }),
  );
  return publicSubject(deps, subject);
}

export async function updateSubject(
  deps: AnalyseDeps,
  id: string,
  patch: z.input<typeof subjectPatchSchema>,
): Promise<Subject> {
  const fields = subjectPatchSchema.parse(patch);
  return deps.store.watchlistChange(async () => {
    const s = findSubject(deps, id);
    Object.assign(s, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), {
      updatedAt: now(),
    });
    await deps.store.watchlist.write();
    return publicSubject(deps, s);
  });
}

export async function deleteSubject(deps: WatchlistDeps, id: string): Promise<{ deleted: number }> {
  return deps.store.watchlistChange(async () => {
    const s = findSubject(deps, id);
    await deps.store.watchlist.update((doc) => {
      doc.subjects = doc.subjects.filter((x) => x.id !== id);
    });
    for (const f of s.faces) deps.matcher.removeWatchlistFace(f.id);
    await eraseEnrolment(deps, s.faces);
    return { deleted: 1 };
  });
}

/**
 * Deletes what enrolment kept of faces already gone from the watchlist: the descriptor (zeroed
 * in place), the crop, and the source photo and its preview unless another enrolled face still
 * comes from it (the preview also stays while a history job mentions the photo).
 * Runs after the JSON no longer names them, so a crash midway leaves only unreachable bytes.
 */
async function eraseEnrolment(deps: WatchlistDeps, faces: StoredFace[]): Promise<void> {
  const stillUsed = new Set(
    deps.store.watchlist.data.subjects.flatMap((x) => x.faces.map((f) => f.sourceKey)),
  );
  await deps.store.watchlistVectors.erase(...faces.map((f) => f.row));
  for (const f of faces) {
    await deps.store.media.remove(f.cropKey);
    if (!stillUsed.has(f.sourceKey)) await deps.store.media.remove(f.sourceKey);
  }
  await releasePhotos(
    deps,
    faces.map((f) => f.sourceSha256),
  );
}

export async function removeFace(deps: WatchlistDeps, subjectId: string, faceId: string): Promise<Subject> {
  return deps.store.watchlistChange(async () => {
    const s = findSubject(deps, subjectId);
    if (!s.faces.some((f) => f.id === faceId))
      throw new VigilError('NOT_FOUND', `Subject has no face ${faceId}`);
    const removed = s.faces.filter((f) => f.id === faceId);
    s.faces = s.faces.filter((f) => f.id !== faceId);
    s.updatedAt = now();
    // Remembered so that importing a file holding this face again does not bring it back; enrolling
    // the same photo again still works, as enrolment gives every face a new id.
    deps.store.watchlist.data.removedFaceIds.push(faceId);
    await deps.store.watchlist.write();
    deps.matcher.removeWatchlistFace(faceId);
    await eraseEnrolment(deps, removed);
    return publicSubject(deps, s);
  });
}

/**
 * Shows one enrolled face as the subject's photo: the lists' thumbnail is the first face, so it
 * moves first. Matching does not depend on the order.
 */
export async function setCoverFace(deps: WatchlistDeps, subjectId: string, faceId: string): Promise<Subject> {
  return deps.store.watchlistChange(async () => {
    const s = findSubject(deps, subjectId);
    const face = s.faces.find((f) => f.id === faceId);
    if (!face) throw new VigilError('NOT_FOUND', `Subject has no face ${faceId}`);
    s.faces = [face, ...s.faces.filter((f) => f !== face)];
    s.updatedAt = now();
    await deps.store.watchlist.write();
    return publicSubject(deps, s);
  });
}

/** Enrols one face of a photo onto a subject, refusing faces that would make poor references. */
export async function enrollFace(
  deps: WatchlistDeps,
  input: { subjectId: string; source: ImageSource; faceIndex?: number; allowMismatch?: boolean },
): Promise<{ subject: Subject; face: EnrolledFace; facesInPhoto: number; faceIndex: number }> {
  const subject = findSubject(deps, input.subjectId);
  const file = 'path' in input.source ? input.source.path : input.source.name;
  return runJob(deps.store.history, 'enroll', [{ file, sha256: null }], async () => {
    // Enrolment keeps the chosen face only: the photo's other faces are not "seen" faces.
    const { img, faces } = await detectFaces(deps, input.source);
    const name = basename(img.file);
    if (faces.length === 0) throw new VigilError('NO_FACE', `No face found in ${name}`, { file: img.file });
    if (faces.length > 1 && input.faceIndex === undefined) {
      throw new VigilError(
        'MULTIPLE_FACES',
        `${name} shows ${faces.length} faces: choose which one to enrol`,
        {
          file: img.file,
          // Faces of this photo already on the watchlist are named, so the picker can mark them.
          faces: faces.map((f, index) => {
            const enrolled = enrolledFace(deps.store.watchlist.data.subjects, {
              sourceSha256: img.sha256,
              box: f.box,
            });
            const enrolledAs = enrolled
              ? { subjectId: enrolled.subject.id, name: enrolled.subject.name }
              : null;
            return { index, box: f.box, score: f.score, enrolledAs };
          }),
        },
      );
    }
    const index = input.faceIndex ?? 0;
    const face = faces[index];
    if (!face)
      throw new VigilError('BAD_INPUT', `${name} has no face number ${index}`, { faces: faces.length });
    const faceSize = faceSizeOf(face.box);
    if (faceSize < ENROLL_LIMITS.minFaceSize) {
      throw new VigilError(
        'FACE_TOO_SMALL',
        `The face is ${faceSize} px; at least ${ENROLL_LIMITS.minFaceSize} px is needed`,
        {
          measured: faceSize,
          minimum: ENROLL_LIMITS.minFaceSize,
        },
      );
    }
    const sharpness = await faceSharpness(img.rgb, face.box, img.scale);
    if (face.score < ENROLL_LIMITS.minDetectorScore || sharpness < ENROLL_LIMITS.minSharpness) {
      throw new VigilError(
        'LOW_QUALITY',
        face.score < ENROLL_LIMITS.minDetectorScore
          ? `The face is unclear (detector score ${face.score}, at least ${ENROLL_LIMITS.minDetectorScore} needed)`
          : `The face is too blurred (sharpness ${sharpness}, at least ${ENROLL_LIMITS.minSharpness} needed)`,
        {
          detectorScore: face.score,
          sharpness,
          minDetectorScore: ENROLL_LIMITS.minDetectorScore,
          minSharpness: ENROLL_LIMITS.minSharpness,
        },
      );
    }
    if (face.matchDescriptor.length !== deps.store.watchlistVectors.dim) {
      throw new VigilError(
        'LOW_QUALITY',
        'No reliable descriptor could be computed for this face (landmarks missing)',
      );
    }
    refuseDuplicate(deps, subject.id, name, img.sha256, face.box);
    if (!input.allowMismatch) refuseMismatch(deps, subject, name, img.file, face.matchDescriptor);
    const faceId = randomUUID();
    const sourceKey = `sources/${img.sha256}.img`;
    const cropKey = `crops/${faceId}.jpg`;
    const jpeg = await previewJpeg(img);
    const crop = await faceCropJpeg(img.rgb, face.box, img.scale);
    // Checked again where no other enrolment or deletion can run between the check and the write.
    const stored = await deps.store.watchlistChange(async () => {
      const current = findSubject(deps, subject.id);
      refuseDuplicate(deps, subject.id, name, img.sha256, face.box);
      // One exclusive step, so the photo's preview cannot be released between its write and the
      // watchlist naming it.
      const kept = await deps.store.exclusive(async () => {
        const preview = await keepPreview(deps, img, jpeg);
        if (!(await deps.store.media.has(sourceKey))) await deps.store.media.put(sourceKey, img.bytes);
        await deps.store.media.put(cropKey, crop);
        const row = await deps.store.watchlistVectors.append([face.matchDescriptor]);
        const entry: StoredFace = {
          id: faceId,
          row,
          sourceFile: name,
          sourceSha256: img.sha256,
          sourceKey,
          previewKey: preview.key,
          cropKey,
          box: face.box,
          detectorScore: face.score,
          faceSize,
          sharpness,
          pose: face.pose,
          enrolledAt: now(),
        };
        current.faces.push(entry);
        current.updatedAt = now();
        await deps.store.watchlist.write();
        return entry;
      });
      deps.matcher.addWatchlistFace(kept.id, current.id, face.matchDescriptor);
      return { face: kept, subject: current };
    });
    const value = {
      subject: publicSubject(deps, stored.subject),
      face: publicFace(deps, stored.face),
      facesInPhoto: faces.length,
      faceIndex: index,
    };
    return {
      value,
      summary: `Enrolled a face of ${name} as ${stored.subject.name}`,
      message: { key: 'enroll', values: { file: name, name: stored.subject.name } },
      result: { subjectId: subject.id, faceId },
    };
  });
}

/**
 * `FACE_MISMATCH` when a face would likely put another person under this subject: it scores
 * `no_match` against the subject's enrolled faces, or `match` against another subject, higher.
 * A wrong face on a wanted person's record makes a stranger come out as that person later.
 * Asked, not refused for good: the same person years apart can score low (`allowMismatch`).
 */
function refuseMismatch(
  deps: WatchlistDeps,
  subject: { id: string; name: string },
  name: string,
  file: string,
  descriptor: Float32Array,
): void {
  const own = deps.matcher.scoreSubject(descriptor, subject.id);
  const other = deps.matcher.candidates(descriptor, 3).find((c) => c.subjectId !== subject.id);
  const thresholds = deps.matcher.thresholds();
  const unlike = own !== null && deps.matcher.verdict(own.score).verdict === 'no_match';
  const likeOther =
    other !== undefined &&
    deps.matcher.verdict(other.score).verdict === 'match' &&
    (own === null || other.score > own.score);
  if (!unlike && !likeOther) return;
  const otherName = other
    ? (deps.store.watchlist.data.subjects.find((x) => x.id === other.subjectId)?.name ?? '')
    : '';
  const round3 = (v: number) => Math.round(v * 1000) / 1000;
  throw new VigilError(
    'FACE_MISMATCH',
    likeOther
      ? `The face in ${name} matches ${otherName} (score ${round3(other.score)}), not ${subject.name}: enrol it only if it is ${subject.name}`
      : `The face in ${name} does not look like ${subject.name}'s other faces (score ${round3(own!.score)}, under possible ${round3(thresholds.possible)}): enrol it only if it is the same person`,
    {
      file,
      subject: subject.name,
      score: own ? round3(own.score) : null,
      possible: round3(thresholds.possible),
      match: round3(thresholds.match),
      ...(likeOther && {
        other: { subjectId: other.subjectId, name: otherName, score: round3(other.score) },
      }),
    },
  );
}

/** `DUPLICATE` when this face of this photo is already enrolled, on this subject or another. */
function refuseDuplicate(deps: AnalyseDeps, subjectId: string, name: string, sha256: string, box: Box): void {
  const dup = enrolledFace(deps.store.watchlist.data.subjects, { sourceSha256: sha256, box });
  if (dup) {
    throw new VigilError(
      'DUPLICATE',
      dup.subject.id === subjectId
        ? `This face of ${name} is already enrolled`
        : `This face is already enrolled as ${dup.subject.name}`,
      { subjectId: dup.subject.id, faceId: dup.face.id },
    );
  }
}

interface PhotoFace {
  sourceSha256: string;
  box: Box;
}

/** One face of one photo: the same photo, and boxes within 4 px (a face detected again). */
const sameFace = (a: PhotoFace, b: PhotoFace) =>
  a.sourceSha256 === b.sourceSha256 && sameBox(a.box, b.box, 4);

/** The first of `subjects` that has this face of this photo enrolled, and its face. */
function enrolledFace<
  F extends PhotoFace & { id: string },
  S extends { id: string; name: string; faces: F[] },
>(subjects: readonly S[], face: PhotoFace): { subject: S; face: F } | undefined {
  for (const subject of subjects) {
    const found = subject.faces.find((f) => sameFace(f, face));
    if (found) return { subject, face: found };
  }
  return undefined;
}

// ---- export / import: one self-contained JSON file ------------------------------------------

/**
 * Ids of an imported file name media files (`crops/<id>.jpg`) and matcher entries, and a sha256
 * names the kept source photo (`sources/<sha256>.img`): only the alphabet Vigil itself writes.
 */
const importedIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an id of 1 to 64 letters, digits or dashes');
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 (64 lowercase hex digits)');

const exportedFaceSchema = storedFaceSchema
  .omit({ row: true, sourceKey: true, previewKey: true, cropKey: true })
  .extend({
    id: importedIdSchema,
    sourceSha256: sha256Schema,
    descriptor: z.base64(),
    crop: z.base64(),
    source: z.base64().nullable(),
  });

const exportFileSchema = z.object({
  format: z.literal('vigil-watchlist'),
  version: z.literal(1),
  model: z.string(),
  dim: z.number().int(),
  exportedAt: z.string(),
  subjects: z.array(
    subjectFieldsSchema.extend({
      id: importedIdSchema,
      createdAt: z.string(),
      updatedAt: z.string(),
      faces: z.array(exportedFaceSchema),
    }),
  ),
});

type ExportFile = z.infer<typeof exportFileSchema>;

const f32ToB64 = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const b64ToF32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/**
 * The whole watchlist as one JSON document, returned as data: the caller (CLI, renderer) saves
 * it, so no channel ever writes to a path it is given.
 */
export async function exportWatchlist(
  deps: AnalyseDeps,
): Promise<{ fileName: string; subjects: number; faces: number; bytes: number; data: string }> {
  return runJob(deps.store.history, 'export', [{ file: 'watchlist', sha256: null }], async () => {
    const subjects = [];
    let faceCount = 0;
    // The file leaves the machine: each source photo goes without its metadata (GPS, camera,
    // names), once however many of its faces are enrolled. Its sha256 is then the stripped copy's.
    const sources = new Map<string, Promise<Buffer | null>>();
    const strippedSource = (key: string) => {
      let p = sources.get(key);
      if (!p) {
        p = readFile(deps.store.media.pathOf(key))
          .then((bytes) => strippedPhoto(bytes))
          .catch(() => null);
        sources.set(key, p);
      }
      return p;
    };
    for (const s of deps.store.watchlist.data.subjects) {
      const faces = [];
      for (const f of s.faces) {
        const { row, sourceKey, previewKey, cropKey, ...meta } = f;
        void previewKey;
        const source = await strippedSource(sourceKey);
        faces.push({
          ...meta,
          ...(source && { sourceSha256: sha256Of(source) }),
          descriptor: f32ToB64(await deps.store.watchlistVectors.read(row)),
          crop: (await readFile(deps.store.media.pathOf(cropKey))).toString('base64'),
          source: source ? source.toString('base64') : null,
        });
        faceCount++;
      }
      subjects.push({ ...s, faces });
    }
    const doc: z.infer<typeof exportFileSchema> = {
      format: 'vigil-watchlist',
      version: 1,
      model: deps.store.watchlist.data.model,
      dim: deps.store.watchlistVectors.dim,
      exportedAt: now(),
      subjects,
    };
    const text = JSON.stringify(doc);
    const fileName = `watchlist-${doc.exportedAt.slice(0, 10)}.vigil.json`;
    const data = Buffer.from(text).toString('base64');
    const value = {
      fileName,
      subjects: subjects.length,
      faces: faceCount,
      bytes: Buffer.byteLength(text),
      data,
    };
    const { data: _data, ...summaryResult } = value;
    return {
      value,
      summary: `Exported ${subjects.length} subject${subjects.length === 1 ? '' : 's'}, ${faceCount} face${faceCount === 1 ? '' : 's'}`,
      message: { key: 'export', values: { count: subjects.length, faces: faceCount } },
      result: summaryResult,
    };
  });
}

/**
 * Refuses, before anything is written, a file whose faces could not be imported faithfully: an id
 * given twice, a face id the data dir already uses elsewhere, a descriptor of the wrong size (the
 * file claims this model's dimension) or not finite, or a source photo that is not the one its
 * sha256 names.
 */
function refuseDamagedFile(deps: AnalyseDeps, doc: ExportFile, file: { name: string; earlier: boolean }) {
  const bad = (what: string) => {
    throw new VigilError('BAD_INPUT', `${file.name} cannot be imported: ${what}`);
  };
  const subjectIds = new Set<string>();
  const faceIds = new Set<string>();
  // Where each enrolled face id lives now: an imported face may only match its own subject's.
  const ownerOf = new Map(
    deps.store.watchlist.data.subjects.flatMap((s) => s.faces.map((f) => [f.id, s] as const)),
  );
  for (const s of doc.subjects) {
    if (subjectIds.has(s.id)) bad(`subject id ${s.id} is given twice`);
    subjectIds.add(s.id);
    for (const f of s.faces) {
      const face = `face ${f.id} of ${s.name} (${f.sourceFile})`;
      if (faceIds.has(f.id)) bad(`face id ${f.id} is given twice`);
      faceIds.add(f.id);
      // Refused, not given a fresh id: no export holds another subject's face id, so the file is
      // damaged or forged, and importing any of it could tie a face to the wrong person.
      const owner = ownerOf.get(f.id);
      if ((owner && owner.id !== s.id) || deps.store.faces.get(f.id))
        bad(`${face} has the id of another face already in this data dir`);
      if (!file.earlier) {
        const dim = deps.store.watchlistVectors.dim;
        const bytes = Buffer.from(f.descriptor, 'base64').length;
        if (bytes !== dim * 4)
          bad(
            `${face} has a ${bytes}-byte descriptor; ${doc.model} descriptors have ${dim} values (${dim * 4} bytes)`,
          );
        if (!b64ToF32(f.descriptor).every(Number.isFinite))
          bad(`${face} has a descriptor that is not finite`);
      }
      if (f.source && sha256Of(Buffer.from(f.source, 'base64')) !== f.sourceSha256)
        bad(`the source photo of ${face} does not match its sha256`);
    }
  }
}

const startsAsJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** What a stored source photo may be: the formats enrolment decodes. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/**
 * Whether bytes start as a photo format does (JPEG, PNG, GIF, WebP, TIFF, AVIF/HEIF): checked
 * before sharp sees a file's bytes, so text or an SVG never reaches a decoder at all.
 */
function looksLikePhoto(b: Buffer): boolean {
  const at = (offset: number, text: string) =>
    b.subarray(offset, offset + text.length).toString('latin1') === text;
  return (
    startsAsJpeg(b) ||
    at(0, '\x89PNG') ||
    at(0, 'GIF8') ||
    (at(0, 'RIFF') && at(8, 'WEBP')) ||
    at(0, 'II*\0') ||
    at(0, 'MM\0*') ||
    at(4, 'ftyp')
  );
}

/**
 * Refuses a file whose crops are not whole JPEGs or whose source photos are no image (an SVG
 * under a crop's name, text as a photo): stored, they would show as broken faces and leave
 * nothing to describe again after a model change. Sources are read by their header only, since a
 * file can carry hundreds of full-size photos; crops (small) are decoded whole.
 */
async function refuseDamagedImages(doc: ExportFile, name: string): Promise<void> {
  const bad = (what: string) => {
    throw new VigilError('BAD_INPUT', `${name} cannot be imported: ${what}`);
  };
  const sources = new Map<string, string>();
  for (const s of doc.subjects)
    for (const f of s.faces) {
      const face = `face ${f.id} of ${s.name} (${f.sourceFile})`;
      const bytes = Buffer.from(f.crop, 'base64');
      const options = { failOn: 'truncated', limitInputPixels: 4_000_000 } as const;
      const jpeg =
        startsAsJpeg(bytes) &&
        (await sharp(bytes, options)
          .metadata()
          .then(async (m) => m.format === 'jpeg' && !!(await sharp(bytes, options).raw().toBuffer()))
          .catch(() => false));
      if (!jpeg) bad(`the face crop of ${face} is not a JPEG image`);
      if (f.source && !sources.has(f.sourceSha256)) sources.set(f.sourceSha256, f.source);
      if (f.source && sources.get(f.sourceSha256) === f.source) {
        const photo = Buffer.from(f.source, 'base64');
        const meta = looksLikePhoto(photo)
          ? await sharp(photo, { limitInputPixels: DEFAULT_LIMITS.maxPixels })
              .metadata()
              .catch(() => null)
          : null;
        if (!meta?.format || !PHOTO_FORMATS.has(meta.format))
          bad(`the source photo of ${face} is not an image`);
      }
    }
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type ImportedSubject = ExportFile['subjects'][number];
type ImportedFace = ImportedSubject['faces'][number];
type WatchlistDoc = Store['watchlist']['data'];
/** An import's report as this Vigil writes it: with every field, including the optional ones. */
type CompleteReport = Required<ImportReport>;

/** A face an import adds: what it is stored as (less its row, known once written) and its bytes. */
interface NewFace {
  entry: Omit<StoredFace, 'row'>;
  descriptor: Float32Array;
  crop: Buffer;
  source: Buffer | null;
}

/** What an import does to one subject of the file. */
interface SubjectChange {
  /** The subject's fields once imported (the file's when newer, else those kept). */
  fields: Omit<StoredSubject, 'faces'>;
  isNew: boolean;
  fieldsUpdated: boolean;
  /** Changed here after the file was exported: its fields here are kept (the newer side wins). */
  newerHere: boolean;
  faces: NewFace[];
}

/** Near the longest string V8 makes (about 512 MiB), which the file is parsed from. */
const MAX_EXPORT_FILE_BYTES = 500 * 1024 * 1024;

/** The file's bytes, parsed and checked against the export format. */
async function readExportFile(source: ImageSource, name: string): Promise<ExportFile> {
  const bytes =
    'path' in source
      ? await readBoundedFile(
          source.path,
          MAX_EXPORT_FILE_BYTES,
          (size) =>
            new VigilError(
              'BAD_INPUT',
              `${name} is ${size === null ? 'over 500 MiB' : `${size} bytes`}; a watchlist file can hold at most 500 MiB`,
              { file: source.path, bytes: size, limit: MAX_EXPORT_FILE_BYTES },
            ),
        )
      : Buffer.from(source.bytes, 'base64');
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new VigilError('BAD_INPUT', `${name} is not a Vigil watchlist file (not JSON)`);
  }
  const parsed = exportFileSchema.safeParse(parsedJson);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new VigilError('BAD_INPUT', `${name} is not a valid Vigil watchlist file (${issues[0]})`, {
      issues,
    });
  }
  return parsed.data;
}

/**
 * Whether the file comes from an earlier Vigil model: it carries its source photos, and its faces
 * are described again by this model, as a data dir of that model is when it opens (reembed.ts).
 * A file of any other model is refused.
 */
function isEarlierModel(deps: AnalyseDeps, doc: ExportFile, name: string): boolean {
  if (EARLIER_MODELS.includes(doc.model)) return true;
  const dim = deps.store.watchlistVectors.dim;
  if (doc.model !== DESCRIPTOR_MODEL || doc.dim !== dim) {
    // The same model with another size is a damaged or forged file, not another model.
    const why =
      doc.model === DESCRIPTOR_MODEL
        ? `${doc.model} descriptors have ${dim} values, but the file says ${doc.dim}`
        : `it holds ${doc.dim}-d descriptors from ${doc.model}; this Vigil uses ${DESCRIPTOR_MODEL} (${dim}-d)`;
    throw new VigilError('INCOMPATIBLE_MODEL', `${name} cannot be imported: ${why}`, {
      model: doc.model,
      expected: DESCRIPTOR_MODEL,
      dim: doc.dim,
      expectedDim: dim,
    });
  }
  return false;
}

/** Describes a face of an earlier model's file again; each photo it carries is detected once. */
function describerOf(deps: AnalyseDeps, doc: ExportFile) {
  const photos = new Map<string, { name: string; bytes: string; boxes: Box[] }>();
  const faces = doc.subjects.flatMap((x) => x.faces);
  for (const f of faces)
    if (f.source && !photos.has(f.sourceSha256))
      photos.set(f.sourceSha256, { name: f.sourceFile, bytes: f.source, boxes: [] });
  for (const f of faces) photos.get(f.sourceSha256)?.boxes.push(f.box);
  const described = new Map<string, Promise<(Float32Array | UndescribedCode)[]>>();
  return async (f: ImportedFace): Promise<Float32Array | UndescribedCode> => {
    const p = photos.get(f.sourceSha256);
    if (!p) return 'NO_PHOTO_IN_FILE';
    let all = described.get(f.sourceSha256);
    if (!all) described.set(f.sourceSha256, (all = describeAgain(deps, p, p.boxes)));
    return (await all)[p.boxes.indexOf(f.box)]!;
  };
}

function newFace(f: ImportedFace, descriptor: Float32Array): NewFace {
  const { descriptor: _d, crop, source, ...meta } = f;
  const cropKey = `crops/${f.id}.jpg`;
  // The preview shown as the face's source is the crop: a preview of the photo the file may carry
  // would mean decoding and encoding every photo of the file, as enrolment does for one.
  return {
    entry: { ...meta, sourceKey: `sources/${f.sourceSha256}.img`, previewKey: cropKey, cropKey },
    descriptor,
    crop: Buffer.from(crop, 'base64'),
    source: source ? Buffer.from(source, 'base64') : null,
  };
}

/**
 * Works out everything an import will change, and describes faces again where needed, without
 * writing anything: the newer side wins for a subject's fields, faces are merged (a face already
 * on the subject, by id or by photo and box, is kept as it is), a face removed here is left out,
 * and a new subject none of whose faces can be imported is not added (an empty subject from the
 * file, one that had no faces where it was exported, is).
 */
async function planImport(
  deps: AnalyseDeps,
  doc: ExportFile,
  earlier: boolean,
  report: CompleteReport,
): Promise<SubjectChange[]> {
  const describe = earlier ? describerOf(deps, doc) : null;
  const removedHere = new Set(deps.store.watchlist.data.removedFaceIds);
  const changes: SubjectChange[] = [];
  for (const inc of doc.subjects) {
    const current = deps.store.watchlist.data.subjects.find((s) => s.id === inc.id);
    const kept = current?.faces ?? [];
    const change: SubjectChange = {
      fields: mergedFields(inc, current),
      isNew: !current,
      fieldsUpdated: !!current && inc.updatedAt > current.updatedAt,
      newerHere: !!current && current.updatedAt > inc.updatedAt,
      faces: [],
    };
    const onSubject = (f: ImportedFace) =>
      kept.some((x) => x.id === f.id || sameFace(x, f)) || change.faces.some((x) => sameFace(x.entry, f));
    for (const f of inc.faces) {
      if (onSubject(f)) continue;
      if (removedHere.has(f.id)) {
        report.refused.push({
          subject: inc.name,
          file: f.sourceFile,
          reason:
            'this face was removed from the watchlist here; to add it again on purpose, enrol its photo',
          code: 'REMOVED_HERE',
        });
        continue;
      }
      // Enrolment's DUPLICATE rule: one face of one photo names one person, never two.
      const holder = enrolledElsewhere(deps, changes, f);
      if (holder) {
        report.refused.push({
          subject: inc.name,
          file: f.sourceFile,
          reason: `this face is already enrolled as ${holder.name}`,
          code: 'DUPLICATE',
          enrolledAs: { id: holder.id, name: holder.name },
        });
        continue;
      }
      const descriptor = describe ? await describe(f) : b64ToF32(f.descriptor);
      if (typeof descriptor === 'string') {
        report.notDescribed.push(undescribed(inc.name, f.sourceFile, descriptor));
        continue;
      }
      if (describe) report.describedAgain++;
      change.faces.push(newFace(f, descriptor));
    }
    if (change.isNew && inc.faces.length > 0 && change.faces.length === 0) {
      report.skipped.push({
        id: inc.id,
        name: inc.name,
        reason: 'none of its faces could be imported',
        code: 'NO_FACE_IMPORTED',
      });
      continue;
    }
    changes.push(change);
  }
  return changes;
}

/**
 * The subject that already has this face of this photo: in the data dir, or earlier in the file
 * (`planned`). Called once the face is known not to be on its own subject already.
 */
function enrolledElsewhere(deps: AnalyseDeps, planned: SubjectChange[], face: ImportedFace) {
  const inFile = planned.map((c) => ({ ...c.fields, faces: c.faces.map((f) => f.entry) }));
  return (enrolledFace(deps.store.watchlist.data.subjects, face) ?? enrolledFace(inFile, face))?.subject;
}

/** A subject's fields after an import: the newer side's, keeping the subject's id and creation. */
function mergedFields(
  inc: ImportedSubject,
  current: StoredSubject | undefined,
): Omit<StoredSubject, 'faces'> {
  const { faces: _fromFile, ...fromFile } = inc;
  if (!current) return fromFile;
  const { faces: _kept, ...kept } = current;
  return inc.updatedAt > current.updatedAt
    ? { ...fromFile, id: current.id, createdAt: current.createdAt }
    : kept;
}

/** The watchlist document with an import's changes, as a new object: `doc` is left as it was. */
function withImport(doc: WatchlistDoc, changes: SubjectChange[], firstRow: number): WatchlistDoc {
  let row = firstRow;
  const stored = new Map(
    changes.map((c) => [c.fields.id, c.faces.map((f): StoredFace => ({ ...f.entry, row: row++ }))]),
  );
  const merged = doc.subjects.map((s) => {
    const change = changes.find((c) => c.fields.id === s.id);
    return change ? { ...change.fields, faces: [...s.faces, ...stored.get(s.id)!] } : s;
  });
  const added = changes.filter((c) => c.isNew).map((c) => ({ ...c.fields, faces: stored.get(c.fields.id)! }));
  return { ...doc, subjects: [...merged, ...added] };
}

/**
 * Stores a planned import all at once, in enrolment's order: crops, source photos and descriptors
 * first, then the document that names them, then the matcher. The live document is replaced only
 * by a written one, so a failure on the way leaves the watchlist and the matcher as they were,
 * and what was written for the import is deleted again; a crash leaves only files and rows that
 * nothing names (the start's sweep deletes such files).
 */
async function storeImport(deps: WatchlistDeps, changes: SubjectChange[]): Promise<void> {
  const { store } = deps;
  const faces = changes.flatMap((c) => c.faces);
  const written: string[] = [];
  let rows: number[] = [];
  try {
    await store.exclusive(async () => {
      for (const f of faces) {
        await store.media.put(f.entry.cropKey, f.crop);
        written.push(f.entry.cropKey);
        if (f.source && !(await store.media.has(f.entry.sourceKey))) {
          await store.media.put(f.entry.sourceKey, f.source);
          written.push(f.entry.sourceKey);
        }
      }
      const first = faces.length ? await store.watchlistVectors.append(faces.map((f) => f.descriptor)) : 0;
      rows = faces.map((_, i) => first + i);
      const before = store.watchlist.data;
      store.watchlist.data = withImport(before, changes, first);
      await store.watchlist.write().catch((err: unknown) => {
        store.watchlist.data = before;
        throw err;
      });
    });
  } catch (err) {
    // Best effort: the failure itself is what the caller must hear about.
    await eraseUnnamed(deps, written, rows).catch(() => undefined);
    throw err;
  }
  for (const c of changes)
    for (const f of c.faces) deps.matcher.addWatchlistFace(f.entry.id, c.fields.id, f.descriptor);
}

/** Deletes the files and zeroes the rows a failed import wrote: nothing names them. */
async function eraseUnnamed(deps: WatchlistDeps, media: string[], rows: number[]): Promise<void> {
  await deps.store.watchlistVectors.erase(...rows);
  for (const key of media) await deps.store.media.remove(key);
}

/**
 * Merges a watchlist file into this data dir, all or nothing: a file that is not a faithful
 * export is refused before anything is written, and a failure while storing leaves the
 * watchlist as it was.
 */
export async function importWatchlist(deps: WatchlistDeps, source: ImageSource) {
  const file = 'path' in source ? source.path : source.name;
  const name = basename(file);
  // One at a time with enrolments and deletions: merging reads and writes subjects' face lists.
  return runJob(deps.store.history, 'import', [{ file, sha256: null }], () =>
    deps.store.watchlistChange(async () => {
      const doc = await readExportFile(source, name);
      const earlier = isEarlierModel(deps, doc, name);
      refuseDamagedFile(deps, doc, { name, earlier });
      await refuseDamagedImages(doc, name);
      const report: CompleteReport = {
        added: [],
        updated: [],
        skipped: [],
        describedAgain: 0,
        notDescribed: [],
        refused: [],
      };
      const changes = await planImport(deps, doc, earlier, report);
      await storeImport(deps, changes);
      for (const { fields, isNew, fieldsUpdated, newerHere, faces } of changes) {
        const { id, name } = fields;
        if (isNew) report.added.push({ id, name });
        else if (faces.length > 0 || fieldsUpdated)
          report.updated.push({ id, name, facesAdded: faces.length });
        else if (newerHere)
          report.skipped.push({
            id,
            name,
            reason: 'kept as it is here: changed here after this file was exported',
            code: 'NEWER_HERE',
          });
        else report.skipped.push({ id, name, reason: 'already up to date', code: 'UP_TO_DATE' });
      }
      const leftOut = (code: RefusedFace['code']) => report.refused.filter((r) => r.code === code).length;
      const [duplicates, removedHere] = [leftOut('DUPLICATE'), leftOut('REMOVED_HERE')];
      return {
        value: report,
        summary:
          `Imported ${report.added.length} new, ${report.updated.length} updated, ${report.skipped.length} skipped` +
          (duplicates ? `; ${duplicates} faces refused as already enrolled` : '') +
          (removedHere ? `; ${removedHere} faces left out as removed here` : ''),
        message: {
          key: 'import',
          values: {
            added: report.added.length,
            updated: report.updated.length,
            skipped: report.skipped.length,
          },
        },
        result: report,
      };
    }),
  );
}
