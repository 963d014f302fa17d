import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobStatus } from '../../../../shared/history-schemas';

export const STATUS_COLOR: Record<JobStatus, string> = {
  PENDING: 'gray',
  RUNNING: 'blue',
  FINISHED: 'teal',
  ERROR: 'red',
  CANCELLED: 'yellow',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="sm"
      radius="sm"
      variant="light"
      color={STATUS_COLOR[status]}
      // Never cut to "CONCL…": the table column grows to the whole word instead.
      styles={{ root: { maxWidth: 'none', overflow: 'visible' }, label: { overflow: 'visible' } }}
      data-testid="history-status"
    >
      {t(`history.statuses.${status}`)}
    </Badge>
  );
}
