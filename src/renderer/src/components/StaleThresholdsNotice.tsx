import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Thresholds } from '../../../shared/match-schemas';
import { useSettings } from '../api/queries';
import { formatScore, scoreDigits } from '../format';
import { thresholdsChanged } from '../lib/stale-thresholds';

/** The scores a stale-thresholds message quotes: then and now, as many decimals as tell them apart. */
export interface StaleValues {
  match: string;
  possible: string;
  nowMatch: string;
  nowPossible: string;
}

/**
 * Verdicts are judged at the thresholds in force at the time: once Settings has others, a verdict
 * judged before says so (`message` words it), with a button that judges again. Nothing shows
 * while the thresholds are unchanged.
 */
export function StaleThresholdsNotice({
  judgedAt,
  message,
  action,
  onAction,
  disabled,
  testId,
  actionTestId,
}: {
  /** The thresholds the verdict (the first of several) was judged at. */
  judgedAt: Thresholds | undefined;
  message: (values: StaleValues) => string;
  action: string;
  onAction: () => void;
  disabled?: boolean;
  testId: string;
  actionTestId: string;
}) {
  const { i18n } = useTranslation();
  const now = useSettings().data?.thresholds;
  if (!judgedAt || !now || !thresholdsChanged(judgedAt, now)) return null;
  const all = [now.match, now.possible, judgedAt.match, judgedAt.possible];
  const score = (v: number) => formatScore(i18n.language, v, scoreDigits(v, all));
  return (
    <Alert color="yellow" variant="light" py="xs" data-testid={testId}>
      {/* In a narrow column (Compare's result) the button goes under the text rather than squeeze it. */}
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" style={{ flex: '1 1 16rem' }}>
          {message({
            match: score(judgedAt.match),
            possible: score(judgedAt.possible),
            nowMatch: score(now.match),
            nowPossible: score(now.possible),
          })}
        </Text>
        <Button
          size="xs"
          variant="default"
          style={{ flexShrink: 0 }}
          onClick={onAction}
          disabled={disabled}
          data-testid={actionTestId}
        >
          {action}
        </Button>
      </Group>
    </Alert>
  );
}
