/**
 * A number typed with either `.` or `,` before its fraction, or null when the text is not one.
 * English and Portuguese users type both, and for the small values these fields hold (a score
 * from 0 to 1, a scale from 1 to 4) "0,45" and "0.45" can only mean one thing: no thousands
 * grouping is read, so "1,000" and "1.000" are 1.
 */
export function parseDecimal(text: string): number | null {
  const s = text.trim();
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(s)) return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/**
 * A field's value (a number once set, the text while typed) as a number within [min, max], or
 * null: out of range is flagged, never clamped, so nothing typed is silently rewritten.
 */
export function decimalInRange(value: number | string, min: number, max: number): number | null {
  const n = typeof value === 'number' ? value : parseDecimal(value);
  return n !== null && Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/** As decimalInRange, for a whole number (a typed fraction is flagged, not rounded). */
export function wholeInRange(value: number | string, min: number, max: number): number | null {
  const n = decimalInRange(value, min, max);
  return n !== null && Number.isInteger(n) ? n : null;
}
