/**
 * Text as Vigil's search boxes compare it: lower case, accents dropped, so "joao" finds "João"
 * and "correspondencia" finds "correspondência", as users type them.
 */
export function foldForSearch(text: string): string {
  // Printable ASCII (and line breaks) has nothing to decompose: the history filter folds 100k records.
  if (!/[^\n -~]/.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whether a subject is among the watchlist's matches for `query` (name, an alias or the case reference). */
export function subjectMatchesQuery(
  subject: { name: string; aliases: readonly string[]; caseRef: string },
  query: string,
): boolean {
  const q = foldForSearch(query.trim());
  if (!q) return true;
  const has = (text: string) => foldForSearch(text).includes(q);
  return has(subject.name) || subject.aliases.some(has) || has(subject.caseRef);
}
