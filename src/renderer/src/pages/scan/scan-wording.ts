import type { TFunction } from 'i18next';
import type { ScanMode } from './scan-target';

/**
 * What the page's description, the progress card and the empty page say in each mode: find
 * faces, identify them, or look for one subject (named once picked).
 */
export function scanWording(
  t: TFunction,
  mode: ScanMode,
  subject: { name: string } | null,
  keys: string,
): { description: string; progress: string; emptyBody: string } {
  if (mode === 'verify') {
    return {
      description: t('scan.verify.description'),
      progress: subject ? t('scan.verify.progressLabel', { name: subject.name }) : t('scan.progressLabel'),
      emptyBody: t('scan.verify.emptyBody', { keys }),
    };
  }
  if (mode === 'identify') {
    return {
      description: t('identify.description'),
      progress: t('identify.progressLabel'),
      emptyBody: t('identify.emptyBody', { keys }),
    };
  }
  return {
    description: t('scan.description'),
    progress: t('scan.progressLabel'),
    emptyBody: t('scan.emptyBody', { keys }),
  };
}
