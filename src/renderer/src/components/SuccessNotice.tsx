import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { IconCheck } from './icons';

/** The green "done" line under a form; dismissable when `onClose` is given. */
export function SuccessNotice({
  testId,
  onClose,
  children,
}: {
  testId: string;
  onClose?: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Alert
      color="teal"
      variant="light"
      py="xs"
      icon={<IconCheck size={16} />}
      withCloseButton={!!onClose}
      closeButtonLabel={t('common.dismiss')}
      onClose={onClose}
      data-testid={testId}
    >
      {children}
    </Alert>
  );
}
