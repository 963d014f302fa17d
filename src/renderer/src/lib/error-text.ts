import type { TFunction } from 'i18next';
import { NOT_AN_IMAGE_KINDS, type ErrorShape } from '../../../shared/errors';
import { formatNumber } from '../format';
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
    default:
      return error.message;
  }
}
