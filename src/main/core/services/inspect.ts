import type { ImageSource, InspectResult } from '../../../shared/schemas';
import { runJob, type NotePhoto } from '../store/history-log';
import { analysePhoto, type AnalyseDeps } from './analyse';

export async function inspectImage(deps: AnalyseDeps, source: ImageSource): Promise<InspectResult> {
  const file = 'path' in source ? source.path : source.name;
  return runJob(deps.store.history, 'inspect', [{ file, sha256: null }], async (_id, notePhoto) => {
    const value = await inspectPhoto(deps, source, notePhoto);
    const n = value.faces.length;
    return {
      value,
      summary: `${n} face${n === 1 ? '' : 's'}`,
      message: { key: 'inspect', values: { count: n } },
      result: { ...value, faces: value.faces.length },
    };
  });
}

async function inspectPhoto(
  deps: AnalyseDeps,
  source: ImageSource,
  notePhoto: NotePhoto,
): Promise<InspectResult> {
  const p = await analysePhoto(deps, source, notePhoto);
  return {
    file: p.img.file,
    width: p.img.width,
    height: p.img.height,
    format: p.img.format,
    sha256: p.img.sha256,
    faces: p.faces.map((f) => ({
      box: f.box,
      score: f.score,
      landmarks: f.landmarks,
      descriptorId: f.seenId,
      descriptorLength: f.descriptor.length,
    })),
    previewUrl: p.preview.url,
    previewWidth: p.preview.width,
    previewHeight: p.preview.height,
    thumbnailUrl: p.thumbnail.url,
    timings: p.timings,
  };
}
