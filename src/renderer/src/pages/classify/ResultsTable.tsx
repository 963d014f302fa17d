import {
  ActionIcon,
  Autocomplete,
  Badge,
  Button,
  Group,
  Image,
  Loader,
  Popover,
  Stack,
  Table,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ClassifyResult } from '../../../../shared/classify-schemas';
import { IconAlert, IconCheck, IconX } from '../../components/icons';
import { formatScore } from '../../format';
import { useClassify, type ClassifyItem } from './ClassifyProvider';
import { errorText } from '../../lib/error-text';
import { foldForSearch } from '../../../../shared/search-text';

export type SortKey = 'file' | 'label' | 'score' | 'objects' | 'faces';
export interface Sort {
  key: SortKey;
  desc: boolean;
}

type Translate = TFunction;

/**
 * Below this breakpoint (a 1024-px window beside the navigation) the score sits beside the top
 * label instead of in a column of its own, so the table fits without scrolling sideways.
 */
const SCORE_COLUMN_FROM = 'lg';

/** Long names and lists wrap onto a second line (then end in …) rather than widen the table. */
const WRAP = { overflowWrap: 'anywhere' } as const;

const topScore = (item: ClassifyItem) => item.result?.top[0]?.score ?? -1;

/** Sort value of a row. */
function sortValue(item: ClassifyItem, key: SortKey): string | number {
  const r = item.result;
  switch (key) {
    case 'file':
      return item.relativePath.toLowerCase();
    case 'label':
      return r?.top[0]?.label ?? '\uffff';
    case 'score':
      return topScore(item);
    case 'objects':
      return r ? r.objects.length : -1;
    case 'faces':
      return r ? r.faces.length : -1;
  }
}

export function sortItems(items: readonly ClassifyItem[], sort: Sort): ClassifyItem[] {
  const dir = sort.desc ? -1 : 1;
  return [...items].sort((a, b) => {
    // Failed and pending rows stay below the results whichever way a result column is sorted.
    if (sort.key !== 'file' && !a.result !== !b.result) return a.result ? -1 : 1;
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === vb) return a.id - b.id;
    return (va < vb ? -1 : 1) * dir;
  });
}

/**
 * Matches the file name, any top label or any object label, case and accents aside: "xicara"
 * finds "xícara", as people type in the filter.
 */
export function matchesFilter(item: ClassifyItem, text: string): boolean {
  const q = foldForSearch(text.trim());
  if (!q) return true;
  const r = item.result;
  const has = (s: string) => foldForSearch(s).includes(q);
  return (
    has(item.relativePath) || !!r?.top.some((l) => has(l.label)) || !!r?.objects.some((o) => has(o.label))
  );
}

/** "person ×3, tie ×2" */
function objectSummary(r: ClassifyResult): string {
  const counts = new Map<string, number>();
  for (const o of r.objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  return [...counts.entries()].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label)).join(', ');
}

const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
type Emotion = (typeof EMOTIONS)[number];
const isEmotion = (e: string | null): e is Emotion => (EMOTIONS as readonly (string | null)[]).includes(e);

export function faceText(f: ClassifyResult['faces'][number], t: Translate): string {
  const emotion = f.emotion;
  return t('classify.face', {
    gender: t(`classify.genders.${f.gender ?? 'unknown'}`),
    age: f.age === null ? t('classify.unknownAge') : String(Math.round(f.age)),
    emotion: isEmotion(emotion) ? t(`classify.emotions.${emotion}`) : (emotion ?? '?'),
  });
}

function SortHeader({
  column,
  sort,
  onSort,
  align,
  visibleFrom,
}: {
  column: SortKey;
  sort: Sort;
  onSort: (key: SortKey) => void;
  align?: 'right';
  visibleFrom?: typeof SCORE_COLUMN_FROM;
}) {
  const { t } = useTranslation();
  const label = t(`classify.columns.${column}`);
  const active = sort.key === column;
  return (
    <Table.Th
      aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      style={align ? { textAlign: 'right' } : undefined}
      visibleFrom={visibleFrom}
    >
      <UnstyledButton
        onClick={() => onSort(column)}
        aria-label={t('classify.sortBy', { column: label })}
        data-testid={`classify-sort-${column}`}
      >
        <Text size="sm" fw={600} span>
          {label} {active ? (sort.desc ? '↓' : '↑') : ''}
        </Text>
      </UnstyledButton>
    </Table.Th>
  );
}

