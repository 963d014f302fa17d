/**
 * Resources in which every plural (`key_other`) also has a `key_zero` with the same text, unless
 * one is written. CLDR's Portuguese plural rule puts 0 with 1 ("one"), so "0 rosto" would be said
 * where Brazilian usage says "0 rostos"; i18next prefers `_zero` for a count of 0.
 */
export function zeroAsPlural<T extends object>(resources: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resources)) {
    out[key] = value !== null && typeof value === 'object' ? zeroAsPlural(value) : value;
  }
  for (const [key, value] of Object.entries(resources)) {
    if (!key.endsWith('_other')) continue;
    const zero = `${key.slice(0, -'_other'.length)}_zero`;
    if (!(zero in out)) out[zero] = value;
  }
  return out as T;
}
