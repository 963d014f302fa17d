import type { ClassifyResult } from '../../../shared/classify-schemas';
import { COCO_LABELS } from '../../../shared/coco-labels';
import { COCO_LABELS_PT_BR } from '../i18n/coco-pt-BR';

/**
 * The built-in detectors' class names in the UI language. Results keep COCO's English names
 * (the API, CLI and exports do not change with the UI language); only what is shown does.
 * A plain table rather than i18next keys: 80 more keys push the typed resources past TS's depth.
 */
const COCO_BY_LANG: Record<string, readonly string[]> = { 'pt-BR': COCO_LABELS_PT_BR };

export function cocoName(classId: number, english: string, lang: string): string {
  const table = COCO_BY_LANG[lang];
  // Only a label that is the COCO class of its id: a result from another model keeps its own.
  return table && COCO_LABELS[classId - 1] === english ? (table[classId - 1] ?? english) : english;
}

/** A copy of the result with its built-in class names in `lang`; a user model's labels stay. */
export function localizeResult(r: ClassifyResult, lang: string): ClassifyResult {
  if (!COCO_BY_LANG[lang]) return r;
  return {
    ...r,
    objects: r.objects.map((o) => ({ ...o, label: cocoName(o.classId, o.label, lang) })),
    top:
      r.modelKind === 'builtin'
        ? r.top.map((l) => ({ ...l, label: cocoName(l.classId, l.label, lang) }))
        : r.top,
  };
}

const isRow = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * As localizeResult, for a classify result as History stored it (read without a schema: an older
 * record may lack fields): the built-in class names of its objects, and of its top labels when a
 * built-in model gave them, in `lang`.
 */
export function localizeStoredResult(result: Record<string, unknown>, lang: string): Record<string, unknown> {
  if (!COCO_BY_LANG[lang]) return result;
  const named = (list: unknown) =>
    Array.isArray(list)
      ? list.map((row) =>
          isRow(row) && typeof row.classId === 'number' && typeof row.label === 'string'
            ? { ...row, label: cocoName(row.classId, row.label, lang) }
            : row,
        )
      : list;
  return {
    ...result,
    ...('objects' in result ? { objects: named(result.objects) } : {}),
    ...(result.modelKind === 'builtin' && 'top' in result ? { top: named(result.top) } : {}),
  };
}
