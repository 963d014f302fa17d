/** Locale-aware number formatting for the current i18n language. */
export function formatNumber(lang: string, value: number, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits }).format(value);
}

/** A language's decimal and group marks, for number fields that read as that language writes. */
export function numberSeparators(lang: string): { decimalSeparator: string; thousandSeparator: string } {
  const parts = new Intl.NumberFormat(lang).formatToParts(12345.6);
  return {
    decimalSeparator: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    thousandSeparator: parts.find((p) => p.type === 'group')?.value ?? ',',
  };
}

export function formatPercent(lang: string, value: number): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

export function formatMs(lang: string, ms: number): string {
  return formatNumber(lang, ms, ms < 10 ? 1 : 0);
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** Decimal units (kB = 1000 B), matching the labels Intl prints. */
export function formatBytes(lang: string, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: BYTE_UNITS[unit],
    // 'short' bytes read "444 byte" in English; kB and up read well short ("4.4 MB").
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

export function formatTime(lang: string, timestamp: number): string {
  return new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(timestamp);
}

/** A score or threshold in [0, 1] with two decimals, as the verdict rules are written (0.67). */
export function formatScore(lang: string, value: number, digits = 2): string {
  return new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    value,
  );
}

/**
 * Decimals (2 to 4) that tell `score` apart from each threshold it was judged against, so that
 * the shown numbers agree with the verdict: 0.3285 under a threshold of 0.3333 reads 0.328 and
 * 0.333, not 0.33 beside "below 0.33".
 */
export function scoreDigits(score: number | undefined, thresholds: readonly number[]): number {
  if (score === undefined) return 2;
  const at = (v: number, d: number) => Math.round(v * 10 ** d);
  for (let d = 2; d < 4; d++) if (thresholds.every((t) => t === score || at(t, d) !== at(score, d))) return d;
  return 4;
}

/** A rate such as a false-match rate: 0.001 → "0.1%". */
export function formatRate(lang: string, value: number): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumSignificantDigits: 2 }).format(value);
}

export function formatDateTime(lang: string, iso: string, dateStyle: 'medium' | 'short' = 'medium'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle, timeStyle: 'short' }).format(date);
}

/** A duration: "850 ms", "4.9 s", "2 min 5 s". */
export function formatDuration(lang: string, ms: number): string {
  const unit = (value: number, u: 'millisecond' | 'second' | 'minute', digits = 0) =>
    new Intl.NumberFormat(lang, {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    }).format(value);
  // Rounded first, so 999.7 ms reads "1 s" and 119.7 s "2 min", never "1,000 ms" or "1 min 60 s".
  if (Math.round(ms) < 1000) return unit(ms, 'millisecond', ms < 10 ? 1 : 0);
  if (Math.round(ms / 100) < 600) return unit(ms / 1000, 'second', 1);
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds > 0 ? `${unit(minutes, 'minute')} ${unit(seconds, 'second')}` : unit(minutes, 'minute');
}
