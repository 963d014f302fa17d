import { describe, expect, it } from 'vitest';
import { daySettings, parseDay } from './local-date';

const pt = daySettings('pt-BR').format;
const en = daySettings('en').format;

describe('days in the app language', () => {
  it('has a day order and a calendar locale for each language, English for anything else', () => {
    expect(daySettings('pt-BR')).toMatchObject({ locale: 'pt-br', format: 'DD/MM/YYYY' });
    expect(daySettings('en')).toMatchObject({ locale: 'en', format: 'MM/DD/YYYY' });
    expect(daySettings('fr')).toEqual(daySettings('en'));
  });

  it('reads what is typed in that order, leading zeros or not', () => {
    expect(parseDay(pt, '03/12/2026')).toBe('2026-12-03');
    expect(parseDay(pt, ' 3/12/2026 ')).toBe('2026-12-03');
    expect(parseDay(en, '12/3/2026')).toBe('2026-12-03');
    expect(parseDay(en, '03/12/2026')).toBe('2026-03-12');
    expect(parseDay(pt, '3/5/2026')).toBe('2026-05-03');
  });

  it('refuses what is not a whole, real day', () => {
    expect(parseDay(pt, '31/02/2026')).toBeNull();
    expect(parseDay(pt, '12/2026')).toBeNull();
    expect(parseDay(pt, '03/12/26')).toBeNull();
    expect(parseDay(en, '13/01/2026')).toBeNull();
    expect(parseDay(en, 'March 3, 2026')).toBeNull();
    expect(parseDay(en, '')).toBeNull();
  });
});
