import type { SummaryMessage } from '../../../shared/history-schemas';
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import {
  DEFAULT_BUILTIN_MODEL,
  type ClassifyResult,
  type classifyInputSchema,
  type LabelScore,
} from '../../../shared/classify-schemas';
import { cocoLabel } from '../../../shared/coco-labels';
import { VigilError } from '../../../shared/errors';
import type { ClassifyRequest, RawClassification } from '../engine/classify-protocol';
import type { Engine } from '../engine/engine';
import { decodeImage, type DecodeLimits } from '../imaging/decode';
import { runJob, type NotePhoto } from '../store/history-log';
import { keepPreview, previewJpeg } from './analyse';
import type { Store } from '../store/store';
import type { ModelRegistry, ResolvedModel } from './models';

export interface ClassifyDeps {
  engine: Engine;
  store: Store;
  limits: DecodeLimits;
  mediaUrl: (key: string) => string;
  models: ModelRegistry;
}

export type ClassifyInput = z.output<typeof classifyInputSchema>;

/** Most objects reported per photo. */
const MAX_OBJECTS = 50;

const scaleBox = (b: readonly number[], s: number): [number, number, number, number] => [
  Math.round(b[0]! * s),
  Math.round(b[1]! * s),
  Math.round(b[2]! * s),
  Math.round(b[3]! * s),
];

/**
 * Classifies one photo as one job in the history (kind `classify`): COCO objects with boxes,
 * age, gender and emotion per face, and top labels from the chosen model (a built-in detector's
 * object classes, or a user model's scores). A bad file is a coded error and an ERROR record.
 */
export async function classifyPhoto(deps: ClassifyDeps, input: ClassifyInput): Promise<ClassifyResult> {
  const file = 'path' in input.source ? input.source.path : input.source.name;
  // An unknown model is a mistake in the request, not a job on the photo: refused (NOT_FOUND)
  // before a record is written, as a batch stops at it rather than failing every photo.
  const model = await deps.models.resolve(input.model);
  return runJob(deps.store.history, 'classify', [{ file, sha256: null }], async (historyId, notePhoto) => {
    try {
      const value = await classifyOnce(deps, input, model, historyId, notePhoto);
      return { value, summary: summaryOf(value), message: messageOf(value), result: value };
    } catch (err) {
      // The failed job's id travels with the error: a batch exports and takes feedback on it too.
      if (err instanceof VigilError)
        throw new VigilError(err.code, err.message, { ...err.details, historyId });
      throw err;
    }
  });
}

async function classifyOnce(
  deps: ClassifyDeps,
  input: ClassifyInput,
  model: ResolvedModel,
  historyId: string,
  notePhoto: NotePhoto,
): Promise<ClassifyResult> {
  const t0 = performance.now();
  const img = await decodeImage(input.source, deps.limits);
  const decodeMs = performance.now() - t0;
  await notePhoto(img.sha256, img.file);
  const objectModel = input.objects ? (model.kind === 'builtin' ? model.name : DEFAULT_BUILTIN_MODEL) : null;
  const request: ClassifyRequest = {
    objects: objectModel ? { model: objectModel, minScore: input.minScore, maxResults: MAX_OBJECTS } : null,
    faces: input.faces,
    custom: model.kind === 'user' ? model.spec : null,
  };
  const raw: RawClassification = await deps.engine.classify(img.rgb, request);

  const objects = raw.objects.map((o) => ({
    classId: o.classId,
    label: cocoLabel(o.classId),
    score: o.score,
    box: scaleBox(o.box, img.scale),
  }));
  let top: LabelScore[];
  if (model.kind === 'user') {
    top = probabilities(raw.scores ?? [])
      .map((score, i) => ({ classId: i, label: model.labels[i] ?? `class ${i}`, score: round(score, 4) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, input.top);
  } else {
    // A detector's labels: each class once, at its best object's score.
    const best = new Map<number, LabelScore>();
    for (const o of objects) {
      const seen = best.get(o.classId);
      if (!seen || seen.score < o.score)
        best.set(o.classId, { classId: o.classId, label: o.label, score: o.score });
    }
    top = [...best.values()].sort((a, b) => b.score - a.score).slice(0, input.top);
  }
  const faces = raw.faces
    .map((f) => ({
      box: scaleBox(f.box, img.scale),
      score: f.score,
      age: f.age,
      gender: f.gender,
      genderScore: f.genderScore,
      emotion: f.emotions[0]?.emotion ?? null,
      emotionScore: f.emotions[0]?.score ?? 0,
      emotions: f.emotions,
    }))
    .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);

  const jpeg = await previewJpeg(img);
  const { thumbKey, ...preview } = await deps.store.exclusive(() => keepPreview(deps, img, jpeg));

  return {
    historyId,
    file: img.file,
    fileName: basename(img.file),
    extension: extname(img.file).slice(1).toLowerCase(),
    date: new Date().toISOString(),
    backend: deps.engine.info().backend ?? 'unknown',
    model: model.name,
    modelKind: model.kind,
    objectModel,
    top,
    objects,
    faces,
    width: img.width,
    height: img.height,
    format: img.format,
    sha256: img.sha256,
    thumbnailUrl: deps.mediaUrl(thumbKey),
    previewUrl: preview.url,
    previewWidth: preview.width,
    previewHeight: preview.height,
    timings: {
      decodeMs: Math.round(decodeMs),
      objectsMs: Math.round(raw.timings.objectsMs),
      facesMs: Math.round(raw.timings.facesMs),
      modelMs: Math.round(raw.timings.customMs),
      totalMs: Math.round(performance.now() - t0),
    },
    success: true,
  };
}

/**
 * Scores as probabilities: outputs already in 0…1 (softmax or sigmoid heads, as Teachable
 * Machine's) stay as they are; anything else (logits) goes through a softmax.
 */
export function probabilities(values: readonly number[]): number[] {
  if (values.every((v) => v >= 0 && v <= 1)) return [...values];
  const max = Math.max(...values);
  const exp = values.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

function summaryOf(r: ClassifyResult): string {
  const parts: string[] = [];
  const first = r.top[0];
  parts.push(first ? `${first.label} ${first.score.toFixed(2)}` : 'no label');
  if (r.objectModel) parts.push(`${r.objects.length} object${r.objects.length === 1 ? '' : 's'}`);
  parts.push(`${r.faces.length} face${r.faces.length === 1 ? '' : 's'}`);
  return `${parts.join(' · ')} (${r.model})`;
}

function messageOf(r: ClassifyResult): SummaryMessage {
  const first = r.top[0];
  return {
    key: 'classify',
    values: {
      label: first?.label ?? '',
      classId: first?.classId ?? -1,
      builtin: r.modelKind === 'builtin' ? 1 : 0,
      score: first?.score ?? 0,
      objects: r.objectModel ? r.objects.length : -1,
      count: r.faces.length,
      model: r.model,
    },
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
