import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  fileNameFromPattern,
  localDate,
  PATTERN_MAX,
  type BlurFormat,
} from '../../../../shared/blur-schemas';
import { ErrorNotice } from '../../components/ErrorNotice';
import { BatchProgressLines, CancelBatchButton } from '../../components/BatchProgress';
import { IconDownload } from '../../components/icons';
import { formatNumber } from '../../format';
import { cx } from '../scan/PhotoView';
import classes from './Blur.module.css';
import { isExportable, stillShowsFace, useBlur, type BlurItem, type ExportBatch } from './BlurProvider';
import { errorText } from '../../lib/error-text';
import { errorShapeOf } from '../../api/errors';
import { useVigil } from '../../api/ClientProvider';
import { FORMAT_LABEL } from '../../lib/labels';

const EXT: Record<BlurFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** "about 2 min left" from the mean time per photo so far. */
function useEta(batch: ExportBatch): string {
  const { t, i18n } = useTranslation();
  if (batch.msPerPhoto === null) return t('blur.export.etaUnknown');
  const seconds = Math.max(1, Math.round(((batch.total - batch.done) * batch.msPerPhoto) / 1000));
  const [value, unit] = seconds < 90 ? [seconds, 'second'] : [Math.round(seconds / 60), 'minute'];
  const duration = new Intl.NumberFormat(i18n.language, { style: 'unit', unit, unitDisplay: 'long' }).format(
    value,
  );
  return t('blur.export.eta', { duration });
}

function ExportProgress({ batch, focusCancel }: { batch: ExportBatch; focusCancel: boolean }) {
  const { t } = useTranslation();
  const { items, cancelExport } = useBlur();
  const eta = useEta(batch);
  const current = items.find((it) => it.id === batch.currentId);
  return (
    <Stack gap={6} data-testid="blur-progress">
      <BatchProgressLines
        ns="scan"
        label={t('blur.export.progress')}
        done={batch.done}
        total={batch.total}
        currentName={current?.relativePath ?? null}
        countTestId="blur-progress-count"
      />
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed" data-testid="blur-eta">
          {eta}
        </Text>
        <CancelBatchButton
          ns="scan"
          size="xs"
          stopping={batch.stopping}
          onCancel={cancelExport}
          testId="blur-cancel"
          autoFocus={focusCancel}
        />
      </Group>
    </Stack>
  );
}

/**
 * The output folder checked as the user types (a pause first), as an export would: a folder
 * that cannot take the copies says why under the field, not when the batch starts.
 */
function useFolderCheck(outDir: string) {
  const { client } = useVigil();
  const [dir] = useDebouncedValue(outDir, 400);
  return useQuery({
    queryKey: ['blur', 'checkOutDir', dir],
    queryFn: () => client.invoke('blur.checkOutDir', { outDir: dir }),
    enabled: dir !== '' && dir === outDir,
    retry: false,
    // Checked again when the page comes back: the folder may have changed meanwhile.
    staleTime: 0,
  });
}

