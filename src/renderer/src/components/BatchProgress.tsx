import { Button, Group, Paper, Progress, Stack, Text, type ButtonProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BatchNs } from '../lib/batch-queue';
import { IconX } from './icons';

/**
 * A batch's progress: its label and "done / total", the bar, and the photo in flight. The counts
 * and the current line use the page's namespace (`ns`); the count carries `countTestId`.
 */
export function BatchProgressLines({
  ns,
  label,
  done,
  total,
  currentName,
  countTestId,
}: {
  ns: BatchNs;
  label: string;
  done: number;
  total: number;
  currentName: string | null;
  countTestId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600} truncate="end">
          {label}
        </Text>
        <Text size="sm" ff="monospace" style={{ flexShrink: 0 }} data-testid={countTestId}>
          {t(`${ns}.progressCount`, { done, total })}
        </Text>
      </Group>
      <Progress
        value={(done / Math.max(1, total)) * 100}
        size="md"
        radius="sm"
        animated
        striped
        transitionDuration={150}
      />
      <Text size="xs" c="dimmed" truncate="end">
        {currentName ? t(`${ns}.progressCurrent`, { name: currentName }) : ' '}
      </Text>
    </>
  );
}

/** Stops a batch: the photos not yet sent are dropped; it says "Stopping…" until the last one ends. */
export function CancelBatchButton({
  ns,
  stopping,
  onCancel,
  testId,
  size = 'sm',
  autoFocus = false,
}: {
  ns: BatchNs;
  stopping: boolean;
  onCancel: () => void;
  testId: string;
  size?: ButtonProps['size'];
  /** Takes the focus when shown: it replaces the button that started the batch. */
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Button
      variant="default"
      size={size}
      leftSection={<IconX size={14} />}
      onClick={onCancel}
      disabled={stopping}
      autoFocus={autoFocus}
      data-testid={testId}
    >
      {stopping ? t(`${ns}.stopping`) : t(`${ns}.cancel`)}
    </Button>
  );
}

/**
 * The card of a running queue with its cancel button; nothing while the queue is idle. Test ids:
 * `${testId}`, `${testId}-count`, and `${cancelTestId}` on the button.
 */
export function BatchProgressCard({
  ns,
  progress,
  onCancel,
  testId,
  cancelTestId,
  label,
}: {
  ns: BatchNs;
  progress: {
    running: boolean;
    stopping: boolean;
    done: number;
    total: number;
    current: { relativePath: string } | null;
  };
  onCancel: () => void;
  testId: string;
  cancelTestId: string;
  /** What the queue does, when not the namespace's own words (a page with several modes). */
  label?: string;
}) {
  const { t } = useTranslation();
  if (!progress.running || progress.total === 0) return null;
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={testId}>
      <Group justify="space-between" wrap="nowrap" gap="md">
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <BatchProgressLines
            ns={ns}
            label={label ?? t(`${ns}.progressLabel`)}
            done={progress.done}
            total={progress.total}
            currentName={progress.current?.relativePath ?? null}
            countTestId={`${testId}-count`}
          />
        </Stack>
        <CancelBatchButton ns={ns} stopping={progress.stopping} onCancel={onCancel} testId={cancelTestId} />
      </Group>
    </Paper>
  );
}
