import {
  ActionIcon,
  Button,
  Card,
  Input,
  Checkbox,
  Group,
  Modal,
  Pagination,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { summaryKeysMatching, summaryText } from '../../lib/history-summary';
import { standingFeedback } from '../../lib/feedback';
import {
  jobKindSchema,
  jobStatusSchema,
  type HistoryRecord,
  type JobKind,
  type JobStatus,
} from '../../../../shared/history-schemas';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys, useHistoryList, type HistoryListInput } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconCalendar, IconDownload, IconRefresh, IconSearch, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatNumber } from '../../format';
import { downloadBase64 } from '../../lib/download';
import { HistoryDetail } from './HistoryDetail';
import { StatusBadge } from './StatusBadge';
import { useSingleFlightMutation } from '../../api/single-flight';
import { errorText } from '../../lib/error-text';
import { baseName } from '../../lib/files';
import { daySettings, parseDay } from '../../lib/local-date';
import { useNavigation } from '../../navigation';

const PAGE_SIZE = 25;
const JOB_KINDS = jobKindSchema.options;
const JOB_STATUSES = jobStatusSchema.options;

/** A `YYYY-MM-DD` from the date field, as the start of that day in local time (ISO). */
function startOfDay(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

type Filter = Omit<HistoryListInput, 'offset' | 'limit'>;

/** The day the list starts from (`YYYY-MM-DD`, '' for none), typed or picked as the app's language writes it. */
function SinceField({ value, onChange }: { value: string; onChange: (day: string) => void }) {
  const { t, i18n } = useTranslation();
  const { format } = daySettings(i18n.language);
  const input = useRef<HTMLInputElement>(null);
  const [invalid, setInvalid] = useState(false);
  const [shown, setShown] = useState({ value, format });
  // Another value from outside (cleared filters) or another language: the field is rewritten.
  if (shown.value !== value || shown.format !== format) {
    setShown({ value, format });
    setInvalid(false);
  }
  const pattern = format.replace(/YYYY|MM|DD/g, (part) =>
    t(`common.dateParts.${part === 'YYYY' ? 'year' : part === 'MM' ? 'month' : 'day'}`),
  );
  const settle = (text: string) => setInvalid(text.trim() !== '' && parseDay(format, text) === null);
  return (
    <DateInput
      ref={input}
      label={t('history.filters.since')}
      placeholder={pattern}
      value={value || null}
      onChange={(day) => onChange(day ?? '')}
      valueFormat={format}
      dateParser={(text) => parseDay(format, text)}
      // Wrong text stays, flagged, rather than silently going back to the last good day.
      fixOnBlur={false}
      allowDeselect
      onInput={() => setInvalid(false)}
      onBlur={(e) => settle(e.currentTarget.value)}
      onKeyDown={(e) => e.key === 'Enter' && settle(e.currentTarget.value)}
      error={invalid ? t('common.dateInvalid', { pattern }) : undefined}
      inputMode="numeric"
      w={170}
      data-testid="history-filter-since"
      data-value={value}
      ariaLabels={{
        previousMonth: t('common.calendar.previousMonth'),
        nextMonth: t('common.calendar.nextMonth'),
        previousYear: t('common.calendar.previousYear'),
        nextYear: t('common.calendar.nextYear'),
        previousDecade: t('common.calendar.previousDecade'),
        nextDecade: t('common.calendar.nextDecade'),
        monthLevelControl: t('common.calendar.monthLevelControl'),
        yearLevelControl: t('common.calendar.yearLevelControl'),
      }}
      getDayProps={(day) => ({ 'data-day': day })}
      attributes={{ levelsGroup: { 'data-testid': 'date-calendar' } }}
      rightSectionPointerEvents="all"
      rightSection={
        <ActionIcon
          variant="subtle"
          color="gray"
          // The field opens its calendar when focused or clicked.
          onClick={() => {
            input.current?.focus();
            input.current?.click();
          }}
          aria-label={t('common.pickDate')}
          data-testid="history-filter-since-calendar"
        >
          <IconCalendar size={16} />
        </ActionIcon>
      }
    />
  );
}

export function HistoryPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useVigil();
  const queryClient = useQueryClient();

  // Opened from another page on its jobs (Scan's earlier scans), or on every job.
  const { historyKind } = useNavigation();
  const [kind, setKind] = useState<JobKind | null>(historyKind);
  const [status, setStatus] = useState<JobStatus | null>(null);
  const [sinceDay, setSinceDay] = useState('');
  const [text, setText] = useState('');
  const [debouncedText] = useDebouncedValue(text.trim(), 300);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'selected' | 'matching' | null>(null);

  // Summaries are stored in English: the words of the UI's language are matched here, by key.
  const keys = useMemo(
    () => (debouncedText ? summaryKeysMatching(debouncedText, t, i18n.language) : []),
    [debouncedText, t, i18n.language],
  );
  const filter: Filter = useMemo(() => {
    const since = startOfDay(sinceDay);
    return {
      ...(kind ? { kind } : {}),
      ...(status ? { status } : {}),
      ...(since ? { since } : {}),
      ...(debouncedText ? { text: debouncedText } : {}),
      ...(keys.length ? { summaryKeys: keys } : {}),
    };
  }, [kind, status, sinceDay, debouncedText, keys]);

  const list = useHistoryList({ ...filter, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  const total = list.data?.total ?? 0;
  const records = list.data?.records ?? [];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const filtered = Object.keys(filter).length > 0;

  // Any filter change starts again at page 1 with nothing selected.
  const changeFilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setPage(1);
      setSelected(new Set());
    };

  const exportFile = useSingleFlightMutation({
    mutationFn: (format: 'csv' | 'json') => client.invoke('history.export', { format, ...filter }),
    onSuccess: (file, format) =>
      downloadBase64(file.fileName, file.data, format === 'csv' ? 'text/csv' : 'application/json'),
  });

  const remove = useSingleFlightMutation({
    mutationFn: async (which: 'selected' | 'matching') => {
      let ids = [...selected];
      if (which === 'matching') {
        ids = [];
        // The list is paged (500 at most a call): collect every matching id first.
        for (let offset = 0; ; offset += 500) {
          const chunk = await client.invoke('history.list', { ...filter, offset, limit: 500 });
          ids.push(...chunk.records.map((r) => r.id));
          if (chunk.records.length < 500 || ids.length >= chunk.total) break;
        }
      }
      let deleted = 0;
      for (let i = 0; i < ids.length; i += 10_000) {
        deleted += (await client.invoke('history.delete', { ids: ids.slice(i, i + 10_000) })).deleted;
      }
      return deleted;
    },
    onSuccess: () => {
      setSelected(new Set());
      setConfirm(null);
      if (openId && !records.some((r) => r.id === openId)) setOpenId(null);
      setPage(1);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.history }),
  });

  const pageIds = records.map((r) => r.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const someOnPage = pageIds.some((id) => selected.has(id));
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const togglePage = () =>
    setSelected((prev) => {
      const next = new Set(prev);
      for (const id of pageIds) {
        if (allOnPage) next.delete(id);
        else next.add(id);
      }
      return next;
    });

  const kindOptions = JOB_KINDS.map((k) => ({ value: k, label: t(`history.kinds.${k}`) }));
  const statusOptions = JOB_STATUSES.map((s) => ({ value: s, label: t(`history.statuses.${s}`) }));

  return (
    <Stack gap="md">
      <PageHeader
        title={t('history.title')}
        description={t('history.description')}
        actions={
          <>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconRefresh size={16} />}
              onClick={() => void list.refetch()}
              loading={list.isFetching && !list.isPending}
              data-testid="history-refresh"
            >
              {t('common.refresh')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconDownload size={16} />}
              onClick={() => exportFile.mutate('csv')}
              loading={exportFile.isPending && exportFile.variables === 'csv'}
              disabled={total === 0}
              data-testid="history-export-csv"
            >
              {t('history.exportCsv')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconDownload size={16} />}
              onClick={() => exportFile.mutate('json')}
              loading={exportFile.isPending && exportFile.variables === 'json'}
              disabled={total === 0}
              data-testid="history-export-json"
            >
              {t('history.exportJson')}
            </Button>
          </>
        }
      />

      <Card withBorder radius="sm" padding="sm">
        {/* Top-aligned: a field's error under it (an invalid date) must not lift the others. */}
        <Group gap="sm" align="flex-start" wrap="wrap">
          <TextInput
            label={t('history.filters.text')}
            placeholder={t('history.filters.textPlaceholder')}
            leftSection={<IconSearch size={16} />}
            value={text}
            onChange={(e) => changeFilter(setText)(e.currentTarget.value)}
            w={280}
            data-testid="history-filter-text"
          />
          <Select
            label={t('history.filters.kind')}
            placeholder={t('history.filters.any')}
            data={kindOptions}
            value={kind}
            onChange={(v) => changeFilter(setKind)(v as JobKind | null)}
            clearable
            w={180}
            data-testid="history-filter-kind"
          />
          <Select
            label={t('history.filters.status')}
            placeholder={t('history.filters.any')}
            data={statusOptions}
            value={status}
            onChange={(v) => changeFilter(setStatus)(v as JobStatus | null)}
            clearable
            w={180}
            data-testid="history-filter-status"
          />
          <SinceField value={sinceDay} onChange={changeFilter(setSinceDay)} />
          {(filtered || text) && (
            // An empty label's height above it, so the button sits level with the fields.
            <Stack gap={0}>
              <Input.Label aria-hidden>{'\u00a0'}</Input.Label>
              <Button
                variant="subtle"
                color="gray"
                onClick={() => {
                  setKind(null);
                  setStatus(null);
                  setSinceDay('');
                  setText('');
                  setPage(1);
                  setSelected(new Set());
                }}
                data-testid="history-filter-clear"
              >
                {t('history.filters.clear')}
              </Button>
            </Stack>
          )}
        </Group>
      </Card>

      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed" data-testid="history-total" data-total={total}>
          {list.data
            ? t(filtered ? 'history.totalMatching' : 'history.total', {
                count: total,
                formatted: formatNumber(lang, total),
              })
            : ' '}
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            color="red"
            variant="light"
            leftSection={<IconTrash size={14} />}
            disabled={selected.size === 0}
            onClick={() => setConfirm('selected')}
            data-testid="history-delete-selected"
          >
            {t('history.deleteSelected', { count: selected.size })}
          </Button>
          <Button
            size="xs"
            color="red"
            variant="subtle"
            disabled={total === 0}
            onClick={() => setConfirm('matching')}
            data-testid="history-delete-matching"
          >
            {filtered ? t('history.deleteMatching') : t('history.deleteAll')}
          </Button>
        </Group>
      </Group>

      {list.isError && <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />}
      {exportFile.isError && <ErrorNotice error={exportFile.error} title={t('history.exportFailed')} />}

      <Card withBorder radius="sm" padding={0}>
        <Table.ScrollContainer minWidth={720}>
          {/* Fixed layout: the inputs and summary columns share what the others leave and cut
              their text, so the feedback column stays in view (in Portuguese it was cut off). */}
          <Table
            verticalSpacing={8}
            horizontalSpacing="sm"
            highlightOnHover
            striped
            style={{ tableLayout: 'fixed' }}
            data-testid="history-table"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('history.selectPage')}
                    checked={allOnPage}
                    indeterminate={someOnPage && !allOnPage}
                    onChange={togglePage}
                    disabled={pageIds.length === 0}
                    data-testid="history-select-page"
                  />
                </Table.Th>
                <Table.Th w={120}>{t('history.columns.kind')}</Table.Th>
                <Table.Th w={120}>{t('history.columns.status')}</Table.Th>
                <Table.Th w={140}>{t('history.columns.created')}</Table.Th>
                <Table.Th>{t('history.columns.inputs')}</Table.Th>
                <Table.Th>{t('history.columns.summary')}</Table.Th>
                <Table.Th w={96} ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t('history.columns.feedback')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.isPending &&
                Array.from({ length: 5 }, (_, i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={7}>
                      <Skeleton height={16} radius="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {list.data && records.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text size="sm" c="dimmed" ta="center" py="lg" data-testid="history-empty">
                      {filtered ? t('history.emptyFiltered') : t('history.empty')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {records.map((record) => (
                <HistoryRow
                  key={record.id}
                  record={record}
                  lang={lang}
                  selected={selected.has(record.id)}
                  active={openId === record.id}
                  onToggle={() => toggle(record.id)}
                  onOpen={() => setOpenId(record.id)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>

      {pages > 1 && (
        <Group justify="center">
          <Pagination
            total={pages}
            value={page}
            onChange={setPage}
            size="sm"
            data-testid="history-pagination"
          />
        </Group>
      )}

      <HistoryDetail id={openId} onClose={() => setOpenId(null)} />

      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={t('history.confirmTitle')}
        centered
        data-testid="history-confirm"
      >
        <Stack gap="md">
          <Text size="sm">
            {confirm === 'selected'
              ? t('history.confirmSelected', { count: selected.size })
              : t('history.confirmMatching', { count: total })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('history.confirmPhotoData')}
          </Text>
          {remove.isError && <ErrorNotice error={remove.error} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setConfirm(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => confirm && remove.mutate(confirm)}
              data-testid="history-confirm-delete"
            >
              {t('history.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function HistoryRow({
  record,
  lang,
  selected,
  active,
  onToggle,
  onOpen,
}: {
  record: HistoryRecord;
  lang: string;
  selected: boolean;
  active: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const { t, i18n } = useTranslation();
  const files = record.inputs.map((i) => baseName(i.file));
  return (
    <Table.Tr
      onClick={onOpen}
      onKeyDown={(e) => {
        // The row's own keys only: Space on its checkbox selects the row, it does not open it.
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen();
        }
      }}
      tabIndex={0}
      aria-selected={active}
      style={{ cursor: 'pointer' }}
      bg={active ? 'var(--mantine-primary-color-light)' : undefined}
      data-testid="history-row"
      data-history-id={record.id}
      data-status={record.status}
      data-kind={record.kind}
    >
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Checkbox
          aria-label={t('history.selectRow')}
          checked={selected}
          onChange={onToggle}
          data-testid="history-row-select"
        />
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {t(`history.kinds.${record.kind}`)}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={record.status} />
      </Table.Td>
      <Table.Td>
        {/* Short (12/3/26, 6:23 PM): every column fits a 1024-px window; the details give it whole. */}
        <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={formatDateTime(lang, record.createdAt)}>
          {formatDateTime(lang, record.createdAt, 'short')}
        </Text>
      </Table.Td>
      <Table.Td maw={280}>
        <Tooltip label={record.inputs.map((i) => i.file).join('\n')} disabled={files.length === 0} multiline>
          <Text size="sm" truncate="end" ff="monospace">
            {files.length === 0 ? t('common.none') : files.join(', ')}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td maw={360}>
        {record.error ? (
          <Text
            size="sm"
            c="red"
            truncate="end"
            data-testid="history-error-code"
            data-code={record.error.code}
            title={`${errorText(record.error, t, i18n.language)} · ${record.error.code}`}
          >
            {/* What happened first, in the UI's words: a narrow column cut "NOT_AN_I…" and nothing more. */}
            {errorText(record.error, t, i18n.language)} · {record.error.code}
          </Text>
        ) : (
          <Text size="sm" truncate="end">
            {summaryText(record, t, i18n.language) || t('common.none')}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {/* Feedback that still stands: a changed verdict replaces the earlier one. */}
        <Text size="sm" ff="monospace" c={record.feedback.length ? undefined : 'dimmed'}>
          {standingFeedback(record.feedback).filter(Boolean).length}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
