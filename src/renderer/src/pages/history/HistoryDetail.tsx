import { Alert, Badge, Drawer, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { summaryText } from '../../lib/history-summary';
import type { HistoryRecord } from '../../../../shared/history-schemas';
import { identifyResultSchema, type IdentifyResult } from '../../../../shared/match-schemas';
import { useHistoryRecord } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconAlert } from '../../components/icons';
import { formatDateTime, formatScore, scoreDigits } from '../../format';
import { VERDICT_COLOR } from '../../lib/labels';
import { identifyBoxes } from '../scan/PhotoCard';
import { PhotoView, type PhotoImage } from '../scan/PhotoView';
import { StatusBadge } from './StatusBadge';
import { errorText } from '../../lib/error-text';
import { standingFeedback } from '../../lib/feedback';
import { localizeStoredResult } from '../../lib/class-names';
import { fieldLabel, formatFieldValue, isRecord, shownEntries } from '../../lib/result-fields';

/** A preview the core stored with the result (inspect results keep one, without the face list). */
function photoOf(result: unknown): PhotoImage | null {
  if (!isRecord(result)) return null;
  const { file, width, height, previewUrl, previewWidth, previewHeight } = result;
  if (typeof previewUrl !== 'string' || typeof width !== 'number' || typeof height !== 'number') return null;
  return {
    file: typeof file === 'string' ? file : '',
    width,
    height,
    previewUrl,
    previewWidth: typeof previewWidth === 'number' ? previewWidth : width,
    previewHeight: typeof previewHeight === 'number' ? previewHeight : height,
  };
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w="34%">
        <Text size="sm" fw={500}>
          {label}
        </Text>
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** Rows of a list of objects shown at most: a search can keep a thousand results. */
const MAX_ROWS = 50;

/** One value written for people; objects and lists of objects as fields of their own. */
function Value({ name, value, depth }: { name: string; value: unknown; depth: number }) {
  const { t, i18n } = useTranslation();
  const text = formatFieldValue(t, i18n.language, name, value);
  if (text !== null) {
    return (
      <Text
        size="sm"
        ff={/^(sha256|id|\w+Id)$/.test(name) ? 'monospace' : undefined}
        style={{ overflowWrap: 'anywhere' }}
      >
        {text}
      </Text>
    );
  }
  if (isRecord(value)) return <Fields value={value} depth={depth + 1} />;
  const rows = (value as unknown[]).filter(isRecord);
  const more = rows.length - MAX_ROWS;
  return (
    <Stack gap={4}>
      {rows.slice(0, MAX_ROWS).map((row, i) =>
        // Inside a table already: one line per item.
        depth > 0 ? (
          <Text key={i} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {shownEntries(row)
              .map(([k, v]) => `${fieldLabel(t, k, name)} ${formatFieldValue(t, i18n.language, k, v) ?? '…'}`)
              .join(' · ')}
          </Text>
        ) : (
          <Fields key={i} value={row} depth={depth + 1} parent={name} />
        ),
      )}
      {more > 0 && (
        <Text size="sm" c="dimmed">
          {t('history.values.more', { count: more })}
        </Text>
      )}
    </Stack>
  );
}

/** A result's fields with translated labels and values written for people (no raw JSON). */
function Fields({
  value,
  depth = 0,
  parent,
}: {
  value: Record<string, unknown>;
  depth?: number;
  /** The list these fields are a row of. */
  parent?: string;
}) {
  const { t } = useTranslation();
  return (
    <Table
      variant="vertical"
      layout="fixed"
      verticalSpacing={4}
      withTableBorder
      data-testid={depth === 0 ? 'history-result-fields' : undefined}
    >
      <Table.Tbody>
        {shownEntries(value).map(([key, v]) => (
          <Field key={key} label={fieldLabel(t, key, parent)}>
            <Value name={key} value={v} depth={depth} />
          </Field>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function IdentifyFaces({ result }: { result: IdentifyResult }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (result.faces.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('history.detail.noFaces')}
      </Text>
    );
  }
  return (
    <Table verticalSpacing={4} withTableBorder data-testid="history-faces">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={50}>#</Table.Th>
          <Table.Th>{t('history.detail.verdict')}</Table.Th>
          <Table.Th>{t('history.detail.bestCandidate')}</Table.Th>
          <Table.Th ta="right">{t('history.detail.score')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {result.faces.map((face, index) => {
          const best = face.candidates[0];
          return (
            <Table.Tr key={index} data-testid="history-face" data-verdict={face.verdict}>
              <Table.Td>{index + 1}</Table.Td>
              <Table.Td>
                <Badge size="sm" radius="sm" variant="light" color={VERDICT_COLOR[face.verdict]} tt="none">
                  {t(`identify.verdicts.${face.verdict}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{best?.name ?? t('common.none')}</Text>
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm" ff="monospace">
                  {/* As many decimals as tell the score from its thresholds, so it agrees with the verdict. */}
                  {best
                    ? formatScore(
                        lang,
                        best.score,
                        scoreDigits(best.score, [face.thresholds.match, face.thresholds.possible]),
                      )
                    : t('common.none')}
                </Text>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function ResultView({ record }: { record: HistoryRecord }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (record.result === undefined || record.result === null) {
    return (
      <Text size="sm" c="dimmed">
        {t('history.detail.noResult')}
      </Text>
    );
  }
  const identified = record.kind === 'identify' ? identifyResultSchema.safeParse(record.result) : null;
  if (identified?.success) {
    const result = identified.data;
    return (
      <Stack gap="sm">
        <PhotoView image={result} boxes={identifyBoxes(result, lang, t)} />
        <IdentifyFaces result={result} />
      </Stack>
    );
  }
  const photo = photoOf(record.result);
  return (
    <Stack gap="sm">
      {photo && <PhotoView image={photo} boxes={[]} />}
      {isRecord(record.result) ? (
        <Fields
          value={record.kind === 'classify' ? localizeStoredResult(record.result, lang) : record.result}
        />
      ) : (
        <Value name="result" value={record.result} depth={0} />
      )}
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function Detail({ record }: { record: HistoryRecord }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const when = (iso: string | null) => (iso ? formatDateTime(lang, iso) : t('common.none'));
  const standing = standingFeedback(record.feedback);
  return (
    <Stack gap="lg">
      <Table variant="vertical" layout="fixed" verticalSpacing={4} withTableBorder>
        <Table.Tbody>
          <Field label={t('history.columns.kind')}>
            <Text size="sm">{t(`history.kinds.${record.kind}`)}</Text>
          </Field>
          <Field label={t('history.columns.status')}>
            <StatusBadge status={record.status} />
          </Field>
          <Field label={t('history.detail.id')}>
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {record.id}
            </Text>
          </Field>
          <Field label={t('history.columns.created')}>
            <Text size="sm">{when(record.createdAt)}</Text>
          </Field>
          <Field label={t('history.detail.started')}>
            <Text size="sm">{when(record.startedAt)}</Text>
          </Field>
          <Field label={t('history.detail.finished')}>
            <Text size="sm">{when(record.finishedAt)}</Text>
          </Field>
          <Field label={t('history.columns.inputs')}>
            <Stack gap={2}>
              {record.inputs.length === 0 && <Text size="sm">{t('common.none')}</Text>}
              {record.inputs.map((input, i) => (
                <Text key={i} size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {input.file}
                  {input.sha256 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      sha256 {input.sha256.slice(0, 12)}…
                    </Text>
                  )}
                </Text>
              ))}
            </Stack>
          </Field>
          <Field label={t('history.columns.summary')}>
            <Text size="sm" data-testid="history-detail-summary">
              {summaryText(record, t, i18n.language) || t('common.none')}
            </Text>
          </Field>
        </Table.Tbody>
      </Table>

      {record.error && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlert />}
          title={t('history.detail.error')}
          data-testid="history-detail-error"
          data-code={record.error.code}
        >
          <Stack gap={2}>
            <Text size="sm" ff="monospace" fw={600}>
              {record.error.code}
            </Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {errorText(record.error, t, i18n.language)}
            </Text>
          </Stack>
        </Alert>
      )}

      <Section title={t('history.detail.feedback', { count: record.feedback.length })}>
        {record.feedback.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('history.detail.noFeedback')}
          </Text>
        ) : (
          <Table verticalSpacing={4} withTableBorder data-testid="history-feedback">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('history.detail.feedbackAt')}</Table.Th>
                <Table.Th>{t('history.detail.face')}</Table.Th>
                <Table.Th>{t('history.detail.verdict')}</Table.Th>
                <Table.Th>{t('history.detail.note')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {record.feedback.map((f, i) => (
                <Table.Tr
                  key={i}
                  data-testid="history-feedback-row"
                  data-standing={standing[i] ? 'true' : 'false'}
                  c={standing[i] ? undefined : 'dimmed'}
                >
                  <Table.Td>
                    <Text size="sm" inherit>
                      {formatDateTime(lang, f.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{f.faceIndex + 1}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge
                        size="sm"
                        radius="sm"
                        variant={standing[i] ? 'light' : 'outline'}
                        color={standing[i] ? (f.verdict === 'correct' ? 'teal' : 'red') : 'gray'}
                      >
                        {t(`history.detail.feedbackVerdicts.${f.verdict}`)}
                      </Badge>
                      {!standing[i] && (
                        <Text size="xs" inherit>
                          {t('history.detail.feedbackReplaced')}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" inherit>
                      {[f.label && t('history.detail.feedbackLabel', { label: f.label }), f.note]
                        .filter(Boolean)
                        .join(' · ') || t('common.none')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>

      <Section title={t('history.detail.result')}>
        <ResultView record={record} />
      </Section>
    </Stack>
  );
}

export function HistoryDetail({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const record = useHistoryRecord(id);
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        <Group gap="xs">
          <Text fw={700}>{t('history.detail.title')}</Text>
        </Group>
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <div data-testid="history-detail" data-history-id={id ?? undefined}>
        {record.isPending && id !== null && (
          <Stack gap="sm">
            <Skeleton height={20} />
            <Skeleton height={200} />
          </Stack>
        )}
        {record.isError && <ErrorNotice error={record.error} onRetry={() => void record.refetch()} />}
        {record.data && <Detail record={record.data} />}
      </div>
    </Drawer>
  );
}
