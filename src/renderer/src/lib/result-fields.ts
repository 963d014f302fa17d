import type { TFunction } from 'i18next';
import en from '../i18n/en';
import { formatBytes, formatDateTime, formatDuration, formatNumber, formatScore } from '../format';

/**
 * A job result's fields as a person reads them in History: translated labels instead of the
 * JSON keys (`facesInPhoto` → "Faces in photo"), and values written for people (dates, durations,
 * scores, boxes, translated verdicts) instead of raw JSON.
 */

type FieldKey = keyof typeof en.history.fields;

/** Links and ids the detail already shows elsewhere, or that mean nothing to a person. */
const HIDDEN = new Set([
  'historyId',
  'previewUrl',
  'thumbnailUrl',
  'previewWidth',
  'previewHeight',
  'cropKey',
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function shownEntries(value: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(value).filter(([key, v]) => !HIDDEN.has(key) && v !== undefined);
}

const isFieldKey = (key: string): key is FieldKey => Object.hasOwn(en.history.fields, key);

/** "watchlistSize" → "Watchlist size", for a field no translation knows yet. */
function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A field's label; `parent` is the list it is a row of (`objects`: a box there is an object's,
 * not a face's).
 */
export function fieldLabel(t: TFunction, key: string, parent?: string): string {
  if (key === 'box' && parent === 'objects') return t('history.fields.objectBox');
  return isFieldKey(key) ? t(`history.fields.${key}`) : humanize(key);
}

/** Where a field's enumerated values are translated already. */
const VALUE_LABELS: Record<string, string> = {
  verdict: 'identify.verdicts',
  threshold: 'history.values.threshold',
  metric: 'search.metrics',
  source: 'search.sources',
  kind: 'search.kinds',
  gender: 'classify.genders',
  emotion: 'classify.emotions',
  status: 'watchlist.status',
  origin: 'history.values.origin',
  modelKind: 'history.values.modelKind',
  backend: 'diagnostics.backends',
  caveat: 'history.values.caveat',
};

const SCORE_KEYS = new Set([
  'score',
  'similarity',
  'detectorScore',
  'genderScore',
  'emotionScore',
  'match',
  'possible',
]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const isBox = (value: unknown): value is [number, number, number, number] =>
  Array.isArray(value) && value.length === 4 && value.every((n) => typeof n === 'number');

/**
 * A value written for people, or null for a structure (an object, a list of objects) that is
 * shown as fields of its own.
 */
export function formatFieldValue(t: TFunction, lang: string, key: string, value: unknown): string | null {
  if (value === null || value === undefined) return t('common.none');
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) return formatDateTime(lang, value);
    const labels = VALUE_LABELS[key];
    const path = labels && `${labels}.${value}`;
    // Keys built from data: looked up untyped, and only used when a translation exists.
    return path && t(path as never, { defaultValue: '' }) ? t(path as never) : value;
  }
  if (typeof value === 'number') {
    if (/Ms$/.test(key)) return formatDuration(lang, value);
    if (SCORE_KEYS.has(key)) return formatScore(lang, value);
    if (key === 'bytes') return formatBytes(lang, value);
    if (key === 'width' || key === 'height')
      return t('history.values.pixels', { value: formatNumber(lang, value) });
    if (key === 'age') return formatNumber(lang, value, 0);
    return formatNumber(lang, value, key === 'distance' ? 3 : 2);
  }
  if (isBox(value) && /box$/i.test(key)) {
    const [x, y, w, h] = value.map((n) => formatNumber(lang, n));
    return t('history.values.box', { x, y, w, h });
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return t('common.none');
    if (value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)))
      return value.map((v) => formatFieldValue(t, lang, key, v)).join(', ');
    if (value.every((v) => Array.isArray(v))) return t('history.values.items', { count: value.length });
    return null;
  }
  return null;
}
