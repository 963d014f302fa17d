/**
 * Text as Vigil's search boxes compare it: lower case, accents dropped, so "joao" finds "João"
 * and "correspondencia" finds "correspondência", as users type them.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
