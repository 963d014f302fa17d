import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { enrollErrorText, faceChoicesOf } from './enroll-errors';

/** Echoes the key and its options, so the tests see which message was chosen with which values. */
const t = ((key: string, options?: Record<string, unknown>) =>
  options ? `${key} ${JSON.stringify(options)}` : key) as unknown as TFunction;

describe('faceChoicesOf', () => {
  it('reads the faces of a MULTIPLE_FACES error and skips malformed entries', () => {
    const choices = faceChoicesOf({
      code: 'MULTIPLE_FACES',
      message: 'x.jpg shows 3 faces',
      details: {
        faces: [
          { index: 0, box: [1, 2, 30, 40], score: 0.9, enrolledAs: { subjectId: 's1', name: 'Ann' } },
          { index: 1, box: [1, 2, 3] },
          null,
          { index: 2, box: [5, 6, 70, 80], enrolledAs: { subjectId: 7 } },
        ],
      },
    });
    expect(choices).toEqual([
      { index: 0, box: [1, 2, 30, 40], score: 0.9, enrolledAs: { subjectId: 's1', name: 'Ann' } },
      { index: 2, box: [5, 6, 70, 80], score: 0, enrolledAs: null },
    ]);
  });

  it('is empty for other codes or without details', () => {
    expect(faceChoicesOf({ code: 'NO_FACE', message: '' })).toEqual([]);
    expect(faceChoicesOf({ code: 'MULTIPLE_FACES', message: '' })).toEqual([]);
    expect(faceChoicesOf(undefined)).toEqual([]);
  });
});

describe('enrollErrorText', () => {
  it('explains a small face with the measured and required sizes', () => {
    const text = enrollErrorText(
      { code: 'FACE_TOO_SMALL', message: 'core text', details: { measured: 31, minimum: 48 } },
      'en',
      t,
    );
    expect(text).toBe('enroll.hints.FACE_TOO_SMALL {"measured":31,"minimum":48}');
  });

  it('says whether a blurred or an unclear face was refused', () => {
    const details = { detectorScore: 0.8, sharpness: 12.5, minDetectorScore: 0.5, minSharpness: 40 };
    expect(enrollErrorText({ code: 'LOW_QUALITY', message: '', details }, 'en', t)).toBe(
      'enroll.hints.LOW_QUALITY_SHARPNESS {"sharpness":"13","minimum":"40"}',
    );
    expect(
      enrollErrorText(
        { code: 'LOW_QUALITY', message: '', details: { ...details, detectorScore: 0.3 } },
        'en',
        t,
      ),
    ).toBe('enroll.hints.LOW_QUALITY_SCORE {"score":"0.30","minimum":"0.50"}');
  });

  it('tells a duplicate on this subject from one on another subject', () => {
    const dup = (subjectId: string) => ({ code: 'DUPLICATE' as const, message: '', details: { subjectId } });
    expect(enrollErrorText(dup('a'), 'en', t, 'a')).toBe('enroll.hints.DUPLICATE');
    expect(enrollErrorText(dup('b'), 'en', t, 'a')).toBe('enroll.hints.DUPLICATE_OTHER');
  });

  it("falls back to the core's message when the details are missing", () => {
    expect(enrollErrorText({ code: 'FACE_TOO_SMALL', message: 'core text' }, 'en', t)).toBe('core text');
    expect(enrollErrorText({ code: 'NOT_AN_IMAGE', message: 'not an image' }, 'en', t)).toBe('not an image');
  });
});
