import { DatesProvider } from '@mantine/dates';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { daySettings } from '../lib/local-date';

/** Mantine's date pickers in the app's language, not the browser's. */
export function LanguageDatesProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const { locale, firstDayOfWeek } = daySettings(i18n.language);
  return <DatesProvider settings={{ locale, firstDayOfWeek }}>{children}</DatesProvider>;
}
