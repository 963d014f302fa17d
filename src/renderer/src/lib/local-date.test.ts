import { describe, expect, it } from 'vitest';
import { dayLayout, formatDay, parseDay } from './local-date';

describe('days in the app language', () => {
  it('writes a day in the order of the language, whatever the locale the process runs in', () => {
    expect(formatDay('pt-BR', '2026-12-03')).toBe('03/12/2026');
    expect(formatDay('en', '2026-12-03')).toBe('12/03/2026');
    expect(formatDay('pt-BR', 'not a day')).toBe('');
    expect(dayLayout('pt-BR').order).toEqual(['day', 'month', 'year']);
  });

  it('reads what is typed in that order, with any marks between the numbers', () => {
    expect(parseDay('pt-BR', '03/12/2026')).toBe('2026-12-03');
    expect(parseDay('pt-BR', '3.12.2026')).toBe('2026-12-03');
    expect(parseDay('en', '12/3/2026')).toBe('2026-12-03');
    expect(parseDay('en', '03/12/2026')).toBe('2026-03-12');
  });

  it('refuses what is not a whole, real day', () => {
    expect(parseDay('pt-BR', '31/02/2026')).toBeNull();
    expect(parseDay('pt-BR', '12/2026')).toBeNull();
    expect(parseDay('pt-BR', '03/12/26')).toBeNull();
    expect(parseDay('en', '13/01/2026')).toBeNull();
    expect(parseDay('en', '')).toBeNull();
  });
});
