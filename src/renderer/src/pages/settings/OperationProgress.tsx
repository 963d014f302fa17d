import { Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useDataInfo } from '../../api/queries';

/** The phase and file count of a running move, backup or restore (data.info, polled while `active`). */
export function OperationProgress({ active }: { active: boolean }) {
  const { t } = useTranslation();
  const info = useDataInfo(active);
  const op = active ? info.data?.operation : null;
  if (!active) return null;
  const counted = op && op.total > 0 && op.phase !== 'waiting';
  return (
    <Stack gap={4} data-testid="settings-operation" data-phase={op?.phase ?? 'starting'}>
      <Progress
        value={counted ? (op.done / op.total) * 100 : 100}
        animated={!counted}
        striped={!counted}
        size="sm"
        aria-label={op ? t(`settings.operation.${op.phase}`, { done: op.done, total: op.total }) : undefined}
      />
      <Text size="xs" c="dimmed" aria-live="polite">
        {op
          ? t(`settings.operation.${op.phase}`, { done: op.done, total: op.total })
          : t('settings.operation.check')}
      </Text>
    </Stack>
  );
}
