import { describe, expect, it } from 'vitest';
import { decimalInRange, parseDecimal, wholeInRange } from './decimal';

describe('parseDecimal', () => {
  it('reads a dot or a comma before the fraction, whatever the language', () => {
    expect(parseDecimal('0.45')).toBe(0.45);
    expect(parseDecimal('0,45')).toBe(0.45);
    expect(parseDecimal(' ,5 ')).toBe(0.5);
    expect(parseDecimal('1.')).toBe(1);
    expect(parseDecimal('-1')).toBe(-1);
    expect(parseDecimal('45')).toBe(45);
  });

  it('refuses what is not one number instead of reading a prefix of it', () => {
    for (const text of ['', ' ', '-', '.', '0.4.5', '0,4,5', '0.45abc', '1e3', '1 000', 'Infinity', '0x1']) {
      expect(parseDecimal(text)).toBeNull();
    }
  });
});

describe('decimalInRange', () => {
  it('flags a value outside the range instead of clamping it', () => {
    expect(decimalInRange('0,45', 0, 1)).toBe(0.45);
    expect(decimalInRange('1', 0, 1)).toBe(1);
    expect(decimalInRange(0, 0, 1)).toBe(0);
    expect(decimalInRange('1.5', 0, 1)).toBeNull();
    expect(decimalInRange('45', 0, 1)).toBeNull();
    expect(decimalInRange('-1', 0, 1)).toBeNull();
    expect(decimalInRange(Number.NaN, 0, 1)).toBeNull();
    expect(decimalInRange('', 0, 1)).toBeNull();
  });
});

describe('wholeInRange', () => {
  it('takes whole numbers in range and flags fractions and values below the minimum', () => {
    expect(wholeInRange(16, 8, 4096)).toBe(16);
    expect(wholeInRange('100', 1, 100)).toBe(100);
    expect(wholeInRange(0, 1, 100)).toBeNull();
    expect(wholeInRange(-5, 1, 100)).toBeNull();
    expect(wholeInRange(1.5, 1, 100)).toBeNull();
    expect(wholeInRange('', 1, 100)).toBeNull();
  });
});
