/**
 * Text as Vigil's search boxes compare it: lower case, accents dropped, so "joao" finds "João"
 * and "correspondencia" finds "correspondência", as users type them.
 */
export function foldForSearch(text: string): string {
  // Printable ASCII (and line breaks) has nothing to decompose: the history filter folds 100k records.
  if (!/[^\n -~]/.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
