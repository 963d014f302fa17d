import pLimit from 'p-limit';
import { VigilError, type ErrorCode } from '../../../shared/errors';
import type { ModelChange, UndescribedCode, UndescribedFace } from '../../../shared/watchlist-schemas';
import type { ImageSource } from '../../../shared/schemas';
import { iou, type Box } from '../imaging/boxes';
import { DESCRIPTOR_MODEL, type StoredFace } from '../store/store';
import { detectFaces, eraseSeenFaces, type AnalyseDeps } from './analyse';

/** Why a source photo gives no face, by the decode error it raised (imaging/decode.ts). */
const PHOTO_ERRORS: Partial<Record<ErrorCode, UndescribedCode>> = {
  FILE_NOT_FOUND: 'PHOTO_MISSING',
  BAD_INPUT: 'PHOTO_MISSING',
  NOT_AN_IMAGE: 'PHOTO_DAMAGED',
  IMAGE_CORRUPT: 'PHOTO_DAMAGED',
  IMAGE_TOO_LARGE: 'PHOTO_TOO_LARGE',
};

const UNDESCRIBED_REASONS: Record<UndescribedCode, string> = {
  PHOTO_MISSING: 'its source photo is missing',
  PHOTO_DAMAGED: 'its source photo is damaged',
  PHOTO_TOO_LARGE: 'its source photo is over the pixel limit',
  FACE_NOT_FOUND: 'the face is no longer found in its source photo',
  NO_PHOTO_IN_FILE: 'the file carries no source photo for it',
};

/** A face that could not be described again, with its reason as a code and in English. */
export function undescribed(subject: string, file: string, code: UndescribedCode): UndescribedFace {
  return { subject, file, reason: UNDESCRIBED_REASONS[code], code };
}

/** How often, at most, progress through a long re-description is logged. */
const PROGRESS_EVERY_MS = 5000;

