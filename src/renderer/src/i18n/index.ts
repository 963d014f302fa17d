import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import ptBR from './pt-BR';
import { zeroAsPlural } from './zero-plural';

/** Each language is listed under its own name (an autonym), so it reads the same in every locale. */
export const LANGUAGES = [
  { code: 'en', autonym: 'English' },
  { code: 'pt-BR', autonym: 'Português (Brasil)' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'vigil.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.code === value);
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The saved choice, else the system language when it is Portuguese, else English. */
function initialLanguage(): Language {
  const stored = readStored();
  if (isLanguage(stored)) return stored;
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return preferred.some((l) => l.toLowerCase().startsWith('pt')) ? 'pt-BR' : 'en';
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

export function setLanguage(language: Language): void {
  void i18n.changeLanguage(language);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Storage can be unavailable (private mode, policy); the choice then lasts for this session.
  }
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'pt-BR': { translation: zeroAsPlural(ptBR) } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  // Resources are bundled, so initialise synchronously: the first render already has its strings.
  initAsync: false,
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
