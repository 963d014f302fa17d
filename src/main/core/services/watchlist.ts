import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import type { ImageSource } from '../../../shared/schemas';
import { foldForSearch } from '../../../shared/search-text';
import {
  subjectFieldsSchema,
  subjectPatchSchema,
  type EnrolledFace,
  type Subject,
  type UndescribedCode,
  type UndescribedFace,
} from '../../../shared/watchlist-schemas';
import { sameBox, type Box } from '../imaging/boxes';
import { faceCropJpeg, faceSharpness } from '../imaging/face-crop';
import { runJob } from '../store/history-log';
import {
  DESCRIPTOR_MODEL,
  EARLIER_MODELS,
  storedFaceSchema,
  type StoredFace,
  type StoredSubject,
} from '../store/store';
import { detectFaces, keepPreview, previewJpeg, type AnalyseDeps } from './analyse';
import { releasePhotos } from './photo-data';
import { describeAgain, undescribed } from './reembed';
import type { Matcher } from './matcher';

/** Enrolment quality gates; see docs/calibration.md for the values seen on real faces. */
export const ENROLL_LIMITS = { minFaceSize: 48, minDetectorScore: 0.5, minSharpness: 40 } as const;

export interface WatchlistDeps extends AnalyseDeps {
  matcher: Matcher;
}

const now = () => new Date().toISOString();

export function publicFace(deps: AnalyseDeps, f: StoredFace): EnrolledFace {
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

export function publicSubject(deps: AnalyseDeps, s: StoredSubject): Subject {
  return { ...s, faces: s.faces.map((f) => publicFace(deps, f)) };
}

export function findSubject(deps: AnalyseDeps, id: string): StoredSubject {
  const s = deps.store.watchlist.data.subjects.find((x) => x.id === id);
  if (!s) throw new VigilError('NOT_FOUND', `No subject ${id} on the watchlist`);
  return s;
}

export function listSubjects(deps: AnalyseDeps, query?: string) {
  const q = query ? foldForSearch(query.trim()) : '';
  const has = (text: string) => foldForSearch(text).includes(q);
  return deps.store.watchlist.data.subjects
    .filter((s) => !q || has(s.name) || s.aliases.some(has) || has(s.caseRef))
    .sort((a, b) => a.name.localeCompare(b.name))
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
  input: { subjectId: string; source: ImageSource; faceIndex?: number },
): Promise<{ subject: Subject; face: EnrolledFace }> {
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
          faces: faces.map((f, index) => ({ index, box: f.box, score: f.score })),
        },
      );
    }
    const index = input.faceIndex ?? 0;
    const face = faces[index];
    if (!face)
      throw new VigilError('BAD_INPUT', `${name} has no face number ${index}`, { faces: faces.length });
    const faceSize = Math.min(face.box[2], face.box[3]);
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
    const value = { subject: publicSubject(deps, stored.subject), face: publicFace(deps, stored.face) };
    return {
      value,
      summary: `Enrolled a face of ${name} as ${stored.subject.name}`,
      message: { key: 'enroll', values: { file: name, name: stored.subject.name } },
      result: { subjectId: subject.id, faceId },
    };
  });
}

