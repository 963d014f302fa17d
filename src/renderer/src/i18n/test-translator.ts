import i18next, { type TFunction } from 'i18next';
import en from './en';
import ptBR from './pt-BR';
import { zeroAsPlural } from './zero-plural';

/** A standalone `t` in one of the UI's languages, for unit tests of text helpers. */
export async function translator(lng: 'en' | 'pt-BR'): Promise<TFunction> {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng,
    resources: { en: { translation: en }, 'pt-BR': { translation: zeroAsPlural(ptBR) } },
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return i18n.t;
}