function FeedbackCell({ item, labels }: { item: ClassifyItem; labels: string[] }) {
  const { t, i18n } = useTranslation();
  const { giveFeedback } = useClassify();
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  // Whether the suggestion list shows: Escape closes it first, and only then the popover.
  const [listOpen, setListOpen] = useState(false);
  const fb = item.feedback;
  if (!item.historyId || item.status !== 'done') return null;
  const query = label.trim().toLowerCase();
  const listShown = listOpen && labels.some((l) => l.toLowerCase().includes(query));
  const title = !fb
    ? ''
    : fb.verdict === 'correct'
      ? t('classify.feedback.markedCorrect')
      : fb.label
        ? t('classify.feedback.markedWrongAs', { label: fb.label })
        : t('classify.feedback.markedWrong');
  return (
    <Stack gap={2} data-testid="classify-feedback" data-verdict={fb?.verdict ?? ''}>
      <Group gap={4} wrap="nowrap">
        <Tooltip label={fb?.verdict === 'correct' ? title : t('classify.feedback.correct')}>
          <ActionIcon
            variant={fb?.verdict === 'correct' ? 'filled' : 'default'}
            color="teal"
            aria-label={t('classify.feedback.correct')}
            aria-pressed={fb?.verdict === 'correct'}
            disabled={fb?.sending}
            onClick={() => giveFeedback(item.id, 'correct')}
            data-testid="classify-feedback-correct"
          >
            <IconCheck size={16} />
          </ActionIcon>
        </Tooltip>
        <Popover
          opened={open}
          onChange={setOpen}
          position="bottom-end"
          withArrow
          trapFocus
          returnFocus
          // Escape is handled by the form: the suggestion list closes before the popover does.
          closeOnEscape={false}
          shadow="md"
        >
          <Popover.Target>
            <Tooltip label={fb?.verdict === 'wrong' ? title : t('classify.feedback.wrong')} disabled={open}>
              <ActionIcon
                variant={fb?.verdict === 'wrong' ? 'filled' : 'default'}
                color="red"
                aria-label={t('classify.feedback.wrong')}
                aria-pressed={fb?.verdict === 'wrong'}
                disabled={fb?.sending}
                onClick={() => setOpen((o) => !o)}
                data-testid="classify-feedback-wrong"
              >
                <IconX size={16} />
              </ActionIcon>
            </Tooltip>
          </Popover.Target>
          <Popover.Dropdown>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                giveFeedback(item.id, 'wrong', label);
                setOpen(false);
              }}
              onKeyDown={(event) => {
                // The list (when shown) closes itself on this Escape; the typed label is kept for the next open.
                if (event.key === 'Escape' && !listShown) setOpen(false);
              }}
            >
              {/* Save sits beside the field, so the suggestion list below the field never covers it. */}
              <Group gap="xs" wrap="nowrap" align="flex-end" w={320}>
                <Autocomplete
                  label={t('classify.feedback.rightLabel')}
                  description={t('classify.feedback.rightLabelHint')}
                  data={labels}
                  value={label}
                  onChange={setLabel}
                  onDropdownOpen={() => setListOpen(true)}
                  onDropdownClose={() => setListOpen(false)}
                  maxLength={200}
                  comboboxProps={{ withinPortal: false }}
                  style={{ flex: 1, minWidth: 0 }}
                  data-testid="classify-feedback-label"
                />
                <Button type="submit" color="red" data-testid="classify-feedback-save">
                  {t('classify.feedback.save')}
                </Button>
              </Group>
            </form>
          </Popover.Dropdown>
        </Popover>
        {fb?.sending && <Loader size="xs" />}
        {fb?.error && (
          <Tooltip label={`${t('classify.feedback.failed')}: ${errorText(fb.error, t, i18n.language)}`}>
            <IconAlert size={16} color="var(--mantine-color-red-6)" />
          </Tooltip>
        )}
      </Group>
      {fb?.verdict === 'wrong' && fb.label && !fb.error && (
        <Text size="xs" c="dimmed" truncate="end" maw={110} title={title}>
          {t('classify.feedback.shouldBe', { label: fb.label })}
        </Text>
      )}
    </Stack>
  );
}

