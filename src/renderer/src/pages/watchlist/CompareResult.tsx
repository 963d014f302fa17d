import { Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { faceSizeOf, RELIABLE_FACE_PX } from '../../../../shared/match-schemas';
import { IconAlert } from '../../components/icons';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StaleThresholdsNotice } from '../../components/StaleThresholdsNotice';
import { formatScore } from '../../format';
import {
  cropView,
  type ComparedPhoto,
  type CompareResult as Result,
  type CompareSlot,
} from '../../lib/compare';
import { VERDICT_COLOR } from '../../lib/labels';
import { verdictRule, verdictScore } from '../../lib/verdict-text';
import { VerdictBadge } from '../scan/VerdictParts';
import classes from './Compare.module.css';

const CROP_SIDE = 104;

/** The compared face cut out of the core's preview of its photo (the one its slot shows). */
function FaceCrop({ photo, slot }: { photo: ComparedPhoto; slot: CompareSlot }) {
  const { t } = useTranslation();
  const letter = slot.toUpperCase();
  // The box is in the photo's pixels; the preview is drawn at the photo's size, scaled.
  const view = cropView(photo.box, photo, CROP_SIDE);
  return (
    <Stack gap={2} align="center" data-testid="compare-crop" data-slot={slot}>
      <div className={classes.crop} style={{ width: CROP_SIDE, height: CROP_SIDE }}>
        <img
          src={photo.previewUrl}
          alt={t('compare.faceTitle', { slot: letter })}
          draggable={false}
          style={{ left: view.left, top: view.top, width: view.width, height: view.height }}
        />
      </div>
      <Text size="xs" c="dimmed" ff="monospace">
        {letter} · {t('compare.faceSize', { size: Math.round(faceSizeOf(photo.box)) })}
      </Text>
    </Stack>
  );
}

/**
 * The verdict on the pair, worded as the Scan page words an identified face's (badge, rule,
 * caveat), or what the comparison is waiting for.
 */
export function CompareResult({
  missing,
  result,
  pending,
  error,
  errorOn,
  samePhoto,
  onCompareAgain,
}: {
  /** The slots still empty. */
  missing: readonly CompareSlot[];
  result: Result | undefined;
  pending: boolean;
  /** An error that concerns neither photo in particular. */
  error: unknown;
  /** The photo an error is shown on, to point at it. */
  errorOn: CompareSlot | null;
  /** Both slots hold the same photo (the same bytes): the score is that of a photo with itself. */
  samePhoto: boolean;
  /** Judges the pair again at Settings' thresholds. */
  onCompareAgain: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const strong = result && result.verdict !== 'no_match';
  const color = result ? VERDICT_COLOR[result.verdict] : 'gray';
  const smaller =
    result && faceSizeOf(result.b.box) < faceSizeOf(result.a.box)
      ? { slot: 'B', size: faceSizeOf(result.b.box) }
      : result && { slot: 'A', size: faceSizeOf(result.a.box) };
  return (
    <Paper
      withBorder
      radius="sm"
      p="md"
      className={classes.result}
      data-testid="compare-result"
      data-state={result ? 'done' : pending ? 'pending' : error || errorOn ? 'error' : 'waiting'}
      data-verdict={result?.verdict ?? ''}
      data-score={result?.score ?? ''}
      style={
        result
          ? {
              borderInlineStart: `4px solid var(--mantine-color-${color}-${strong ? 6 : 4})`,
              background: strong ? `var(--mantine-color-${color}-light)` : undefined,
            }
          : undefined
      }
    >
      {/* The verdict or the error is announced as it comes, not only seen. */}
      <Stack gap="sm" role="status" aria-live="polite">
        <Title order={3} size="h5">
          {t('compare.resultTitle')}
        </Title>
        {missing.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="compare-waiting">
            {missing.length === 2
              ? t('compare.waitingBoth')
              : t('compare.waitingOne', { slot: missing[0]!.toUpperCase() })}
          </Text>
        )}
        {pending && (
          <Group gap="xs" wrap="nowrap" data-testid="compare-pending">
            <Loader size="sm" />
            <Text size="sm">{t('compare.comparing')}</Text>
          </Group>
        )}
        {error ? <ErrorNotice error={error} /> : null}
        {errorOn && !pending && (
          <Text size="sm" c="red" data-testid="compare-error-on">
            {t('compare.errorOnSlot', { slot: errorOn.toUpperCase() })}
          </Text>
        )}
        {result && !pending && (
          <StaleThresholdsNotice
            judgedAt={result.thresholds}
            message={(values) => t('compare.staleThresholds', { ...values })}
            action={t('compare.compareAgain')}
            onAction={onCompareAgain}
            testId="compare-stale-thresholds"
            actionTestId="compare-again"
          />
        )}
        {result && samePhoto && (
          <Group gap={4} wrap="nowrap" align="flex-start" data-testid="compare-same-file">
            <IconAlert
              size={14}
              style={{ flex: 'none', marginTop: 3, color: 'var(--mantine-color-orange-text)' }}
            />
            <Text size="sm">{t('compare.samePhoto')}</Text>
          </Group>
        )}
        {result && (
          <div className={classes.resultBody}>
            <Group gap="sm" wrap="nowrap" style={{ flex: 'none' }}>
              <FaceCrop photo={result.a} slot="a" />
              <FaceCrop photo={result.b} slot="b" />
            </Group>
            <Stack gap="sm" className={classes.resultText}>
              <Stack gap={4}>
                <Group gap={8} wrap="wrap" align="center">
                  <VerdictBadge verdict={result.verdict} size="lg" testId="compare-verdict" />
                  <Text fw={600} data-testid="compare-headline">
                    {t(`compare.headlines.${result.verdict}`)}
                  </Text>
                </Group>
                <Group gap={8} wrap="wrap" align="baseline">
                  <Text size="sm" c="dimmed">
                    {t('compare.score')}
                  </Text>
                  <Text size="xl" ff="monospace" fw={700} data-testid="compare-score">
                    {verdictScore(result, lang)}
                  </Text>
                  <Text size="sm" c="dimmed" data-testid="compare-threshold">
                    {verdictRule(result, lang, t)}
                  </Text>
                </Group>
                <Text size="xs" c="dimmed" data-testid="compare-similarity">
                  {t('compare.cosine')} {formatScore(lang, result.similarity)}
                </Text>
              </Stack>
              {result.caveat && smaller && (
                <Group
                  gap={4}
                  wrap="nowrap"
                  align="flex-start"
                  data-testid="compare-caveat"
                  data-caveat={result.caveat}
                >
                  <IconAlert
                    size={14}
                    style={{ flex: 'none', marginTop: 3, color: 'var(--mantine-color-orange-text)' }}
                  />
                  <Text size="sm">
                    {t(`compare.caveats.${result.caveat}`, {
                      slot: smaller.slot,
                      size: Math.round(smaller.size),
                      minimum: RELIABLE_FACE_PX,
                    })}
                  </Text>
                </Group>
              )}
              <Text size="sm" data-testid="compare-advice">
                {t(`compare.advice.${result.verdict}`)}
              </Text>
              <Text size="xs" c="dimmed" data-testid="compare-largest-only">
                {t('compare.largestOnly')} {t('compare.thresholdsNote')}
              </Text>
            </Stack>
          </div>
        )}
      </Stack>
    </Paper>
  );
}