/** `DUPLICATE` when this face of this photo is already enrolled, on this subject or another. */
function refuseDuplicate(deps: AnalyseDeps, subjectId: string, name: string, sha256: string, box: Box): void {
  for (const s of deps.store.watchlist.data.subjects) {
    const dup = s.faces.find((f) => f.sourceSha256 === sha256 && sameBox(f.box, box, 4));
    if (dup) {
      throw new VigilError(
        'DUPLICATE',
        s.id === subjectId
          ? `This face of ${name} is already enrolled`
          : `This face is already enrolled as ${s.name}`,
        { subjectId: s.id, faceId: dup.id },
      );
    }
  }
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
    for (const s of deps.store.watchlist.data.subjects) {
      const faces = [];
      for (const f of s.faces) {
        const { row, sourceKey, previewKey, cropKey, ...meta } = f;
        void previewKey;
        const source = await readFile(deps.store.media.pathOf(sourceKey)).catch(() => null);
        faces.push({
          ...meta,
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
      summary: `Exported ${subjects.length} subjects, ${faceCount} faces`,
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

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function importWatchlist(deps: WatchlistDeps, source: ImageSource) {
  const file = 'path' in source ? source.path : source.name;
  // One at a time with enrolments and deletions: merging reads and writes subjects' face lists.
  return runJob(deps.store.history, 'import', [{ file, sha256: null }], () =>
    deps.store.watchlistChange(async () => {
      const bytes =
        'path' in source
          ? await readFile(source.path).catch((err: NodeJS.ErrnoException) => {
              throw new VigilError(
                'FILE_NOT_FOUND',
                `Cannot read ${source.path}: ${err.code ?? err.message}`,
              );
            })
          : Buffer.from(source.bytes, 'base64');
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new VigilError('BAD_INPUT', `${basename(file)} is not a Vigil watchlist file (not JSON)`);
      }
      const parsed = exportFileSchema.safeParse(parsedJson);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
        throw new VigilError(
          'BAD_INPUT',
          `${basename(file)} is not a valid Vigil watchlist file (${issues[0]})`,
          { issues },
        );
      }
      const doc = parsed.data;
      // A file from an earlier Vigil model carries its source photos: its faces are described
      // again by this model, as a data dir of that model is when it opens (reembed.ts).
      const earlier = EARLIER_MODELS.includes(doc.model);
      if (!earlier && (doc.model !== DESCRIPTOR_MODEL || doc.dim !== deps.store.watchlistVectors.dim)) {
        throw new VigilError(
          'INCOMPATIBLE_MODEL',
          `${basename(file)} holds ${doc.dim}-d descriptors from ${doc.model}; this Vigil uses ${DESCRIPTOR_MODEL}`,
          { model: doc.model, expected: DESCRIPTOR_MODEL },
        );
      }
      refuseDamagedFile(deps, doc, { name: basename(file), earlier });
      const report = {
        added: [] as { id: string; name: string }[],
        updated: [] as { id: string; name: string; facesAdded: number }[],
        skipped: [] as { id: string; name: string; reason: string }[],
        describedAgain: 0,
        notDescribed: [] as UndescribedFace[],
      };
      // An earlier model's file: each photo it carries is detected once, for all of its faces.
      const photos = new Map<string, { name: string; bytes: string; boxes: Box[] }>();
      if (earlier) {
        const faces = doc.subjects.flatMap((x) => x.faces);
        for (const f of faces)
          if (f.source && !photos.has(f.sourceSha256))
            photos.set(f.sourceSha256, { name: f.sourceFile, bytes: f.source, boxes: [] });
        for (const f of faces) photos.get(f.sourceSha256)?.boxes.push(f.box);
      }
      const described = new Map<string, Promise<(Float32Array | UndescribedCode)[]>>();
      const describeFace = async (f: { sourceSha256: string; box: Box }) => {
        const p = photos.get(f.sourceSha256);
        if (!p) return 'NO_PHOTO_IN_FILE' as const;
        let all = described.get(f.sourceSha256);
        if (!all) described.set(f.sourceSha256, (all = describeAgain(deps, p, p.boxes)));
        return (await all)[p.boxes.indexOf(f.box)]!;
      };
      for (const inc of doc.subjects) {
        let target = deps.store.watchlist.data.subjects.find((s) => s.id === inc.id);
        const isNew = !target;
        // The newer side wins for the subject's fields; faces are merged.
        const fieldsUpdated = !!target && inc.updatedAt > target.updatedAt;
        if (!target) {
          const { faces: _faces, ...fields } = inc;
          target = { ...fields, faces: [] };
          deps.store.watchlist.data.subjects.push(target);
        } else if (fieldsUpdated) {
          const { faces: _faces, id: _id, createdAt: _c, ...fields } = inc;
          Object.assign(target, fields);
        }
        let facesAdded = 0;
        for (const f of inc.faces) {
          if (
            target.faces.some(
              (x) => x.id === f.id || (x.sourceSha256 === f.sourceSha256 && sameBox(x.box, f.box, 4)),
            )
          ) {
            continue;
          }
          let descriptor: Float32Array = b64ToF32(f.descriptor);
          if (earlier) {
            const again = await describeFace(f);
            if (typeof again === 'string') {
              report.notDescribed.push(undescribed(inc.name, f.sourceFile, again));
              continue;
            }
            descriptor = again;
            report.describedAgain++;
          }
          const { descriptor: _d, crop, source: src, ...meta } = f;
          const cropKey = `crops/${f.id}.jpg`;
          const sourceKey = `sources/${f.sourceSha256}.img`;
          await deps.store.media.put(cropKey, Buffer.from(crop, 'base64'));
          if (src && !(await deps.store.media.has(sourceKey)))
            await deps.store.media.put(sourceKey, Buffer.from(src, 'base64'));
          const row = await deps.store.watchlistVectors.append([descriptor]);
          target.faces.push({ ...meta, row, sourceKey, previewKey: cropKey, cropKey });
          deps.matcher.addWatchlistFace(f.id, target.id, descriptor);
          facesAdded++;
        }
        if (isNew) report.added.push({ id: target.id, name: target.name });
        else if (facesAdded > 0 || fieldsUpdated) {
          report.updated.push({ id: target.id, name: target.name, facesAdded });
        } else report.skipped.push({ id: target.id, name: target.name, reason: 'already up to date' });
      }
      await deps.store.watchlist.write();
      return {
        value: report,
        summary: `Imported ${report.added.length} new, ${report.updated.length} updated, ${report.skipped.length} unchanged`,
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