/** The batch as a table: thumbnail, top label and score, objects, faces, feedback. */
export function ResultsTable({
  items,
  sort,
  onSort,
  onOpen,
  labelsOf,
}: {
  items: readonly ClassifyItem[];
  sort: Sort;
  onSort: (key: SortKey) => void;
  onOpen: (item: ClassifyItem) => void;
  /** Labels a model can give (suggestions for "the right label"). */
  labelsOf: (model: string) => string[];
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <Table.ScrollContainer minWidth={680}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="classify-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={88}>{t('classify.columns.photo')}</Table.Th>
            <SortHeader column="file" sort={sort} onSort={onSort} />
            <SortHeader column="label" sort={sort} onSort={onSort} />
            <SortHeader
              column="score"
              sort={sort}
              onSort={onSort}
              align="right"
              visibleFrom={SCORE_COLUMN_FROM}
            />
            <SortHeader column="objects" sort={sort} onSort={onSort} />
            <SortHeader column="faces" sort={sort} onSort={onSort} />
            <Table.Th w={96}>{t('classify.columns.feedback')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => {
            const r = item.result;
            const first = r?.top[0];
            return (
              <Table.Tr
                key={item.id}
                data-testid="classify-row"
                data-status={item.status}
                data-label={first?.label ?? ''}
              >
                <Table.Td>
                  {r ? (
                    <UnstyledButton
                      onClick={() => onOpen(item)}
                      aria-label={t('classify.open', { name: item.name })}
                    >
                      <Image src={r.thumbnailUrl} alt="" w={72} h={54} fit="cover" radius="sm" />
                    </UnstyledButton>
                  ) : (
                    <div style={{ width: 72, height: 54, display: 'grid', placeItems: 'center' }}>
                      {item.status === 'running' || item.status === 'queued' ? (
                        <Loader size="sm" type={item.status === 'queued' ? 'dots' : 'oval'} />
                      ) : (
                        <IconAlert size={22} color="var(--mantine-color-red-6)" />
                      )}
                    </div>
                  )}
                </Table.Td>
                <Table.Td maw={280}>
                  <Text size="sm" lineClamp={2} style={WRAP} title={item.relativePath}>
                    {item.relativePath}
                  </Text>
                  {r && (
                    <Text size="xs" c="dimmed">
                      {r.width} × {r.height} · {r.model}
                    </Text>
                  )}
                </Table.Td>
                {item.status === 'error' ? (
                  <Table.Td colSpan={4}>
                    <Group gap="xs" wrap="nowrap">
                      {item.error && (
                        // The code's title in the UI language, as Scan shows it; the code stays for scripts.
                        <Badge
                          color="red"
                          variant="light"
                          radius="sm"
                          tt="none"
                          style={{ flexShrink: 0 }}
                          data-testid="classify-error-code"
                          data-code={item.error.code}
                        >
                          {t(`errors.codes.${item.error.code}`)}
                        </Badge>
                      )}
                      <Text size="sm" c="red" lineClamp={2} style={WRAP}>
                        {item.error && errorText(item.error, t, i18n.language)}
                      </Text>
                    </Group>
                  </Table.Td>
                ) : !r ? (
                  <Table.Td colSpan={4}>
                    <Text size="sm" c="dimmed">
                      {t(`classify.status.${item.status === 'running' ? 'running' : 'queued'}`)}
                    </Text>
                  </Table.Td>
                ) : (
                  <>
                    <Table.Td>
                      {first ? (
                        <Stack gap={2}>
                          <Text size="sm" fw={600}>
                            <span data-testid="classify-top-label">{first.label}</span>
                            <Text span size="sm" ff="monospace" fw={400} hiddenFrom={SCORE_COLUMN_FROM}>
                              {' '}
                              {formatScore(lang, first.score)}
                            </Text>
                          </Text>
                          {r.top.length > 1 && (
                            <Text size="xs" c="dimmed" lineClamp={2} maw={220} style={WRAP}>
                              {r.top
                                .slice(1)
                                .map((l) => `${l.label} ${formatScore(lang, l.score)}`)
                                .join(', ')}
                            </Text>
                          )}
                        </Stack>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('classify.noLabel')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} visibleFrom={SCORE_COLUMN_FROM}>
                      <Text size="sm" ff="monospace">
                        {first ? formatScore(lang, first.score) : t('common.none')}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={240}>
                      <Text size="sm" lineClamp={2} c={r.objects.length ? undefined : 'dimmed'}>
                        {r.objectModel === null
                          ? t('common.none')
                          : r.objects.length
                            ? objectSummary(r)
                            : t('classify.noObjects')}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={260}>
                      {r.faces.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t('classify.noFaces')}
                        </Text>
                      ) : (
                        <Stack gap={0}>
                          {r.faces.slice(0, 3).map((f, i) => (
                            // One face a line: a line broken in two reads as two faces.
                            <Text key={i} size="xs" style={{ whiteSpace: 'nowrap' }}>
                              {faceText(f, t)}
                            </Text>
                          ))}
                          {r.faces.length > 3 && (
                            <Text size="xs" c="dimmed">
                              +{r.faces.length - 3}
                            </Text>
                          )}
                        </Stack>
                      )}
                    </Table.Td>
                  </>
                )}
                <Table.Td>
                  <FeedbackCell item={item} labels={r ? labelsOf(r.model) : []} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
