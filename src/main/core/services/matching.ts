import type { SummaryMessage } from '../../../shared/history-schemas';
import { basename } from 'node:path';
import type { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import {
  faceSizeOf,
  RELIABLE_FACE_PX,
  type compareResultSchema,
  type FaceCaveat,
  type IdentifyResult,
  type searchInputSchema,
  type searchResultSchema,
  type verifyResultSchema,
} from '../../../shared/match-schemas';
import type { ImageSource } from '../../../shared/schemas';
import { scoreOf, similarity as cosineOf } from '../match/calibration';
import { runJob } from '../store/history-log';
import { analysePhoto, seenCropKey, type AnalysedPhoto } from './analyse';
import type { WatchlistDeps } from './watchlist';
import { findSubject } from './watchlist';

const fileOf = (s: ImageSource) => ('path' in s ? s.path : s.name);

function subjectInfo(deps: WatchlistDeps, subjectId: string) {
  const s = deps.store.watchlist.data.subjects.find((x) => x.id === subjectId);
  return {
    name: s?.name ?? '(deleted)',
    status: s?.status ?? 'closed',
    thumbnailUrl: s?.faces[0] ? deps.mediaUrl(s.faces[0].cropKey) : null,
  };
}

const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d;

/** The photo's size and stored preview, as identify, verify and compare return them. */
const photoView = (p: AnalysedPhoto) => ({
  width: p.img.width,
  height: p.img.height,
  previewUrl: p.preview.url,
  previewWidth: p.preview.width,
  previewHeight: p.preview.height,
});

/** What stands in the way of trusting a face's verdict (the sizes enrolment refuses). */
function caveatOf(f: { box: readonly number[]; matchDescriptor: Float32Array }): FaceCaveat {
  if (!f.matchDescriptor.length) return 'no_descriptor';
  return faceSizeOf(f.box) < RELIABLE_FACE_PX ? 'too_small' : null;
}

/** Every face in a photo against the whole watchlist. */
export async function identify(deps: WatchlistDeps, source: ImageSource, limit = 5): Promise<IdentifyResult> {
  return runJob(
    deps.store.history,
    'identify',
    [{ file: fileOf(source), sha256: null }],
    async (historyId, notePhoto) => {
      const photo = await analysePhoto(deps, source, notePhoto);
      const faces = photo.faces.map((f) => {
        // A face without landmarks has no match descriptor: it is shown, never matched.
        const found = f.matchDescriptor.length ? deps.matcher.candidates(f.matchDescriptor, limit) : [];
        const candidates = found.map((c) => ({
          subjectId: c.subjectId,
          ...subjectInfo(deps, c.subjectId),
          score: round(c.score),
          similarity: round(c.similarity),
        }));
        return {
          box: f.box,
          detectorScore: f.score,
          candidates,
          caveat: caveatOf(f),
          ...deps.matcher.verdict(candidates[0]?.score ?? 0),
        };
      });
      const value: IdentifyResult = {
        historyId,
        file: photo.img.file,
        ...photoView(photo),
        faces,
        // Subjects a face can match: one with no enrolled face yet is not searched.
        watchlistSize: deps.store.watchlist.data.subjects.filter((s) => s.faces.length > 0).length,
      };
      const namesOf = (verdict: 'match' | 'possible') => {
        const of = faces.filter((f) => f.verdict === verdict);
        return [of.length, of.map((f) => f.candidates[0]!.name).join(', ')] as const;
      };
      const [matches, names] = namesOf('match');
      // Possible matches are named too: a history that said only "no match" hid them.
      const [possible, possibleNames] = namesOf('possible');
      const summary =
        `${faces.length} face${faces.length === 1 ? '' : 's'}, ${matches} match${matches === 1 ? '' : 'es'}` +
        (matches ? `: ${names}` : '') +
        (possible ? `; ${possible} possible: ${possibleNames}` : '');
      const possibleValues: Record<string, number | string> = possible ? { possible, possibleNames } : {};
      const message: SummaryMessage = matches
        ? { key: 'identifyMatches', values: { count: faces.length, matches, names, ...possibleValues } }
        : { key: 'identify', values: { count: faces.length, ...possibleValues } };
      return { value, summary, message, result: value };
    },
  );
}

/** The subject to verify against: NOT_FOUND when gone, BAD_INPUT when it has no face to compare. */
function verifiable(deps: WatchlistDeps, subjectId: string) {
  const subject = findSubject(deps, subjectId);
  if (subject.faces.length === 0) {
    throw new VigilError('BAD_INPUT', `${subject.name} has no enrolled face yet: enrol a photo first`, {
      subjectId,
    });
  }
  return subject;
}

/** "Is subject X in this photo": the best-scoring face of the photo against X. */
export async function verify(
  deps: WatchlistDeps,
  subjectId: string,
  source: ImageSource,
): Promise<z.infer<typeof verifyResultSchema>> {
  return runJob(
    deps.store.history,
    'verify',
    [{ file: fileOf(source), sha256: null }],
    async (historyId, notePhoto) => {
      // Checked inside the job, so a refused run is in the history as an ERROR like any other.
      verifiable(deps, subjectId);
      const photo = await analysePhoto(deps, source, notePhoto);
      // Again: the subject may have been deleted, or lost its faces, while the photo was analysed,
      // and a verdict against nobody reads as "not in this photo". No await from here on.
      const subject = verifiable(deps, subjectId);
      const noFaceLeft = () => new VigilError('BAD_INPUT', `${subject.name} has no enrolled face left`);
      let best: {
        box: [number, number, number, number];
        similarity: number;
        score: number;
        caveat: FaceCaveat;
      } | null = null;
      for (const f of photo.faces) {
        if (!f.matchDescriptor.length) continue;
        const s = deps.matcher.scoreSubject(f.matchDescriptor, subjectId);
        // Its faces are on the way out of the matcher (a removal in progress).
        if (!s) throw noFaceLeft();
        if (!best || s.score > best.score) best = { box: f.box, caveat: caveatOf(f), ...s };
      }
      const score = round(best?.score ?? 0);
      const value = {
        historyId,
        file: photo.img.file,
        ...photoView(photo),
        subjectId,
        name: subject.name,
        box: best?.box ?? null,
        score,
        similarity: best ? round(best.similarity) : null,
        facesInPhoto: photo.faces.length,
        // Faces found but none with landmarks: not "no face", and not a judged no_match either.
        caveat: best ? best.caveat : photo.faces.length ? ('no_descriptor' as const) : null,
        ...deps.matcher.verdict(score),
      };
      const summary = best
        ? `${subject.name}: ${value.verdict} (score ${score})`
        : photo.faces.length
          ? `${subject.name}: no face in the photo could be matched`
          : `${subject.name}: no face in the photo`;
      const message: SummaryMessage = best
        ? { key: 'verify', values: { name: subject.name, verdict: value.verdict, score } }
        : { key: photo.faces.length ? 'verifyUnmatched' : 'verifyNoFace', values: { name: subject.name } };
      return { value, summary, message, result: value };
    },
  );
}

/** An error about one photo of a compare names its side too: two photos may share a file name. */
const onSide =
  (side: 'a' | 'b') =>
  (err: unknown): never => {
    if (err instanceof VigilError) throw new VigilError(err.code, err.message, { ...err.details, side });
    throw err;
  };

/** A compared photo's largest face; its errors name the photo and its side. */
function largestFace(p: AnalysedPhoto, side: 'a' | 'b') {
  const f = p.faces[0];
  const details = { file: p.img.file, side };
  if (!f) throw new VigilError('NO_FACE', `No face found in ${basename(p.img.file)}`, details);
  if (!f.matchDescriptor.length) {
    throw new VigilError(
      'LOW_QUALITY',
      `The face in ${basename(p.img.file)} cannot be described reliably`,
      details,
    );
  }
  return f;
}

/** 1:1 — the largest face of each photo. */
export async function compare(
  deps: WatchlistDeps,
  a: ImageSource,
  b: ImageSource,
): Promise<z.infer<typeof compareResultSchema>> {
  const inputs = [a, b].map((s) => ({ file: fileOf(s), sha256: null }));
  return runJob(deps.store.history, 'compare', inputs, async (historyId, notePhoto) => {
    const pa = await analysePhoto(deps, a, notePhoto).catch(onSide('a'));
    const pb = await analysePhoto(deps, b, notePhoto).catch(onSide('b'));
    const fa = largestFace(pa, 'a');
    const fb = largestFace(pb, 'b');
    const similarity = cosineOf(fa.matchDescriptor, fb.matchDescriptor);
    const score = round(scoreOf(similarity));
    const value = {
      historyId,
      a: { file: pa.img.file, box: fa.box, facesInPhoto: pa.faces.length, ...photoView(pa) },
      b: { file: pb.img.file, box: fb.box, facesInPhoto: pb.faces.length, ...photoView(pb) },
      score,
      similarity: round(similarity),
      caveat: caveatOf(fa) ?? caveatOf(fb),
      ...deps.matcher.verdict(score),
    };
    return {
      value,
      summary: `${value.verdict} (score ${score})`,
      message: { key: 'compare', values: { verdict: value.verdict, score } },
      result: value,
    };
  });
}

/** Top-K most similar faces to a query face, over the watchlist, faces seen before, or both. */
export async function search(
  deps: WatchlistDeps,
  input: z.output<typeof searchInputSchema>,
): Promise<z.infer<typeof searchResultSchema>> {
  const q = input.query;
  const inputs =
    'source' in q
      ? [{ file: fileOf(q.source), sha256: null }]
      : [{ file: `face ${q.descriptorId}`, sha256: null }];
  return runJob(deps.store.history, 'search', inputs, async (historyId, notePhoto) => {
    let descriptor: Float32Array;
    let queryBox: [number, number, number, number] | null = null;
    let excludeId: string | null = null;
    if ('source' in q) {
      const photo = await analysePhoto(deps, q.source, notePhoto);
      const face = photo.faces[q.faceIndex ?? 0];
      if (!face) {
        throw new VigilError(
          photo.faces.length ? 'BAD_INPUT' : 'NO_FACE',
          photo.faces.length
            ? `The photo has no face number ${q.faceIndex}`
            : 'No face found in the query photo',
        );
      }
      if (!face.matchDescriptor.length)
        throw new VigilError('LOW_QUALITY', 'The query face cannot be described reliably');
      descriptor = face.matchDescriptor;
      queryBox = face.box;
      excludeId = face.seenId;
    } else {
      const seen = deps.store.faces.get(q.descriptorId);
      if (!seen) throw new VigilError('NOT_FOUND', `No face ${q.descriptorId}`);
      descriptor = await deps.store.vectors.read(seen.row);
      queryBox = seen.box;
      excludeId = seen.id;
    }
    // The query face itself is among the seen faces: leave it out of its own results.
    const found = await deps.matcher.search(descriptor, {
      k: input.k + 1,
      metric: input.metric,
      source: input.source,
      ...(input.exact === undefined ? {} : { exact: input.exact }),
    });
    const hits = found.hits.filter((h) => h.id !== excludeId).slice(0, input.k);
    const results = [];
    for (const [i, h] of hits.entries()) {
      if (h.kind === 'watchlist') {
        const subject = deps.store.watchlist.data.subjects.find((s) => s.id === h.subjectId);
        const face = subject?.faces.find((f) => f.id === h.id);
        results.push({
          rank: i + 1,
          kind: h.kind,
          faceId: h.id,
          subjectId: subject?.id ?? null,
          name: subject?.name ?? null,
          file: face?.sourceFile ?? '',
          box: face?.box ?? ([0, 0, 0, 0] as [number, number, number, number]),
          score: round(h.score),
          similarity: round(h.similarity),
          distance: round(h.distance, 3),
          thumbnailUrl: face ? deps.mediaUrl(face.cropKey) : null,
        });
        continue;
      }
      const seen = deps.store.faces.get(h.id);
      // Faces seen before crops were kept fall back to the photo's thumbnail.
      const crop = seen && (await deps.store.media.has(seenCropKey(seen.id))) ? seenCropKey(seen.id) : null;
      results.push({
        rank: i + 1,
        kind: h.kind,
        faceId: h.id,
        subjectId: null,
        name: null,
        file: seen?.file ?? '',
        box: seen?.box ?? ([0, 0, 0, 0] as [number, number, number, number]),
        score: round(h.score),
        similarity: round(h.similarity),
        distance: round(h.distance, 3),
        thumbnailUrl: seen ? deps.mediaUrl(crop ?? `thumbs/${seen.photoSha256}.jpg`) : null,
      });
    }
    const value = {
      historyId,
      queryBox,
      metric: input.metric,
      source: input.source,
      exact: found.exact,
      results,
    };
    return {
      value,
      summary: `${results.length} similar face${results.length === 1 ? '' : 's'} (${input.metric}, ${input.source}${found.exact ? '' : ', approximate'})`,
      message: {
        key: found.exact ? 'search' : 'searchApproximate',
        values: { count: results.length, metric: input.metric, source: input.source },
      },
      result: value,
    };
  });
}
