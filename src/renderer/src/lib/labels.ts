import type { TFunction } from 'i18next';
import type { BlurFormat } from '../../../shared/blur-schemas';
import type { Verdict } from '../../../shared/match-schemas';
import type { ImportReport, RefusedFace, UndescribedFace } from '../../../shared/watchlist-schemas';
import type { BoxTone } from '../pages/scan/PhotoView';

/** Mantine colours, one meaning each across the app: red = match, orange = possible. */
export const VERDICT_COLOR: Record<Verdict, string> = {
  match: 'red',
  possible: 'orange',
  no_match: 'gray',
};

export const VERDICT_TONE: Record<Verdict, BoxTone> = {
  match: 'match',
  possible: 'possible',
  no_match: 'none',
};

/** Matches first, then possible ones, then the rest. */
export const VERDICT_RANK: Record<Verdict, number> = { match: 0, possible: 1, no_match: 2 };

/** What the Scan page's matches filter keeps: a possible match is for a person to look at too. */
export const worthReview = (verdict: Verdict) => verdict !== 'no_match';

/** Export formats as the Blur page and Settings name them. */
export const FORMAT_LABEL: Record<BlurFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

export type SubjectStatus = 'wanted' | 'caught' | 'closed';
export const SUBJECT_STATUSES: readonly SubjectStatus[] = ['wanted', 'caught', 'closed'];

export const STATUS_COLOR: Record<SubjectStatus, string> = {
  wanted: 'red',
  caught: 'teal',
  closed: 'gray',
};

/** Why a face could not be described again, in the UI's language (older reports: the core's English). */
export function undescribedReason(t: TFunction, face: UndescribedFace): string {
  return face.code ? t(`watchlist.undescribed.${face.code}`) : face.reason;
}

/** Why an import left a face out, in the UI's language. */
export function refusedReason(t: TFunction, face: RefusedFace): string {
  return face.code === 'DUPLICATE'
    ? t('watchlist.import.refusedReason.DUPLICATE', { name: face.enrolledAs.name })
    : t(`watchlist.import.refusedReason.${face.code}`);
}

/** Why an import changed nothing of a subject, in the UI's language (older reports: the core's English). */
export function skippedReason(t: TFunction, subject: ImportReport['skipped'][number]): string {
  return subject.code ? t(`watchlist.import.skippedReason.${subject.code}`) : subject.reason;
}
