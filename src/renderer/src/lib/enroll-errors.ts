import type { TFunction } from 'i18next';
import type { ErrorShape } from '../../../shared/errors';
import type { Box } from '../../../shared/schemas';
import { formatNumber, formatScore, scoreDigits } from '../format';
import { errorText } from './error-text';

/** A face the user can pick when the photo holds several (MULTIPLE_FACES details). */
export interface FaceChoice {
  index: number;
  box: Box;
  score: number;
  /** The subject this face of this photo is already enrolled on. */
  enrolledAs: { subjectId: string; name: string } | null;
}

function enrolledAsOf(value: unknown): FaceChoice['enrolledAs'] {
  if (typeof value !== 'object' || value === null) return null;
  const { subjectId, name } = value as Record<string, unknown>;
  return typeof subjectId === 'string' && typeof name === 'string' ? { subjectId, name } : null;
}

function isBox(value: unknown): value is Box {
  return Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'number');
}

/** The faces listed by a MULTIPLE_FACES error, read defensively (details are untyped). */
export function faceChoicesOf(error: ErrorShape | undefined): FaceChoice[] {
  if (error?.code !== 'MULTIPLE_FACES') return [];
  const faces = error.details?.faces;
  if (!Array.isArray(faces)) return [];
  const out: FaceChoice[] = [];
  for (const f of faces as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const { index, box, score, enrolledAs } = f as Record<string, unknown>;
    if (typeof index === 'number' && isBox(box)) {
      out.push({
        index,
        box,
        score: typeof score === 'number' ? score : 0,
        enrolledAs: enrolledAsOf(enrolledAs),
      });
    }
  }
  return out;
}

type Translate = TFunction;

function num(details: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = details?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** A localised explanation of an enrolment error, using the measured values the core sends. */
export function enrollErrorText(error: ErrorShape, lang: string, t: Translate, subjectId?: string): string {
  const d = error.details;
  switch (error.code) {
    case 'NO_FACE':
      return t('enroll.hints.NO_FACE');
    case 'MULTIPLE_FACES':
      return t('enroll.hints.MULTIPLE_FACES');
    case 'FACE_TOO_SMALL': {
      const measured = num(d, 'measured');
      const minimum = num(d, 'minimum');
      return measured !== undefined && minimum !== undefined
        ? t('enroll.hints.FACE_TOO_SMALL', { measured, minimum })
        : error.message;
    }
    case 'LOW_QUALITY': {
      const sharpness = num(d, 'sharpness');
      const minSharpness = num(d, 'minSharpness');
      const score = num(d, 'detectorScore');
      const minScore = num(d, 'minDetectorScore');
      if (score !== undefined && minScore !== undefined && score < minScore) {
        return t('enroll.hints.LOW_QUALITY_SCORE', {
          score: formatScore(lang, score),
          minimum: formatScore(lang, minScore),
        });
      }
      if (sharpness !== undefined && minSharpness !== undefined) {
        return t('enroll.hints.LOW_QUALITY_SHARPNESS', {
          sharpness: formatNumber(lang, sharpness),
          minimum: formatNumber(lang, minSharpness),
        });
      }
      return error.message;
    }
    case 'DUPLICATE': {
      const owner = d?.subjectId;
      return typeof owner === 'string' && owner !== subjectId
        ? t('enroll.hints.DUPLICATE_OTHER')
        : t('enroll.hints.DUPLICATE');
    }
    case 'FACE_MISMATCH': {
      const subject = typeof d?.subject === 'string' ? d.subject : '';
      const other = d?.other as { name?: unknown; score?: unknown } | undefined;
      const score = num(d, 'score');
      const possible = num(d, 'possible');
      if (other && typeof other.name === 'string' && typeof other.score === 'number')
        return t('enroll.hints.FACE_MISMATCH_OTHER', {
          subject,
          other: other.name,
          score: formatScore(lang, other.score),
        });
      return score !== undefined && possible !== undefined
        ? t('enroll.hints.FACE_MISMATCH_UNLIKE', {
            subject,
            score: formatScore(lang, score, scoreDigits(score, [possible])),
            possible: formatScore(lang, possible, scoreDigits(score, [possible])),
          })
        : error.message;
    }
    default:
      return errorText(error, t, lang);
  }
}
