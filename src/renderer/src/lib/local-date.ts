/**
 * Days (`YYYY-MM-DD`) written and read the way the app's language writes them (31/12/2026 in
 * Portuguese, 12/31/2026 in US English), not the way the browser's or system's locale does.
 */

export type DayPart = 'day' | 'month' | 'year';

/** The order of day, month and year in `lang`'s numeric dates, and the mark between them. */
export function dayLayout(lang: string): { order: DayPart[]; separator: string } {
  const parts = new Intl.DateTimeFormat(lang, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(new Date(2026, 11, 31));
  const order = parts
    .map((p) => p.type)
    .filter((type): type is DayPart => type === 'day' || type === 'month' || type === 'year');
  const separator = parts.find((p) => p.type === 'literal')?.value ?? '/';
  return { order: order.length === 3 ? order : ['year', 'month', 'day'], separator };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` as `lang` writes it with digits only; '' for anything else. */
export function formatDay(lang: string, day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return '';
  const values: Record<DayPart, string> = { year: m[1]!, month: m[2]!, day: m[3]! };
  const { order, separator } = dayLayout(lang);
  return order.map((p) => values[p]).join(separator);
}

/** What someone typed in `lang`'s order (any marks between the numbers) as `YYYY-MM-DD`, or null. */
export function parseDay(lang: string, text: string): string | null {
  const numbers = text.trim().split(/\D+/).filter(Boolean);
  if (numbers.length !== 3) return null;
  const { order } = dayLayout(lang);
  const value = (part: DayPart) => Number(numbers[order.indexOf(part)]);
  const yearText = numbers[order.indexOf('year')]!;
  if (yearText.length !== 4) return null;
  const [year, month, day] = [value('year'), value('month'), value('day')];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `YYYY-MM-DD` of a local date. */
export function dayOf(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
}
