import { Alert, Badge, Button, Grid, List, Modal, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { subjectMatchesQuery } from '../../../../shared/search-text';
import type { importReportSchema } from '../../../../shared/watchlist-schemas';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import {
  IconCompare,
  IconDownload,
  IconFileImport,
  IconPlus,
  IconSearch,
  IconWatchlist,
} from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { downloadBase64 } from '../../lib/download';
import { toImageSource } from '../../lib/files';
import { refusedReason, skippedReason, undescribedReason } from '../../lib/labels';
import { formatBytes, formatNumber } from '../../format';
import { useNavigation, WATCHLIST_TABS } from '../../navigation';
import { ComparePanel } from './ComparePanel';
import { SearchPanel } from './SearchPanel';
import { SubjectDetail } from './SubjectDetail';
import { SubjectFormModal } from './SubjectForm';
import { SubjectList } from './SubjectList';
import { useResetOnChange } from '../../lib/use-reset-on-change';
import { useSingleFlightMutation } from '../../api/single-flight';

type ImportReport = z.infer<typeof importReportSchema>;

function ReportSection({
  title,
  color,
  rows,
  testId,
}: {
  title: string;
  color: string;
  rows: Array<{ id: string; text: string }>;
  testId: string;
}) {
  return (
    <Stack gap={4} data-testid={testId} data-count={rows.length}>
      <Text size="sm" fw={600}>
        {title}{' '}
        <Badge size="sm" radius="sm" variant="light" color={color}>
          {rows.length}
        </Badge>
      </Text>
      {rows.length > 0 && (
        <List size="sm" spacing={2}>
          {rows.map((r) => (
            <List.Item key={r.id}>{r.text}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="import-report">
      <Text size="sm">
        {t('watchlist.import.summary', {
          added: report.added.length,
          updated: report.updated.length,
          skipped: report.skipped.length,
        })}
      </Text>
      <ReportSection
        title={t('watchlist.import.added')}
        color="teal"
        testId="import-added"
        rows={report.added.map((r) => ({ id: r.id, text: r.name }))}
      />
      <ReportSection
        title={t('watchlist.import.updated')}
        color="indigo"
        testId="import-updated"
        rows={report.updated.map((r) => ({
          id: r.id,
          text: t('watchlist.import.updatedRow', { name: r.name, count: r.facesAdded }),
        }))}
      />
      <ReportSection
        title={t('watchlist.import.skipped')}
        color="gray"
        testId="import-skipped"
        rows={report.skipped.map((r) => ({
          id: r.id,
          text: `${r.name} — ${skippedReason(t, r)}`,
        }))}
      />
      {report.describedAgain > 0 && (
        <Text size="sm" data-testid="import-described-again">
          {t('watchlist.import.describedAgain', { count: report.describedAgain })}
        </Text>
      )}
      {report.notDescribed.length > 0 && (
        <ReportSection
          title={t('watchlist.import.notDescribed')}
          color="orange"
          testId="import-not-described"
          rows={report.notDescribed.map((r, i) => ({
            id: String(i),
            text: t('watchlist.import.notDescribedRow', { ...r, reason: undescribedReason(t, r) }),
          }))}
        />
      )}
      {report.refused && report.refused.length > 0 && (
        <ReportSection
          title={t('watchlist.import.refused')}
          color="orange"
          testId="import-refused"
          rows={report.refused.map((r, i) => ({
            id: String(i),
            text: t('watchlist.import.refusedRow', { ...r, reason: refusedReason(t, r) }),
          }))}
        />
      )}
    </Stack>
  );
}

export function WatchlistPage() {
  const { t, i18n } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  // The tab is kept for the session; opening a subject (from a search result, a Scan candidate)
  // switches to Subjects.
  const { subjectId, openSubject, watchlistTab, setWatchlistTab } = useNavigation();
  const [creating, setCreating] = useState(false);
  const [query, setQuery] = useState('');
  const importInput = useRef<HTMLInputElement>(null);

  const exportList = useSingleFlightMutation({
    mutationFn: () => client.invoke('watchlist.export', {}),
    onSuccess: (result) => downloadBase64(result.fileName, result.data, 'application/json'),
  });

  // "Exported 3 subjects" is gone once the watchlist changes: it no longer says what is listed.
  useResetOnChange(exportList.isSuccess, queryKeys.watchlist, exportList.reset);

  const importList = useSingleFlightMutation({
    mutationFn: async (file: File) =>
      client.invoke('watchlist.import', { source: await toImageSource(file) }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist }),
  });
  const [importOpen, setImportOpen] = useState(false);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('watchlist.title')}
        description={t('watchlist.description')}
        actions={
          <>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconFileImport size={16} />}
              onClick={() => importInput.current?.click()}
              loading={importList.isPending}
              data-testid="watchlist-import"
            >
              {t('watchlist.import.button')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconDownload size={16} />}
              onClick={() => exportList.mutate()}
              loading={exportList.isPending}
              data-testid="watchlist-export"
            >
              {t('watchlist.export.button')}
            </Button>
            <Button
              size="sm"
              leftSection={<IconPlus size={16} />}
              onClick={() => setCreating(true)}
              data-testid="new-subject"
            >
              {t('watchlist.newSubject')}
            </Button>
          </>
        }
      />
      <input
        ref={importInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="watchlist-import-input"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (!file) return;
          setImportOpen(true);
          importList.mutate(file);
        }}
      />

      {exportList.isSuccess && (
        <Alert
          color="teal"
          variant="light"
          py="xs"
          withCloseButton
          closeButtonLabel={t('common.dismiss')}
          onClose={() => exportList.reset()}
          data-testid="watchlist-export-done"
        >
          <Text size="sm">
            {t('watchlist.export.done', {
              file: exportList.data.fileName,
              subjects: t('watchlist.export.subjects', {
                count: exportList.data.subjects,
                n: formatNumber(i18n.language, exportList.data.subjects),
              }),
              faces: t('watchlist.export.faces', {
                count: exportList.data.faces,
                n: formatNumber(i18n.language, exportList.data.faces),
              }),
              size: formatBytes(i18n.language, exportList.data.bytes),
            })}
          </Text>
        </Alert>
      )}
      {exportList.isError && <ErrorNotice error={exportList.error} title={t('watchlist.export.failed')} />}

      <Tabs
        value={watchlistTab}
        onChange={(tab) => {
          const known = WATCHLIST_TABS.find((id) => id === tab);
          if (known) setWatchlistTab(known);
        }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab
            value="subjects"
            leftSection={<IconWatchlist size={16} />}
            data-testid="watchlist-tab-subjects"
          >
            {t('watchlist.tabs.subjects')}
          </Tabs.Tab>
          <Tabs.Tab value="search" leftSection={<IconSearch size={16} />} data-testid="watchlist-tab-search">
            {t('watchlist.tabs.search')}
          </Tabs.Tab>
          <Tabs.Tab
            value="compare"
            leftSection={<IconCompare size={16} />}
            data-testid="watchlist-tab-compare"
          >
            {t('compare.tab')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="subjects" pt="md">
          <Grid gutter="md" align="flex-start">
            <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
              <SubjectList
                selectedId={subjectId}
                onSelect={openSubject}
                onCreate={() => setCreating(true)}
                query={query}
                onQueryChange={setQuery}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
              {subjectId ? (
                <SubjectDetail key={subjectId} subjectId={subjectId} onClosed={() => openSubject(null)} />
              ) : (
                <Paper withBorder radius="sm" p="xl" data-testid="subject-placeholder">
                  <Stack gap={4} align="center">
                    <Title order={3} size="h5">
                      {t('watchlist.pickTitle')}
                    </Title>
                    <Text size="sm" c="dimmed" ta="center" maw={480}>
                      {t('watchlist.pickBody')}
                    </Text>
                  </Stack>
                </Paper>
              )}
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="search" pt="md">
          <SearchPanel />
        </Tabs.Panel>
        <Tabs.Panel value="compare" pt="md">
          <ComparePanel />
        </Tabs.Panel>
      </Tabs>

      <SubjectFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(s) => {
          // A new subject the search hides would have no row, as if creating it had failed.
          if (!subjectMatchesQuery(s, query)) setQuery('');
          openSubject(s.id);
        }}
      />

      <Modal
        opened={importOpen}
        onClose={() => {
          setImportOpen(false);
          importList.reset();
        }}
        title={t('watchlist.import.title')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {importList.isPending && <Text size="sm">{t('watchlist.import.running')}</Text>}
        {importList.isError && <ErrorNotice error={importList.error} title={t('watchlist.import.failed')} />}
        {importList.data && <ImportReportView report={importList.data} />}
      </Modal>
    </Stack>
  );
}
