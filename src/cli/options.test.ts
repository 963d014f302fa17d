import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CliFailure } from './output';
import { checkedOption, faceIndexOption, numberOption } from './options';

/** What a CLI helper threw: its exit status and error shape. */
function failure(run: () => unknown): { exitCode: number; code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof CliFailure) return { exitCode: err.exitCode, ...err.shape };
    throw err;
  }
  throw new Error('did not fail');
}

describe('option checks', () => {
  const k = z.number().int().min(1).max(1000);

  it('refuse a bad number as bad usage (exit 2), naming the option, its range and the value', () => {
    for (const raw of ['0', 'abc', '2.5', '-1', '', ' ', '0x10', '1e2', 'Infinity', '0b11'])
      expect(failure(() => numberOption('k', raw, k, 'a whole number from 1 to 1000'))).toEqual({
        exitCode: 2,
        code: 'BAD_INPUT',
        message: `--k must be a whole number from 1 to 1000, got ${raw}`,
      });
    expect(numberOption('k', '7', k, 'a whole number from 1 to 1000')).toBe(7);
    expect(numberOption('k', ' 12 ', k, 'a whole number from 1 to 1000')).toBe(12);
    expect(numberOption('s', '1.5', z.number(), 'a number')).toBe(1.5);
    expect(numberOption('s', '.5', z.number(), 'a number')).toBe(0.5);
    expect(numberOption('k', undefined, k, 'a whole number from 1 to 1000')).toBeUndefined();
  });

  it('take --face from 0, as the enrol and search channels do', () => {
    expect(faceIndexOption('0')).toBe(0);
    expect(faceIndexOption('3')).toBe(3);
    expect(failure(() => faceIndexOption('-1'))).toMatchObject({
      exitCode: 2,
      message: '--face must be a whole number from 0 (0 = the largest face), got -1',
    });
  });

  it('check a text option against its schema, quoting the value given', () => {
    const name = z.string().trim().min(1);
    expect(checkedOption('name', ' Ann ', name, 'a name')).toBe('Ann');
    expect(failure(() => checkedOption('name', '  ', name, 'a name'))).toEqual({
      exitCode: 2,
      code: 'BAD_INPUT',
      message: '--name must be a name, got "  "',
    });
  });
});
