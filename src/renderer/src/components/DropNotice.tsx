import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { noticeLines, type BatchNotice, type BatchNs } from '../lib/batch-queue';

/**
 * What happened to the last drop or cancel: files skipped as not images, photos cancelled, or a
 * drop with nothing to add (yellow). Dismissable when `onClose` is given.
 */
export function DropNotice({
  notice,
  ns,
  onClose,
  testId,
}: {
  notice: BatchNotice | null;
  ns: BatchNs;
  onClose?: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!notice) return null;
  const lines = noticeLines(notice, t, ns);
  if (lines.length === 0) return null;
  return (
    <Alert
      color={notice.nothingToAdd ? 'yellow' : 'gray'}
      variant="light"
      py="xs"
      withCloseButton={onClose !== undefined}
      closeButtonLabel={t('common.dismiss')}
      onClose={onClose}
      data-testid={testId}
    >
      <Text size="sm">{lines.join(' ')}</Text>
    </Alert>
  );
}
