import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorShapeSchema, fromErrorShape, toErrorShape, VigilError } from './errors';

describe('toErrorShape', () => {
  it('keeps a VigilError’s code, message and details', () => {
    const err = new VigilError('IMAGE_CORRUPT', 'photo.jpg is damaged', { file: 'photo.jpg' });
    expect(toErrorShape(err)).toEqual({
      code: 'IMAGE_CORRUPT',
      message: 'photo.jpg is damaged',
      details: { file: 'photo.jpg' },
    });
    expect(toErrorShape(new VigilError('NOT_FOUND', 'gone'))).toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });

  it('turns a plain Error into INTERNAL with a generic message, leaking nothing', () => {
    const err = new Error('EACCES: permission denied, open /home/alice/.ssh/id_rsa');
    const shape = toErrorShape(err);
    expect(shape).toEqual({ code: 'INTERNAL', message: 'Unexpected internal error' });
    const json = JSON.stringify(shape);
    expect(json).not.toMatch(/alice|EACCES|stack|\bat /);
  });

  it.each([
    ['a string', 'boom at /x.js:1:1'],
    ['undefined', undefined],
    ['null', null],
    ['an unknown code', { code: 'NOPE', message: 'x' }],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ])('turns %s into INTERNAL', (_label, thrown) => {
    expect(toErrorShape(thrown)).toEqual({ code: 'INTERNAL', message: 'Unexpected internal error' });
  });

  it('passes an object that already has the boundary shape', () => {
    expect(toErrorShape({ code: 'CANCELLED', message: 'stopped' })).toEqual({
      code: 'CANCELLED',
      message: 'stopped',
    });
  });

  it('drops extra keys (such as a stack) from a shape-like object', () => {
    const shape = toErrorShape({
      code: 'ENGINE_FAILED',
      message: 'x',
      stack: 'Error: x\n    at y (z.js:1:1)',
    });
    expect(shape).toEqual({ code: 'ENGINE_FAILED', message: 'x' });
  });
});

describe('VigilError', () => {
  it('round-trips through its shape', () => {
    const err = fromErrorShape({ code: 'STORE_VERSION', message: 'newer', details: { file: 'f' } });
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('VigilError');
    expect(err.toShape()).toEqual({ code: 'STORE_VERSION', message: 'newer', details: { file: 'f' } });
    expect(errorShapeSchema.parse(err.toShape())).toEqual(err.toShape());
  });

  it('has unique, stable codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of [
      'BAD_INPUT',
      'NOT_FOUND',
      'NOT_AN_IMAGE',
      'IMAGE_CORRUPT',
      'STORE_CORRUPT',
      'INTERNAL',
    ] as const) {
      expect(ERROR_CODES).toContain(code);
    }
  });
});
