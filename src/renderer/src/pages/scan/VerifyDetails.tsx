import { Group, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { VERDICT_COLOR, VERDICT_TONE } from '../../lib/labels';
import type { BoxSpec } from './PhotoView';
import type { VerifyResult } from './ScanProvider';
import { verdictScore, verifyLines } from '../../lib/verdict-text';
import { CaveatNote, FaceCountBadge, VerdictBadge } from './VerdictParts';

/**
 * The best face's box, labelled with the subject and the score; the photo's other faces are not
 * drawn (match.verify returns only the best one, and a second detection is not worth it).
 */
export function verifyBoxes(result: VerifyResult, lang: string, t: TFunction): BoxSpec[] {
  if (!result.box) return [];
  const score = verdictScore(result, lang);
  return [
    {
      key: 'best',
      box: result.box,
      label: result.verdict === 'no_match' ? '' : result.name,
      suffix: score,
      title: t('scan.verify.boxTitle', {
        name: result.name,
        verdict: t(`identify.verdicts.${result.verdict}`),
        score,
      }),
      tone: VERDICT_TONE[result.verdict],
      data: { 'data-verdict': result.verdict },
    },
  ];
}

/** The verdict on one subject: a headline, the score against its threshold, the faces and caveat. */
export function VerifyDetails({ result }: { result: VerifyResult }) {
  const { t, i18n } = useTranslation();
  const { headline, detail } = verifyLines(result, i18n.language, t);
  const strong = result.verdict !== 'no_match';
  const color = VERDICT_COLOR[result.verdict];
  return (
    <>
      <Group gap={6}>
        <VerdictBadge verdict={result.verdict} size="md" />
        <FaceCountBadge count={result.facesInPhoto} />
      </Group>
      {/* The same verdict stripe as an identified face's row. */}
      <Stack
        gap={2}
        py={strong ? 6 : 3}
        px={8}
        data-testid="verify-verdict"
        data-verdict={result.verdict}
        data-threshold={result.threshold ?? ''}
        data-score={result.score}
        data-subject-id={result.subjectId}
        style={{
          borderInlineStart: `3px solid var(--mantine-color-${color}-${strong ? 6 : 4})`,
          borderRadius: 'var(--mantine-radius-xs)',
          background: strong ? `var(--mantine-color-${color}-light)` : undefined,
        }}
      >
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="verify-headline">
          {headline}
        </Text>
        <Text size="xs" c={strong ? undefined : 'dimmed'} data-testid="verify-detail">
          {detail}
        </Text>
        {result.caveat && <CaveatNote caveat={result.caveat} box={result.box} />}
      </Stack>
    </>
  );
}