/** Logs "k of n … done" at most every PROGRESS_EVERY_MS, and always once all are done. */
function progressLog(total: number, log: (line: string) => void) {
  let done = 0;
  let last = performance.now();
  return {
    add(n: number) {
      done += n;
      const now = performance.now();
      if (done < total && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      log(`${done} of ${total} enrolled faces done`);
    },
  };
}

/** A kept source photo's face counts as the enrolled one when its box overlaps this much. */
const SAME_FACE_IOU = 0.5;

/**
 * Descriptors of two models cannot be compared, and scores are calibrated for one model. When a
 * data dir was written by another descriptor model (DESCRIPTOR_MODEL changed), enrolled faces
 * are described again from the source photos enrolment kept (same detection; the stored box
 * picks the face), and seen faces, whose photos are not kept, are dropped (scan them again to
 * search them). What was done is kept in the watchlist document (`modelChange`, shown by
 * Diagnostics) and logged. Runs before the matcher loads; returns null when nothing was from
 * another model.
 *
 * Order, so that a crash at any step is redone by the next start and leaves no old descriptor
 * behind: rows nothing names are zeroed first (left by a crash after an append), the new rows are
 * appended, the old rows zeroed, and only then does the document name the new rows and model
 * (until then it still says the old model, so the next start does it all again). Seen faces'
 * rows are zeroed before their list restarts.
 */
export async function reembedStoredFaces(
  deps: Pick<AnalyseDeps, 'engine' | 'store' | 'limits'>,
  log: (line: string) => void = (line) => console.error(`[vigil] ${line}`),
): Promise<ModelChange | null> {
  const { store } = deps;
  const from = { watchlist: store.watchlist.data.model, seen: store.faces.model };
  if (from.watchlist === DESCRIPTOR_MODEL && from.seen === DESCRIPTOR_MODEL) return null;
  const seen = from.seen === DESCRIPTOR_MODEL ? [] : [...store.faces.values()];
  // A crash after the watchlist's step leaves only the seen faces to do: keep that step's report.
  const earlier = store.watchlist.data.modelChange;
  const change: ModelChange =
    from.watchlist === DESCRIPTOR_MODEL && earlier?.to === DESCRIPTOR_MODEL
      ? { ...earlier, seenDropped: seen.length }
      : {
          at: new Date().toISOString(),
          from: from.watchlist !== DESCRIPTOR_MODEL ? from.watchlist : from.seen,
          to: DESCRIPTOR_MODEL,
          enrolled: 0,
          lost: [],
          seenDropped: seen.length,
        };

  const faces =
    from.watchlist === DESCRIPTOR_MODEL
      ? []
      : store.watchlist.data.subjects.flatMap((s) => s.faces.map((face) => ({ s, face })));
  if (faces.length) log(`describing ${faces.length} enrolled faces again (${change.from} → ${change.to})`);
  const named = new Set(faces.map(({ face }) => face.row));
  const stray = faces.length
    ? Array.from({ length: store.watchlistVectors.rows }, (_, row) => row).filter((row) => !named.has(row))
    : [];
  await store.watchlistVectors.erase(...stray);

  const bySource = new Map<string, typeof faces>();
  for (const entry of faces) {
    const group = bySource.get(entry.face.sourceKey);
    if (group) group.push(entry);
    else bySource.set(entry.face.sourceKey, [entry]);
  }
  // One kept photo per engine worker: a large watchlist takes minutes, and nothing opens before.
  const limit = pLimit(Math.max(1, deps.engine.info().workers));
  const progress = progressLog(faces.length, log);
  const groups = [...bySource];
  // After a failure (the engine gone) the photos not started are skipped, and the error is
  // thrown only once none is in flight, so a caller that closes the store closes it idle.
  const failures: unknown[] = [];
  const settled = await Promise.allSettled(
    groups.map(([sourceKey, group]) =>
      limit(async () => {
        if (failures.length) throw failures[0];
        try {
          const described = await describeAgain(
            deps,
            { path: store.media.pathOf(sourceKey) },
            group.map(({ face }) => face.box),
          );
          progress.add(group.length);
          return described;
        } catch (err) {
          failures.push(err);
          throw err;
        }
      }),
    ),
  );
  if (failures.length) throw failures[0];
  const results = settled.map((r) => (r.status === 'fulfilled' ? r.value : []));
  // In the watchlist's own order, whichever photo finished first: rows and the report stay stable.
  const fresh = new Map<StoredFace, Float32Array>();
  groups.forEach(([, group], g) =>
    group.forEach(({ s, face }, i) => {
      const d = results[g]![i]!;
      if (typeof d === 'string') change.lost.push(undescribed(s.name, face.sourceFile, d));
      else fresh.set(face, d);
    }),
  );

  const kept = [...fresh.keys()];
  const first = kept.length ? await store.watchlistVectors.append(kept.map((f) => fresh.get(f)!)) : 0;
  const rowOf = new Map(kept.map((f, i) => [f, first + i]));
  await store.watchlistVectors.erase(...faces.map(({ face }) => face.row));
  if (faces.length) change.enrolled = kept.length;
  await store.watchlist.update((doc) => {
    doc.model = DESCRIPTOR_MODEL;
    doc.modelChange = change;
    if (!faces.length) return;
    for (const s of doc.subjects) {
      s.faces = s.faces.filter((f) => rowOf.has(f));
      for (const f of s.faces) f.row = rowOf.get(f)!;
    }
  });
  for (const l of change.lost) log(`removed an enrolled face of ${l.subject} (${l.file}): ${l.reason}`);

  if (from.seen !== DESCRIPTOR_MODEL) {
    await eraseSeenFaces(store, seen, () => undefined);
    await store.faces.restart(DESCRIPTOR_MODEL);
    if (seen.length)
      log(`dropped ${seen.length} seen faces of ${from.seen}; scan their photos again to search them`);
  }
  return change;
}

/**
 * The faces at `boxes` (original pixels) of one kept source photo, described by this Vigil's
 * model: for each, its descriptor, or why there is none (a code). The photo is detected as enrolment did;
 * the face overlapping a box most (IoU ≥ 0.5) is that box's face. Throws for anything but a
 * problem with the photo itself (the engine unavailable), so callers change nothing then.
 */
export async function describeAgain(
  deps: Pick<AnalyseDeps, 'engine' | 'limits'>,
  source: ImageSource,
  boxes: readonly Box[],
): Promise<(Float32Array | UndescribedCode)[]> {
  let found: Awaited<ReturnType<typeof detectFaces>>['faces'] = [];
  try {
    ({ faces: found } = await detectFaces(deps, source));
  } catch (err) {
    const photoProblem = err instanceof VigilError ? PHOTO_ERRORS[err.code] : undefined;
    if (!photoProblem) throw err;
    return boxes.map(() => photoProblem);
  }
  const described = found.filter((f) => f.matchDescriptor.length > 0);
  return boxes.map((box) => {
    const best = described
      .map((f) => ({ f, overlap: iou(f.box, box) }))
      .sort((a, b) => b.overlap - a.overlap)[0];
    return best && best.overlap >= SAME_FACE_IOU ? best.f.matchDescriptor : 'FACE_NOT_FOUND';
  });
}
