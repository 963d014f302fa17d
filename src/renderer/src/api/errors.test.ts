import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { errorShapeOf } from './errors';

describe('errorShapeOf', () => {
  it('keeps the details of a stored error shape, which the UI words its messages from', () => {
    const shape = {
      code: 'NOT_AN_IMAGE' as const,
      message: 'notimage.jpg is not an image Vigil can read',
      details: { file: 'notimage.jpg' },
    };
    expect(errorShapeOf(shape)).toEqual(shape);
    expect(errorShapeOf(new VigilError('NO_FACE', 'x', { file: 'a.jpg' }))).toEqual({
      code: 'NO_FACE',
      message: 'x',
      details: { file: 'a.jpg' },
    });
  });

  it('drops details that are not an object, and reads anything else as INTERNAL', () => {
    expect(errorShapeOf({ code: 'NO_FACE', message: 'x', details: ['a'] })).toEqual({
      code: 'NO_FACE',
      message: 'x',
    });
    expect(errorShapeOf({ code: 'NOT_A_CODE', message: 'x' })).toEqual({
      code: 'INTERNAL',
      message: '[object Object]',
    });
    expect(errorShapeOf(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});
