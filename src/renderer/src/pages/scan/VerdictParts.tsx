import { Badge, Group, Text, type MantineSize } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FaceCaveat, Verdict } from '../../../../shared/match-schemas';
import type { Box } from '../../../../shared/schemas';
import { IconAlert } from '../../components/icons';
import { VERDICT_COLOR } from '../../lib/labels';
import { caveatText } from '../../lib/verdict-text';

/** A verdict in its colour: filled for a match, light for the others (Scan cards, a compared pair). */
export function VerdictBadge({
  verdict,
  size = 'sm',
  testId = 'verdict-badge',
}: {
  verdict: Verdict;
  size?: MantineSize;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Badge
      size={size}
      radius="sm"
      variant={verdict === 'match' ? 'filled' : 'light'}
      color={VERDICT_COLOR[verdict]}
      data-testid={testId}
    >
      {t(`identify.verdicts.${verdict}`)}
    </Badge>
  );
}

/** How many faces the photo shows, beside its verdicts (identify and verify cards). */
export function FaceCountBadge({ count }: { count: number }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="md"
      radius="sm"
      variant="default"
      tt="none"
      fw={500}
      data-testid="face-count"
      data-count={count}
    >
      {t('scan.faceCount', { count })}
    </Badge>
  );
}

/** A verdict on too few pixels (or none at all) is not a judged "no match": said under it. */
export function CaveatNote({ caveat, box }: { caveat: NonNullable<FaceCaveat>; box: Box | null }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap" align="flex-start" data-testid="face-caveat" data-caveat={caveat}>
      <IconAlert
        size={14}
        style={{ flex: 'none', marginTop: 2, color: 'var(--mantine-color-orange-text)' }}
      />
      <Text size="xs">{caveatText(caveat, box, t)}</Text>
    </Group>
  );
}
