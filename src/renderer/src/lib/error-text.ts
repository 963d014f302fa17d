import type { TFunction } from 'i18next';
import {
  MODEL_INVALID_KINDS,
  NOT_AN_IMAGE_KINDS,
  type ErrorShape,
  type ModelInvalidKind,
} from '../../../shared/errors';
import { formatBytes, formatNumber } from '../format';
import { baseName } from './files';

const text = (d: Record<string, unknown> | undefined, key: string) =>
  typeof d?.[key] === 'string' ? (d[key] as string) : undefined;

/** What the core says is wrong with a backup (details.problem), each worded in errors.backup. */
const BACKUP_PROBLEMS = [
  'empty',
  'truncated',
  'not-backup',
  'entry',
  'no-manifest',
  'bad-manifest',
  'newer',
  'files-differ',
  'checksum',
  'store',
] as const;

/** The errnos a failed write is worded for (as the core's whyNotWritable words them). */
const WRITE_REASONS: Record<
  string,
  'readOnly' | 'permission' | 'full' | 'notFolder' | 'noNewFiles' | 'nameTooLong'
> = {
  EROFS: 'readOnly',
  EACCES: 'permission',
  EPERM: 'permission',
  ENOSPC: 'full',
  EDQUOT: 'full',
  ENOTDIR: 'notFolder',
  ENOENT: 'noNewFiles',
  ENAMETOOLONG: 'nameTooLong',
};

/** Why a backup, restore or data-folder move was refused (details.reason), per code: its wording. */
const TARGET_KEYS = {
  TARGET_NOT_EMPTY: {
    exists: 'errors.messages.TARGET_NOT_EMPTY_exists',
    file: 'errors.messages.TARGET_NOT_EMPTY_file',
    'not-empty': 'errors.messages.TARGET_NOT_EMPTY_not-empty',
  },
  TARGET_INSIDE_DATA: { inside: 'errors.messages.TARGET_INSIDE_DATA_inside' },
  TARGET_NOT_WRITABLE: {
    write: 'errors.messages.TARGET_NOT_WRITABLE_write',
    config: 'errors.messages.TARGET_NOT_WRITABLE_config',
    unpack: 'errors.messages.TARGET_NOT_WRITABLE_unpack',
    'not-writable': 'errors.messages.TARGET_NOT_WRITABLE_not-writable',
    unusable: 'errors.messages.TARGET_NOT_WRITABLE_unusable',
    'no-room': 'errors.messages.TARGET_NOT_WRITABLE_no-room',
  },
} as const;
type TargetCode = keyof typeof TARGET_KEYS;
type TargetKey = { [C in TargetCode]: (typeof TARGET_KEYS)[C][keyof (typeof TARGET_KEYS)[C]] }[TargetCode];

/**
 * The MODEL_INVALID kinds the UI does not word: they quote tensor shapes or TensorFlow.js's own
 * words, which only the core's message carries.
 */
const MODEL_KINDS_UNWORDED = [
  'input-not-image',
  'input-channels',
  'input-size',
  'output-shape',
  'not-loadable',
] as const satisfies readonly ModelInvalidKind[];
type WordedModelKind = Exclude<ModelInvalidKind, (typeof MODEL_KINDS_UNWORDED)[number]>;
const isWordedModelKind = (k: ModelInvalidKind): k is WordedModelKind =>
  !(MODEL_KINDS_UNWORDED as readonly ModelInvalidKind[]).includes(k);

/** The MODEL_INVALID kinds that name a file of the folder (details.file). */
const MODEL_KINDS_WITH_FILE = new Set<ModelInvalidKind>([
  'link',
  'not-file',
  'weight-outside',
  'weight-missing',
  'empty-labels',
]);

/**
 * An error's message in the UI language, for the common codes whose details name what failed
 * (the core writes English messages, and scripts read them); any other error keeps the core's.
 */