/** Where the blurred copies go and how they are written; then the button that writes them all. */
export function ExportPanel() {
  const { t, i18n } = useTranslation();
  const { items, options, setOptions, batch, exportAll } = useBlur();
  const example = items[0]?.name ?? 'photo.jpg';
  const stem = fileNameFromPattern(options.pattern, {
    name: stemOf(example),
    date: localDate(),
    style: options.style,
  });
  const running = batch?.running ?? false;
  const exportable = items.filter(isExportable).length;
  const unreadable = items.length - exportable;
  const folder = useFolderCheck(options.outDir.trim());
  // After a batch the folder is checked again: the first export made it ("not there yet" no
  // longer holds), or it failed there.
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!running) void queryClient.invalidateQueries({ queryKey: ['blur', 'checkOutDir'] });
  }, [running, queryClient]);
  // Export and Cancel take each other's place: the keyboard focus goes along, not to the page.
  const exportButton = useRef<HTMLButtonElement>(null);
  const [startedHere, setStartedHere] = useState(false);
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running && document.activeElement === document.body)
      exportButton.current?.focus();
    wasRunning.current = running;
  }, [running]);
  const ready =
    exportable > 0 && options.outDir.trim() !== '' && stem !== null && !running && !folder.isError;
  // Spaces alone name no folder: said, rather than an Export button disabled for no given reason.
  const folderError =
    options.outDir !== '' && options.outDir.trim() === ''
      ? t('blur.export.folderBlank')
      : folder.isError
        ? errorText(errorShapeOf(folder.error), t, i18n.language)
        : batch?.fatal && batch.fatal.code !== 'BAD_INPUT'
          ? t(`errors.codes.${batch.fatal.code}`)
          : undefined;

  return (
    <Card withBorder radius="sm" p="sm">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('blur.export.title')}
        </Title>
        <TextInput
          label={t('blur.export.folder')}
          description={
            folder.data && !folder.data.exists ? t('blur.export.folderNew') : t('blur.export.folderHint')
          }
          placeholder={t('blur.export.folderPlaceholder')}
          value={options.outDir}
          onChange={(e) => setOptions({ outDir: e.currentTarget.value })}
          error={folderError}
          styles={{ error: { overflowWrap: 'anywhere' } }}
          spellCheck={false}
          size="sm"
          data-testid="blur-outdir"
        />
        <Group gap="xs" grow wrap="nowrap" align="flex-start">
          <Select
            label={t('blur.export.format')}
            size="sm"
            value={options.format}
            onChange={(v) => v && setOptions({ format: v as BlurFormat })}
            data={Object.entries(FORMAT_LABEL).map(([value, label]) => ({ value, label }))}
            allowDeselect={false}
            data-testid="blur-format"
          />
          <NumberInput
            label={t('blur.export.qualityLabel')}
            size="sm"
            min={1}
            max={100}
            clampBehavior="strict"
            allowDecimal={false}
            value={options.format === 'png' ? '' : options.quality}
            placeholder={t('blur.export.lossless')}
            onChange={(v) => typeof v === 'number' && setOptions({ quality: v })}
            disabled={options.format === 'png'}
            data-testid="blur-quality"
          />
        </Group>
        <TextInput
          label={t('blur.export.pattern')}
          description={
            stem === null
              ? t('blur.export.patternHint')
              : t('blur.export.patternExample', { name: `${stem}.${EXT[options.format]}` })
          }
          value={options.pattern}
          onChange={(e) => setOptions({ pattern: e.currentTarget.value })}
          error={
            options.pattern.length > PATTERN_MAX
              ? t('blur.export.patternTooLong', { max: PATTERN_MAX, count: options.pattern.length })
              : stem === null
                ? t(options.pattern.trim() ? 'blur.export.patternInvalid' : 'blur.export.patternEmpty')
                : undefined
          }
          spellCheck={false}
          size="sm"
          rightSection={
            <Tooltip label={t('blur.export.patternHint')} multiline w={240}>
              <Text size="xs" c="dimmed" style={{ cursor: 'help' }}>
                {'{ }'}
              </Text>
            </Tooltip>
          }
          data-testid="blur-pattern"
        />
        {batch?.fatal && (
          <ErrorNotice
            error={batch.fatal}
            title={t('blur.export.stopped', { code: t(`errors.codes.${batch.fatal.code}`) })}
          />
        )}
        {running && batch ? (
          <ExportProgress batch={batch} focusCancel={startedHere} />
        ) : (
          <Stack gap={4}>
            <Button
              ref={exportButton}
              leftSection={<IconDownload size={16} />}
              onClick={(e) => {
                setStartedHere(e.currentTarget === document.activeElement);
                exportAll();
              }}
              disabled={!ready}
              data-testid="blur-export"
              data-count={exportable}
            >
              {t('blur.export.button', {
                count: exportable,
                formatted: formatNumber(i18n.language, exportable),
              })}
            </Button>
            {unreadable > 0 && (
              <Text size="xs" c="dimmed" ta="center" data-testid="blur-export-left-out">
                {t('blur.export.leftOutHint', { count: unreadable })}
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function ExportRow({ item }: { item: BlurItem }) {
  const { t, i18n } = useTranslation();
  const { select, selected } = useBlur();
  const ex = item.exported;
  if (!ex) return null;
  const r = ex.result;
  const leaks = r?.selfCheck.facesStillDetected.length ?? 0;
  const name = (
    <Anchor
      component="button"
      type="button"
      size="sm"
      fw={selected?.id === item.id ? 700 : 500}
      ta="left"
      onClick={() => select(item.id)}
    >
      {item.relativePath}
    </Anchor>
  );
  if (ex.status === 'error' || ex.status === 'unreadable' || ex.status === 'cancelled' || !r) {
    return (
      <Table.Tr data-testid="blur-result" data-status={ex.status} data-code={ex.error?.code ?? ''}>
        <Table.Td>{name}</Table.Td>
        <Table.Td colSpan={4}>
          {(ex.status === 'error' || ex.status === 'unreadable') && ex.error ? (
            <Text size="sm" c="red" data-testid="blur-result-error">
              {ex.status === 'unreadable' && `${t('blur.export.status.unreadable')} · `}
              <b>{t(`errors.codes.${ex.error.code}`)}</b>: {errorText(ex.error, t, i18n.language)}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              {t(`blur.export.status.${ex.status}`)}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <Table.Tr
      className={cx(leaks > 0 && classes.leakRow)}
      data-testid="blur-result"
      data-status="done"
      data-leaks={leaks}
      data-output={r.output}
    >
      <Table.Td>
        <Stack gap={0}>
          {name}
          <Tooltip label={r.output} openDelay={300}>
            {/* Truncated at the start (the file name matters most); the marks keep "/" in place. */}
            <Text size="xs" c="dimmed" truncate="start" maw={260} style={{ textAlign: 'left' }}>
              {`\u200e${r.output}\u200e`}
            </Text>
          </Tooltip>
        </Stack>
      </Table.Td>
      <Table.Td ta="right" data-testid="blur-result-blurred">
        {r.counts.blurred}
      </Table.Td>
      <Table.Td ta="right" data-testid="blur-result-manual">
        {r.counts.manual}
      </Table.Td>
      <Table.Td ta="right" data-testid="blur-result-kept">
        {r.counts.kept}
      </Table.Td>
      <Table.Td>
        {leaks > 0 ? (
          <Text size="sm" c="red" fw={700} data-testid="blur-result-leaks">
            {t('blur.export.leaks', { count: leaks })}
          </Text>
        ) : (
          // Text, not a badge: a badge cuts "Nenhum rosto encontrado de novo" short in a narrow column.
          <Text size="sm" fw={600} c="var(--mantine-color-teal-text)" data-testid="blur-result-clean">
            {/* Kept faces are visible on purpose: the check looks at every other face. */}
            {t(r.counts.kept > 0 ? 'blur.export.cleanButKept' : 'blur.export.clean')}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The batch's progress, then one line per photo: what was hidden, and anything still visible. */
export function BatchResults() {
  const { t } = useTranslation();
  const { items, batch, dismissBatch } = useBlur();
  const box = useRef<HTMLDivElement>(null);
  const finished = !!batch?.finished;
  // The results are under the photo: bring them into view when a batch ends, or it ends unseen;
  // not when the page is opened again on a batch that ended before.
  const wasFinished = useRef(finished);
  useEffect(() => {
    if (finished && !wasFinished.current)
      box.current?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    wasFinished.current = finished;
  }, [finished]);
  if (!batch) return null;
  const rows = items.filter((it) => it.exported);
  const done = rows.filter((it) => it.exported?.status === 'done');
  const failed = rows.filter((it) => it.exported?.status === 'error').length;
  const unreadable = rows.filter((it) => it.exported?.status === 'unreadable').length;
  const cancelled = rows.filter((it) => it.exported?.status === 'cancelled').length;
  const leaky = done.filter(stillShowsFace).length;
  return (
    <Stack gap="sm" data-testid="blur-results" ref={box}>
      {batch.finished && (
        <Group justify="space-between" gap="sm">
          <Group gap="xs">
            <Text size="sm" fw={600} data-testid="blur-results-summary">
              {t('blur.export.summary', { done: done.length, total: batch.total })}
            </Text>
            {failed > 0 && (
              <Badge color="red" variant="filled" data-testid="blur-results-failed">
                {t('blur.export.failed', { count: failed })}
              </Badge>
            )}
            {unreadable > 0 && (
              <Badge color="red" variant="light" data-testid="blur-results-left-out">
                {t('blur.export.leftOut', { count: unreadable })}
              </Badge>
            )}
            {cancelled > 0 && (
              <Badge color="gray" variant="light" data-testid="blur-results-cancelled">
                {t('blur.export.cancelledCount', { count: cancelled })}
              </Badge>
            )}
            {leaky > 0 && (
              <Badge color="red" variant="light">
                {t('blur.export.leakyPhotos', { count: leaky })}
              </Badge>
            )}
          </Group>
          <Button size="xs" variant="subtle" onClick={dismissBatch}>
            {t('common.dismiss')}
          </Button>
        </Group>
      )}
      {rows.some((it) => it.exported?.status !== 'queued') && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped={false} highlightOnHover verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('blur.export.colPhoto')}</Table.Th>
                <Table.Th ta="right">{t('blur.export.colBlurred')}</Table.Th>
                <Table.Th ta="right">{t('blur.export.colManual')}</Table.Th>
                <Table.Th ta="right">{t('blur.export.colKept')}</Table.Th>
                <Table.Th>{t('blur.export.colCheck')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows
                .filter((it) => it.exported?.status !== 'queued' && it.exported?.status !== 'exporting')
                .map((it) => (
                  <ExportRow key={it.id} item={it} />
                ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {done.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="blur-results-check-hint">
          {t('blur.export.checkHint')}
        </Text>
      )}
    </Stack>
  );
}
