import {
  ActionIcon,
  Alert,
  Anchor,
  Avatar,
  Badge,
  Card,
  Group,
  Loader,
  Skeleton,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { memo, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { IdentifyResult } from '../../../../shared/match-schemas';
import type { InspectResult } from '../../../../shared/schemas';
import { formatMs, formatPercent, formatScore } from '../../format';
import { IconAlert, IconCheck, IconPhoto, IconUser, IconX } from '../../components/icons';
import { VERDICT_COLOR, VERDICT_RANK, VERDICT_TONE, worthReview } from '../../lib/labels';
import { useNavigation } from '../../navigation';
import { PhotoFrame, PhotoView, photoViewClasses, type BoxSpec } from './PhotoView';
import { useScan, type FaceFeedback, type FeedbackVerdict, type ScanItem } from './ScanProvider';
import { errorText } from '../../lib/error-text';
import { StatusBadge } from '../watchlist/SubjectList';
import { verdictDigits, verdictRule } from '../../lib/verdict-text';
import { CaveatNote, FaceCountBadge, VerdictBadge } from './VerdictParts';
import { verifyBoxes, VerifyDetails } from './VerifyDetails';

/** Cards share one frame shape so the grid stays even; photos are letterboxed inside it. */
export const CARD_FRAME_RATIO = 4 / 3;

type IdentifiedFace = IdentifyResult['faces'][number];
// i18next's own type: deriving it from useTranslation gets too deep for tsc as keys grow.
type Translate = TFunction;

function statusAttr(item: ScanItem): 'pending' | 'done' | 'error' {
  if (item.status === 'done') return 'done';
  if (item.status === 'error') return 'error';
  return 'pending';
}

function FileName({ item }: { item: ScanItem }) {
  return (
    <Tooltip label={item.relativePath} openDelay={400} multiline maw={360}>
      <Text size="sm" fw={600} truncate="end" data-testid="photo-name">
        {item.name}
      </Text>
    </Tooltip>
  );
}

export function inspectBoxes(result: InspectResult, lang: string, t: Translate): BoxSpec[] {
  return result.faces.map((face, index) => {
    const score = formatPercent(lang, face.score);
    return {
      key: face.descriptorId || String(index),
      box: face.box,
      label: score,
      title: t('scan.faceLabel', { index: index + 1, score }),
      tone: 'detect',
      data: { 'data-score': face.score },
    };
  });
}

/** The boxes drawn on a scanned photo, whichever mode it was scanned in. */
export function scanBoxes(
  item: ScanItem,
  lang: string,
  t: Translate,
  visible?: (face: IdentifiedFace) => boolean,
): BoxSpec[] {
  if (item.result) return inspectBoxes(item.result, lang, t);
  if (item.identified) return identifyBoxes(item.identified, lang, t, visible);
  if (item.verified) return verifyBoxes(item.verified, lang, t);
  return [];
}

export function identifyBoxes(
  result: IdentifyResult,
  lang: string,
  t: Translate,
  visible: (face: IdentifiedFace) => boolean = () => true,
): BoxSpec[] {
  const boxes: BoxSpec[] = [];
  result.faces.forEach((face, index) => {
    if (!visible(face)) return;
    const best = face.candidates[0];
    const named = best && face.verdict !== 'no_match';
    const score = best ? formatScore(lang, best.score, faceDigits(face)) : '';
    boxes.push({
      key: String(index),
      box: face.box,
      label: named ? `${index + 1} · ${best.name}` : String(index + 1),
      shortLabel: named ? String(index + 1) : undefined,
      suffix: named ? score : undefined,
      title: t('identify.boxTitle', {
        index: index + 1,
        verdict: t(`identify.verdicts.${face.verdict}`),
        name: best?.name ?? t('common.none'),
        score: score || t('common.none'),
      }),
      tone: VERDICT_TONE[face.verdict],
      data: { 'data-verdict': face.verdict },
    });
  });
  return boxes;
}

/** Decimals for a face's best score and its thresholds: as many as tell them apart. */
const faceDigits = (face: IdentifiedFace): number =>
  verdictDigits({ ...face, score: face.candidates[0]?.score ?? 0 });

function FeedbackButtons({
  feedback,
  onGive,
  faceNumber,
  photoName,
}: {
  feedback: FaceFeedback | undefined;
  onGive: (verdict: FeedbackVerdict) => void;
  faceNumber: number;
  /** Heard with the label: with several cards, "Face 1: …" alone names no photo. */
  photoName: string;
}) {
  const { t } = useTranslation();
  const given = feedback && !feedback.error ? feedback.verdict : undefined;
  const button = (verdict: FeedbackVerdict, icon: ReactNode, color: string) => {
    const label = t(`identify.feedback.${verdict}`, { index: faceNumber });
    const active = feedback?.verdict === verdict;
    return (
      <Tooltip label={label}>
        <ActionIcon
          size="sm"
          variant={active ? 'filled' : 'default'}
          color={active ? color : undefined}
          aria-label={`${label} (${photoName})`}
          aria-pressed={active}
          loading={active && feedback?.sending}
          onClick={() => onGive(verdict)}
          data-testid={`feedback-${verdict}`}
        >
          {icon}
        </ActionIcon>
      </Tooltip>
    );
  };
  return (
    <Group gap={4} wrap="nowrap" data-testid="face-feedback" data-given={given ?? ''}>
      {button('correct', <IconCheck size={14} />, 'teal')}
      {button('wrong', <IconX size={14} />, 'red')}
      {feedback?.error && (
        <Tooltip label={feedback.error.message} multiline maw={280}>
          <Text component="span" c="red" lh={0}>
            <IconAlert size={14} aria-label={t('identify.feedback.failed')} />
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

function CandidateLink({ subjectId, name }: { subjectId: string; name: string }) {
  const { t } = useTranslation();
  const { openSubject } = useNavigation();
  return (
    <Anchor
      component="button"
      type="button"
      size="sm"
      fw={600}
      onClick={() => openSubject(subjectId)}
      title={t('identify.openSubject', { name })}
      data-testid="candidate-link"
      style={{ overflowWrap: 'anywhere', textAlign: 'start' }}
    >
      {name}
    </Anchor>
  );
}

function FaceVerdictRow({
  face,
  index,
  photoName,
  feedback,
  onFeedback,
}: {
  face: IdentifiedFace;
  index: number;
  photoName: string;
  feedback: FaceFeedback | undefined;
  onFeedback: (verdict: FeedbackVerdict) => void;
}) {
  const { t, i18n } = useTranslation();
  const { openSubject } = useNavigation();
  const lang = i18n.language;
  const [best, ...others] = face.candidates;
  const strong = face.verdict !== 'no_match';
  return (
    <Stack
      gap={4}
      py={strong ? 6 : 3}
      px={8}
      data-testid="face-verdict"
      data-verdict={face.verdict}
      data-face-index={index}
      data-score={best?.score ?? 0}
      data-subject-id={best?.subjectId ?? ''}
      style={{
        borderInlineStart: `3px solid var(--mantine-color-${VERDICT_COLOR[face.verdict]}-${strong ? 6 : 4})`,
        borderRadius: 'var(--mantine-radius-xs)',
        background: strong ? `var(--mantine-color-${VERDICT_COLOR[face.verdict]}-light)` : undefined,
      }}
    >
      <Group gap={8} wrap="nowrap" justify="space-between" align="flex-start">
        <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
          {strong && (
            // The candidate's enrolled face, to compare with the box on the photo at a glance.
            <Avatar
              src={best?.thumbnailUrl ?? undefined}
              size={36}
              radius="sm"
              alt=""
              color={VERDICT_COLOR[face.verdict]}
            >
              <IconUser size={18} />
            </Avatar>
          )}
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="wrap">
              <Text size="xs" c="dimmed" ff="monospace">
                #{index + 1}
              </Text>
              <VerdictBadge verdict={face.verdict} />
              {best && strong && <CandidateLink subjectId={best.subjectId} name={best.name} />}
              {/* A match on someone caught or closed is not a wanted person seen: said beside the name. */}
              {best && strong && best.status !== 'wanted' && <StatusBadge status={best.status} size="xs" />}
              {best && strong && (
                <Text size="sm" ff="monospace" fw={600}>
                  {formatScore(lang, best.score, faceDigits(face))}
                </Text>
              )}
              {best && !strong && (
                <Text size="xs" c="dimmed">
                  {t('identify.closest', {
                    name: best.name,
                    score: formatScore(lang, best.score, faceDigits(face)),
                  })}
                </Text>
              )}
            </Group>
            <Text size="xs" c="dimmed" data-testid="face-threshold">
              {verdictRule({ ...face, score: best?.score ?? 0 }, lang, t)}
            </Text>
            {face.caveat && <CaveatNote caveat={face.caveat} box={face.box} />}
          </Stack>
        </Group>
        <FeedbackButtons
          feedback={feedback}
          onGive={onFeedback}
          faceNumber={index + 1}
          photoName={photoName}
        />
      </Group>
      {strong && others.length > 0 && (
        <Group gap={6} wrap="wrap" pl={44}>
          <Text size="xs" c="dimmed">
            {t('identify.otherCandidates')}
          </Text>
          {others.slice(0, 3).map((c) => (
            <UnstyledButton
              key={c.subjectId}
              onClick={() => openSubject(c.subjectId)}
              title={t('identify.openSubject', { name: c.name })}
              maw="100%"
              data-testid="other-candidate"
            >
              {/* A long name is cut, never the score beside it. */}
              <Badge
                size="sm"
                radius="sm"
                variant="default"
                tt="none"
                fw={500}
                maw="100%"
                style={{ cursor: 'pointer' }}
                rightSection={formatScore(lang, c.score)}
              >
                {c.name}
              </Badge>
            </UnstyledButton>
          ))}
        </Group>
      )}
    </Stack>
  );
}

function IdentifyDetails({
  item,
  result,
  matchesOnly,
}: {
  item: ScanItem;
  result: IdentifyResult;
  matchesOnly: boolean;
}) {
  const { t } = useTranslation();
  const { giveFeedback } = useScan();
  const order = result.faces
    .map((face, index) => ({ face, index }))
    .filter(({ face }) => !matchesOnly || worthReview(face.verdict))
    .sort((a, b) => VERDICT_RANK[a.face.verdict] - VERDICT_RANK[b.face.verdict] || a.index - b.index);
  const matches = result.faces.filter((f) => f.verdict === 'match').length;
  const possible = result.faces.filter((f) => f.verdict === 'possible').length;
  return (
    <>
      <Group gap={6}>
        <Badge
          size="md"
          radius="sm"
          variant={matches > 0 ? 'filled' : 'default'}
          color={matches > 0 ? 'red' : 'gray'}
          tt="none"
          fw={600}
          data-testid="match-count"
          data-count={matches}
        >
          {t('identify.matchCount', { count: matches })}
        </Badge>
        {possible > 0 && (
          <Badge size="md" radius="sm" variant="light" color="orange" tt="none" fw={600}>
            {t('identify.possibleCount', { count: possible })}
          </Badge>
        )}
        <FaceCountBadge count={result.faces.length} />
      </Group>
      {result.watchlistSize === 0 && (
        <Text size="xs" c="dimmed" data-testid="watchlist-empty-note">
          {t('identify.watchlistEmpty')}
        </Text>
      )}
      {order.length > 0 && (
        <Stack gap={4}>
          {order.map(({ face, index }) => (
            <FaceVerdictRow
              key={index}
              face={face}
              index={index}
              photoName={item.name}
              feedback={item.feedback?.[index]}
              onFeedback={(verdict) => giveFeedback(item.id, index, verdict)}
            />
          ))}
        </Stack>
      )}
    </>
  );
}

export const PhotoCard = memo(function PhotoCard({
  item,
  onOpen,
  matchesOnly = false,
}: {
  item: ScanItem;
  onOpen: (item: ScanItem) => void;
  matchesOnly?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const status = statusAttr(item);
  const result = item.result;
  const identified = item.identified;
  const verified = item.verified;
  const error = item.error;
  const image = result ?? identified ?? verified;
  const boxes = scanBoxes(item, lang, t, (f) => !matchesOnly || worthReview(f.verdict));

  return (
    <Card
      withBorder
      padding={0}
      radius="sm"
      data-testid="photo-card"
      data-status={status}
      data-mode={item.mode}
      data-name={item.name}
      aria-busy={status === 'pending'}
      style={{ alignSelf: 'start' }}
    >
      <Card.Section>
        {image ? (
          <button
            type="button"
            className={photoViewClasses.openButton}
            onClick={() => onOpen(item)}
            aria-label={t('scan.openPreview', { name: item.name })}
          >
            <PhotoView image={image} boxes={boxes} frameRatio={CARD_FRAME_RATIO} />
          </button>
        ) : error ? (
          <PhotoFrame ratio={CARD_FRAME_RATIO} error>
            <IconAlert size={32} />
          </PhotoFrame>
        ) : (
          <PhotoFrame ratio={CARD_FRAME_RATIO}>
            {item.status === 'inspecting' ? <Loader size="sm" color="gray.3" /> : <IconPhoto size={30} />}
            <Text size="xs" c="dark.1">
              {item.status !== 'inspecting'
                ? t('scan.queued')
                : item.mode === 'identify'
                  ? t('identify.identifying')
                  : item.mode === 'verify'
                    ? t('scan.verify.looking', { name: item.subjectName ?? '' })
                    : t('scan.inspecting')}
            </Text>
          </PhotoFrame>
        )}
      </Card.Section>

      <Stack gap={6} p="sm">
        <FileName item={item} />
        {result && (
          <>
            <Text size="xs" c="dimmed" truncate="end" data-testid="photo-meta">
              {[
                t('scan.dimensions', { width: result.width, height: result.height }),
                result.format.toUpperCase(),
                t('common.milliseconds', { value: formatMs(lang, result.timings.totalMs) }),
              ].join(' · ')}
            </Text>
            <Group gap={6}>
              <Badge
                size="md"
                radius="sm"
                variant={result.faces.length > 0 ? 'light' : 'default'}
                color={result.faces.length > 0 ? undefined : 'gray'}
                tt="none"
                fw={600}
                data-testid="face-count"
                data-count={result.faces.length}
              >
                {t('scan.faceCount', { count: result.faces.length })}
              </Badge>
            </Group>
          </>
        )}
        {identified && (
          <>
            <Text size="xs" c="dimmed" truncate="end" data-testid="photo-meta">
              {[
                t('scan.dimensions', { width: identified.width, height: identified.height }),
                t('identify.againstWatchlist', { count: identified.watchlistSize }),
              ].join(' · ')}
            </Text>
            <IdentifyDetails item={item} result={identified} matchesOnly={matchesOnly} />
          </>
        )}
        {verified && (
          <>
            <Text size="xs" c="dimmed" truncate="end" data-testid="photo-meta">
              {[
                t('scan.dimensions', { width: verified.width, height: verified.height }),
                t('scan.verify.checkedFor', { name: verified.name }),
              ].join(' · ')}
            </Text>
            <VerifyDetails result={verified} />
          </>
        )}
        {error && (
          <Alert
            color="red"
            variant="light"
            p="xs"
            title={t(`errors.codes.${error.code}`)}
            data-testid="photo-error"
            data-code={error.code}
            styles={{ title: { marginBottom: 2 }, label: { fontSize: 'var(--mantine-font-size-sm)' } }}
          >
            <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
              {errorText(error, t, i18n.language)}
            </Text>
            <Text size="xs" c="dimmed" mt={4} ff="monospace">
              {t('common.errorCode')}: {error.code}
            </Text>
          </Alert>
        )}
        {status === 'pending' && (
          <>
            <Skeleton height={10} width="70%" radius="sm" animate={item.status === 'inspecting'} />
            <Skeleton height={10} width="40%" radius="sm" animate={item.status === 'inspecting'} />
          </>
        )}
      </Stack>
    </Card>
  );
});