export function errorText(error: ErrorShape, t: TFunction, lang: string): string {
  const d = error.details;
  const file = text(d, 'file');
  const dir = text(d, 'dir');
  const backup = text(d, 'backup');
  const problem = BACKUP_PROBLEMS.find((p) => p === text(d, 'problem'));
  if (backup && problem) {
    const path = text(d, 'path');
    const key = problem === 'store' && !path ? 'storeUnnamed' : problem;
    const version = typeof d?.version === 'number' ? formatNumber(lang, d.version) : '';
    return t(`errors.backup.${key}`, { backup, path, version });
  }
  switch (error.code) {
    case 'CORE_UNREACHABLE':
    case 'INTERRUPTED':
    case 'CANCELLED':
      return t(`errors.messages.${error.code}`);
    case 'NOT_AN_IMAGE': {
      // Why, where the core knows (an empty file, an HEIC photo, a BMP): each in the UI's words.
      const kind = NOT_AN_IMAGE_KINDS.find((k) => k === text(d, 'kind'));
      if (!file) return error.message;
      return t(kind ? `errors.messages.NOT_AN_IMAGE_${kind}` : 'errors.messages.NOT_AN_IMAGE', {
        file: baseName(file),
      });
    }
    case 'FILE_NOT_FOUND':
    case 'FILE_NOT_READABLE':
      // The whole path: it was typed (a backup, a model folder) or dropped from this machine.
      return file ? t(`errors.messages.${error.code}`, { file }) : error.message;
    case 'IMAGE_CORRUPT':
    case 'NO_FACE':
      return file ? t(`errors.messages.${error.code}`, { file: baseName(file) }) : error.message;
    case 'IMAGE_TOO_LARGE': {
      const limit = d?.limit;
      return file && typeof limit === 'number'
        ? t('errors.messages.IMAGE_TOO_LARGE', { file: baseName(file), limit: formatNumber(lang, limit) })
        : error.message;
    }
    case 'OUTPUT_DIR_INVALID': {
      const reason = text(d, 'reason');
      return dir && (reason === 'relative' || reason === 'file' || reason === 'name-too-long')
        ? t(`errors.messages.OUTPUT_DIR_INVALID_${reason}`, { dir })
        : error.message;
    }
    case 'NOT_FOUND': {
      // A subject gone since the photo was queued: the core names its id, the Scan page adds its name.
      if (!text(d, 'subjectId')) return error.message;
      const name = text(d, 'subjectName');
      return name
        ? t('errors.messages.NOT_FOUND_subject', { name })
        : t('errors.messages.NOT_FOUND_subjectUnnamed');
    }
    case 'OUTPUT_IN_DATA_DIR':
      return dir ? t('errors.messages.OUTPUT_IN_DATA_DIR', { dir }) : error.message;
    case 'OUTPUT_NOT_WRITABLE': {
      const reason = text(d, 'reason');
      const why = reason && WRITE_REASONS[reason];
      return dir && why
        ? t('errors.messages.OUTPUT_NOT_WRITABLE', {
            dir,
            why: t(`errors.writeReasons.${why}`, { at: text(d, 'at') ?? dir, path: text(d, 'path') ?? dir }),
            code: reason,
          })
        : error.message;
    }
    case 'BAD_INPUT': {
      // A relative path (a backup file, a new data folder, a file to read): relative to nothing the user chose.
      const path = file ?? dir;
      return text(d, 'reason') === 'relative' && path !== undefined
        ? t('errors.messages.BAD_INPUT_relative', { path })
        : error.message;
    }
    case 'TARGET_NOT_EMPTY':
    case 'TARGET_INSIDE_DATA':
    case 'TARGET_NOT_WRITABLE':
      return targetText(error.code, error, t, lang);
    case 'MODEL_INVALID': {
      const kind = MODEL_INVALID_KINDS.filter(isWordedModelKind).find((k) => k === text(d, 'kind'));
      const model = dir && baseName(dir);
      if (!kind || !model || (MODEL_KINDS_WITH_FILE.has(kind) && !file)) return error.message;
      const n = (key: string) => (typeof d?.[key] === 'number' ? (d[key] as number) : undefined);
      if (kind === 'label-count') {
        const labels = n('labels');
        const outputs = n('outputs');
        return file && labels !== undefined && outputs !== undefined
          ? t('errors.model.label-count', {
              model,
              file,
              count: labels,
              labels: formatNumber(lang, labels),
              outputs: formatNumber(lang, outputs),
            })
          : error.message;
      }
      if (kind === 'weight-size' || kind === 'too-large') {
        const bytes = n('bytes');
        const other = n(kind === 'weight-size' ? 'expected' : 'limit');
        return bytes !== undefined && other !== undefined
          ? t(`errors.model.${kind}`, {
              model,
              bytes: formatBytes(lang, bytes),
              other: formatBytes(lang, other),
            })
          : error.message;
      }
      return t(`errors.model.${kind}`, { model, file });
    }
    default:
      return error.message;
  }
}

/** A backup, restore or data-folder move refused for its target, from details.reason. */
function targetText(errorCode: TargetCode, error: ErrorShape, t: TFunction, lang: string): string {
  const d = error.details;
  const keys: Partial<Record<string, TargetKey>> = TARGET_KEYS[errorCode];
  const reason = text(d, 'reason');
  const key = reason !== undefined && Object.hasOwn(keys, reason) ? keys[reason] : undefined;
  if (!reason || !key) return error.message;
  const file = text(d, 'file');
  const dir = text(d, 'dir');
  const code = text(d, 'errno') ?? '';
  switch (reason) {
    case 'exists':
      return file ? t(key, { file }) : error.message;
    case 'write':
    case 'config':
      return file && code ? t(key, { file, code }) : error.message;
    case 'file':
    case 'not-empty':
      return dir ? t(key, { dir }) : error.message;
    case 'inside': {
      const dataDir = text(d, 'dataDir');
      const path = file ?? dir;
      return path && dataDir ? t(key, { path, dataDir }) : error.message;
    }
    case 'unpack':
      return file && dir && code ? t(key, { file, dir, code }) : error.message;
    case 'no-room': {
      const free = d?.free;
      const needed = d?.needed;
      return dir && typeof free === 'number' && typeof needed === 'number'
        ? t(key, { dir, free: formatBytes(lang, free), needed: formatBytes(lang, needed) })
        : error.message;
    }
    default: {
      // 'not-writable', 'unusable': why, in the UI's words, from the errno and the folder at fault.
      const why = WRITE_REASONS[code];
      return dir && why
        ? t(key, {
            dir,
            code,
            why: t(`errors.writeReasons.${why}`, { at: text(d, 'at') ?? dir, path: text(d, 'path') ?? dir }),
          })
        : error.message;
    }
  }
}
