/**
 * How each app language writes a day (31/12/2026 in Portuguese, 12/31/2026 in US English) for
 * Mantine's date input, whatever the browser's or system's locale.
 */
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/pt-br';
import type { Language } from '../i18n';

dayjs.extend(customParseFormat);

export interface DaySettings {
  /** A dayjs locale, for the calendar's month and weekday names. */
  locale: string;
  /** A dayjs format with numbers only, as the field shows and reads a day. */
  format: string;
  /** 0 Sunday … 6 Saturday. */
  firstDayOfWeek: 0 | 1 | 2 | 3 | 4 | 5 | 6;
}

const DAYS: Record<Language, DaySettings> = {
  en: { locale: 'en', format: 'MM/DD/YYYY', firstDayOfWeek: 0 },
  'pt-BR': { locale: 'pt-br', format: 'DD/MM/YYYY', firstDayOfWeek: 0 },
};

export function daySettings(lang: string): DaySettings {
  return Object.hasOwn(DAYS, lang) ? DAYS[lang as Language] : DAYS.en;
}

/** A day typed in `format` (leading zeros optional) as `YYYY-MM-DD`; null unless a whole, real day. */
export function parseDay(format: string, text: string): string | null {
  const formats = ['DD', 'D'].flatMap((d) =>
    ['MM', 'M'].map((m) => format.replace('DD', d).replace('MM', m)),
  );
  // Strict: 31/02 is refused rather than rolled over to March, and a year needs its four digits.
  const day = dayjs(text.trim(), formats, true);
  return day.isValid() ? day.format('YYYY-MM-DD') : null;
}
