import { describe, expect, it } from 'vitest';
import type { ClassifyResult } from '../../../shared/classify-schemas';
import { COCO_LABELS } from '../../../shared/coco-labels';
import { COCO_LABELS_PT_BR } from '../i18n/coco-pt-BR';
import { localizeResult, localizeStoredResult } from './class-names';

const result = (modelKind: 'builtin' | 'user', top: [number, string][]): ClassifyResult => ({
  historyId: 'h',
  file: 'a.jpg',
  fileName: 'a.jpg',
  extension: 'jpg',
  date: '2026-11-23T00:00:00.000Z',
  backend: 'wasm',
  model: modelKind === 'builtin' ? 'centernet' : 'pets',
  modelKind,
  objectModel: 'centernet',
  top: top.map(([classId, label]) => ({ classId, label, score: 0.9 })),
  objects: [
    { classId: 1, label: 'person', score: 0.8, box: [0, 0, 10, 10] },
    { classId: 28, label: 'tie', score: 0.7, box: [2, 2, 3, 3] },
  ],
  faces: [],
  width: 10,
  height: 10,
  format: 'jpeg',
  sha256: '0'.repeat(64),
  thumbnailUrl: '',
  previewUrl: '',
  previewWidth: 10,
  previewHeight: 10,
  timings: { decodeMs: 0, objectsMs: 0, facesMs: 0, modelMs: 0, totalMs: 0 },
  success: true,
});

describe('localizeResult', () => {
  it('has one Portuguese name per COCO class', () => {
    expect(COCO_LABELS_PT_BR).toHaveLength(COCO_LABELS.length);
    expect(new Set(COCO_LABELS_PT_BR).size).toBe(COCO_LABELS_PT_BR.length);
  });

  it('shows a built-in model’s classes in pt-BR and leaves English as it is', () => {
    const r = result('builtin', [[1, 'person']]);
    const pt = localizeResult(r, 'pt-BR');
    expect(pt.objects.map((o) => o.label)).toEqual(['pessoa', 'gravata']);
    expect(pt.top.map((l) => l.label)).toEqual(['pessoa']);
    expect(r.objects[0]!.label).toBe('person'); // the result itself is not changed
    expect(localizeResult(r, 'en')).toBe(r);
    expect(localizeResult(pt, 'pt-BR').objects.map((o) => o.label)).toEqual(['pessoa', 'gravata']);
  });

  it('keeps a user model’s own labels, even ones that are COCO names', () => {
    const pt = localizeResult(
      result('user', [
        [0, 'cat'],
        [1, 'dog'],
      ]),
      'pt-BR',
    );
    expect(pt.top.map((l) => l.label)).toEqual(['cat', 'dog']);
    expect(pt.objects.map((o) => o.label)).toEqual(['pessoa', 'gravata']);
  });
});

describe('localizeStoredResult', () => {
  it('names a stored result’s built-in classes in pt-BR, as History shows it, and leaves the rest', () => {
    const stored = { model: 'centernet', modelKind: 'builtin', top: [{ classId: 42, label: 'cup' }] };
    const pt = localizeStoredResult(
      { ...stored, objects: [{ classId: 1, label: 'person' }, { label: 'no id' }] },
      'pt-BR',
    );
    expect(pt.top).toEqual([{ classId: 42, label: 'xícara' }]);
    expect(pt.objects).toEqual([{ classId: 1, label: 'pessoa' }, { label: 'no id' }]);
    // A user model's top labels stay its own; an older record without objects gets none.
    const user = localizeStoredResult({ modelKind: 'user', top: [{ classId: 1, label: 'person' }] }, 'pt-BR');
    expect(user).toEqual({ modelKind: 'user', top: [{ classId: 1, label: 'person' }] });
    expect(localizeStoredResult(stored, 'en')).toBe(stored);
  });
});
