import { VigilError } from '../../../shared/errors';
import { iou } from '../imaging/boxes';
import { DESCRIPTOR_MODEL, type StoredFace } from '../store/store';
import { detectFaces, eraseSeenFaces, type AnalyseDeps } from './analyse';

/** Errors that mean the kept photo itself is gone or unreadable (imaging/decode.ts). */
const PHOTO_ERRORS = new Set([
  'FILE_NOT_FOUND',
  'BAD_INPUT',
  'NOT_AN_IMAGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_CORRUPT',
]);

/** A kept source photo's face counts as the enrolled one when its box overlaps this much. */
const SAME_FACE_IOU = 0.5;

export interface ReembedReport {
  /** The model the stored faces came from. */
  from: { watchlist: string; seen: string };
  to: string;
  /** Enrolled faces described again from their kept source photos. */
  enrolled: number;
  /** Enrolled faces that could not be (source photo gone or unreadable, face not found again): removed. */
  lost: { subject: string; file: string; reason: string }[];
  /** Seen faces dropped: their photos are not kept, so they cannot be described again. */
  seenDropped: number;
}

/**
 * Descriptors of two models cannot be compared, and scores are calibrated for one model. When a
 * data dir was written by another descriptor model (DESCRIPTOR_MODEL changed), enrolled faces
 * are described again from the source photos enrolment kept (same detection; the stored box
 * picks the face), and seen faces, whose photos are not kept, are dropped (scan them again to
 * search them). Runs before the matcher loads; returns null when nothing was from another model.
 *
 * Order, so that a crash at any step is finished by the next start and leaves no descriptor of a
 * deleted face behind: rows nothing names are zeroed first (a crash after the append below), the
 * new rows are appended, the document then names them with the new model, and only then are
 * the old rows zeroed. Seen faces' rows are zeroed before the list drops them.
 */
export async function reembedStoredFaces(
  deps: Pick<AnalyseDeps, 'engine' | 'store' | 'limits'>,
  log: (line: string) => void = (line) => console.error(`[vigil] ${line}`),
): Promise<ReembedReport | null> {
  const { store } = deps;
  const from = { watchlist: store.watchlist.data.model, seen: store.faces.model };
  if (from.watchlist === DESCRIPTOR_MODEL && from.seen === DESCRIPTOR_MODEL) return null;
  const report: ReembedReport = { from, to: DESCRIPTOR_MODEL, enrolled: 0, lost: [], seenDropped: 0 };

  if (from.watchlist !== DESCRIPTOR_MODEL) {
    const faces = store.watchlist.data.subjects.flatMap((s) => s.faces.map((face) => ({ s, face })));
    log(`describing ${faces.length} enrolled faces again (${from.watchlist} → ${DESCRIPTOR_MODEL})`);
    const named = new Set(faces.map(({ face }) => face.row));
    const stray = Array.from({ length: store.watchlistVectors.rows }, (_, row) => row).filter(
      (row) => !named.has(row),
    );
    await store.watchlistVectors.erase(...stray);

    const fresh = new Map<StoredFace, Float32Array>();
    const bySource = new Map<string, typeof faces>();
    for (const entry of faces) {
      const group = bySource.get(entry.face.sourceKey);
      if (group) group.push(entry);
      else bySource.set(entry.face.sourceKey, [entry]);
    }
    for (const [sourceKey, group] of bySource) {
      let found: Awaited<ReturnType<typeof detectFaces>>['faces'] = [];
      let reason = 'the face is not found again in its source photo';
      try {
        ({ faces: found } = await detectFaces(deps, { path: store.media.pathOf(sourceKey) }));
      } catch (err) {
        // Only a problem with the photo itself loses its faces; anything else (the engine
        // unavailable) stops here, and the next start tries again with nothing changed.
        if (!(err instanceof VigilError && PHOTO_ERRORS.has(err.code))) throw err;
        reason = `its source photo cannot be read (${err.message})`;
      }
      for (const { s, face } of group) {
        const best = found
          .filter((f) => f.matchDescriptor.length === store.watchlistVectors.dim)
          .map((f) => ({ f, overlap: iou(f.box, face.box) }))
          .sort((a, b) => b.overlap - a.overlap)[0];
        if (best && best.overlap >= SAME_FACE_IOU) fresh.set(face, best.f.matchDescriptor);
        else report.lost.push({ subject: s.name, file: face.sourceFile, reason });
      }
    }

    const kept = [...fresh.keys()];
    const first = kept.length ? await store.watchlistVectors.append(kept.map((f) => fresh.get(f)!)) : 0;
    const rowOf = new Map(kept.map((f, i) => [f, first + i]));
    const oldRows = faces.map(({ face }) => face.row);
    await store.watchlist.update((doc) => {
      doc.model = DESCRIPTOR_MODEL;
      for (const s of doc.subjects) {
        s.faces = s.faces.filter((f) => rowOf.has(f));
        for (const f of s.faces) f.row = rowOf.get(f)!;
      }
    });
    await store.watchlistVectors.erase(...oldRows);
    report.enrolled = kept.length;
    for (const l of report.lost) log(`removed an enrolled face of ${l.subject} (${l.file}): ${l.reason}`);
  }

  if (from.seen !== DESCRIPTOR_MODEL) {
    const seen = [...store.faces.values()];
    await eraseSeenFaces(store, seen, () => undefined);
    await store.faces.restart(DESCRIPTOR_MODEL);
    report.seenDropped = seen.length;
    if (seen.length)
      log(`dropped ${seen.length} seen faces of ${from.seen}; scan their photos again to search them`);
  }
  return report;
}
