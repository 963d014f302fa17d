import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ClassifyResult } from '../../../../shared/classify-schemas';
import { useVigil } from '../../api/ClientProvider';
import { useModels } from '../../api/models-queries';
import { BatchProgressCard } from '../../components/BatchProgress';
import { DropNotice } from '../../components/DropNotice';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconDownload, IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { IntakeActions, IntakeDropzone, usePhotoIntake } from '../../components/PhotoIntake';
import { formatMs, formatPercent, formatScore } from '../../format';
import { localizeResult } from '../../lib/class-names';
import { downloadBase64 } from '../../lib/download';
import { PhotoView, type BoxSpec } from '../scan/PhotoView';
import { useClassify, type ClassifyItem } from './ClassifyProvider';
import { faceText, matchesFilter, ResultsTable, sortItems, type Sort, type SortKey } from './ResultsTable';
import { shortcutLabel } from '../../platform';
import { usePageOpener } from '../../lib/page-opener';

type Translate = TFunction;
type Show = 'all' | 'done' | 'error';

/** Model to use and whether to look for objects and faces; applies to photos added next. */
function Options() {
  const { t } = useTranslation();
  const { options, setOptions } = useClassify();
  const models = useModels();
  const list = models.data;
  const data = list
    ? [
        {
          group: t('classify.builtinGroup'),
          items: list.models
            .filter((m) => m.kind === 'builtin')
            .map((m) => ({
              value: m.name,
              label: m.isDefault ? t('classify.defaultSuffix', { name: m.name }) : m.name,
            })),
        },
        {
          group: t('classify.userGroup'),
          items: list.models
            .filter((m) => m.kind === 'user')
            .map((m) => ({
              value: m.name,
              label: m.isDefault ? t('classify.defaultSuffix', { name: m.name }) : m.name,
            })),
        },
      ].filter((g) => g.items.length > 0)
    : [];
  // A remembered model that was removed since falls back to the default.
  const known = list?.models.some((m) => m.name === options.model);
  const value = options.model && known ? options.model : (list?.defaultModel ?? null);
  return (
    <Group gap="lg" align="flex-end" wrap="wrap">
      <Select
        label={t('classify.model')}
        data={data}
        value={value}
        onChange={(v) => setOptions({ model: v && v !== list?.defaultModel ? v : null })}
        allowDeselect={false}
        w={280}
        disabled={!list}
        data-testid="classify-model"
      />
      <Switch
        label={t('classify.objects')}
        checked={options.objects}
        onChange={(e) => setOptions({ objects: e.currentTarget.checked })}
        data-testid="classify-objects"
      />
      <Switch
        label={t('classify.faces')}
        checked={options.faces}
        onChange={(e) => setOptions({ faces: e.currentTarget.checked })}
        data-testid="classify-faces"
      />
      <Text size="xs" c="dimmed">
        {t('classify.optionsHint')}
      </Text>
    </Group>
  );
}

/** Faces carry their number in the list below the photo; `active`'s box is highlighted. */
function boxesOf(r: ClassifyResult, lang: string, t: Translate, active: number | null): BoxSpec[] {
  return [
    ...r.objects.map((o, i): BoxSpec => ({
      key: `o${i}`,
      box: o.box,
      label: o.label,
      suffix: formatScore(lang, o.score),
      title: `${o.label} ${formatPercent(lang, o.score)}`,
      tone: 'choice',
      data: { 'data-kind': 'object' },
    })),
    ...r.faces.map((f, i): BoxSpec => ({
      key: `f${i}`,
      box: f.box,
      label: faceText(f, t),
      badge: String(i + 1),
      title: `${i + 1}. ${faceText(f, t)}`,
      tone: active === i ? 'selected' : 'detect',
      data: { 'data-kind': 'face', 'data-face': i + 1 },
    })),
  ];
}

function Detail({ item, onClose }: { item: ClassifyItem | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const r = item?.result && localizeResult(item.result, i18n.language);
  // The face whose list entry is hovered or focused: its box is highlighted.
  const [active, setActive] = useState<number | null>(null);
  return (
    <Modal
      opened={!!r}
      onClose={() => {
        setActive(null);
        onClose();
      }}
      size="auto"
      centered
      title={
        r && item ? t('classify.previewTitle', { name: item.name, width: r.width, height: r.height }) : ''
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {r && (
        <Stack gap="sm" data-testid="classify-detail">
          <PhotoView
            image={r}
            boxes={boxesOf(r, i18n.language, t, active)}
            large
            style={{ width: `min(86vw, calc(68vh * ${r.width / r.height}))` }}
          />
          <Text size="xs" c="dimmed">
            {t('classify.detail.model', {
              model: r.model,
              backend:
                r.backend === 'tensorflow' || r.backend === 'wasm'
                  ? t(`diagnostics.backends.${r.backend}`)
                  : r.backend,
              ms: formatMs(i18n.language, r.timings.totalMs),
            })}
          </Text>
          <Group gap={6}>
            {r.top.map((l) => (
              <Badge key={l.label} variant="light" radius="sm">
                {l.label} {formatScore(i18n.language, l.score)}
              </Badge>
            ))}
          </Group>
          {r.faces.length > 0 && (
            <Stack gap={2}>
              {r.faces.map((f, i) => (
                <Text
                  key={i}
                  size="sm"
                  tabIndex={0}
                  onMouseEnter={() => setActive(i)}
                  onMouseLeave={() => setActive(null)}
                  onFocus={() => setActive(i)}
                  onBlur={() => setActive(null)}
                  bg={active === i ? 'var(--mantine-color-cyan-light)' : undefined}
                  px={4}
                  style={{ borderRadius: 'var(--mantine-radius-sm)' }}
                  data-testid="classify-face-item"
                >
                  {i + 1}. {faceText(f, t)}{' '}
                  <Text span size="xs" c="dimmed">
                    ({t('classify.detail.genderScore', { score: formatScore(i18n.language, f.genderScore) })})
                  </Text>
                </Text>
              ))}
            </Stack>
          )}
        </Stack>
      )}
    </Modal>
  );
}

export function ClassifyPage() {
  const { t, i18n } = useTranslation();
  const { client } = useVigil();
  const { items, addFiles, clear, progress, cancel, notice, dismissNotice } = useClassify();
  const models = useModels();
  const intake = usePhotoIntake(addFiles);
  usePageOpener('classify', intake.openFiles);
  const [filter, setFilter] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [sort, setSort] = useState<Sort>({ key: 'file', desc: false });
  const [open, setOpen] = useState<ClassifyItem | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exported, setExported] = useState<{ count: number; file: string } | null>(null);
  const empty = items.length === 0;

  const onSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, desc: !s.desc }
        : { key, desc: key === 'score' || key === 'objects' || key === 'faces' },
    );

  // Class names in the UI language before filtering and sorting, so both go by what is shown.
  const localized = useMemo(
    () =>
      items.map((item) =>
        item.result ? { ...item, result: localizeResult(item.result, i18n.language) } : item,
      ),
    [items, i18n.language],
  );
  const shown = useMemo(
    () =>
      sortItems(
        localized.filter(
          (item) =>
            (show === 'all' || (show === 'done' ? item.status === 'done' : item.status === 'error')) &&
            matchesFilter(item, filter),
        ),
        sort,
      ),
    [localized, show, filter, sort],
  );
  const labelsOf = useCallback(
    (model: string) => models.data?.models.find((m) => m.name === model)?.labels ?? [],
    [models.data],
  );
  const exportable = shown.filter((i) => i.historyId && (i.status === 'done' || i.status === 'error'));
  const errors = items.filter((i) => i.status === 'error').length;

  const doExport = async (format: 'csv' | 'json') => {
    setExportError(null);
    setExported(null);
    try {
      const r = await client.invoke('classify.export', {
        historyIds: exportable.map((i) => i.historyId!),
        format,
      });
      downloadBase64(r.fileName, r.data, format === 'csv' ? 'text/csv' : 'application/json');
      setExported({ count: r.records, file: r.fileName });
    } catch (err) {
      setExportError(err);
    }
  };

  return (
    <Stack gap="md">
      <PageHeader
        title={t('classify.title')}
        description={t('classify.description')}
        actions={
          <IntakeActions
            {...intake}
            ns="classify"
            shortcut={shortcutLabel('o')}
            testIds={{
              files: 'classify-choose-files',
              folder: 'classify-choose-folder',
              clear: 'classify-clear',
            }}
            onClear={clear}
            clearDisabled={empty && !progress.running}
          />
        }
      />

      <Options />

      <IntakeDropzone
        {...intake}
        ns="classify"
        empty={empty}
        testId="classify-dropzone"
        folderTestId="classify-folder-input"
        minHeight={150}
      />

      <BatchProgressCard
        ns="classify"
        progress={progress}
        onCancel={cancel}
        testId="classify-progress"
        cancelTestId="classify-cancel"
      />
      <DropNotice notice={notice} ns="classify" onClose={dismissNotice} testId="classify-notice" />

      {empty ? (
        <Stack gap={4} align="center" py="lg" data-testid="classify-empty">
          <Text fw={600}>{t('classify.emptyTitle')}</Text>
          <Text size="sm" c="dimmed" ta="center" maw={620}>
            {t('classify.emptyBody')}
          </Text>
        </Stack>
      ) : (
        <>
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Group gap="sm" wrap="wrap">
              <TextInput
                aria-label={t('classify.filter')}
                placeholder={t('classify.filterPlaceholder')}
                leftSection={<IconSearch size={16} />}
                value={filter}
                onChange={(e) => setFilter(e.currentTarget.value)}
                w={260}
                data-testid="classify-filter"
              />
              <SegmentedControl
                value={show}
                onChange={(v) => setShow(v as Show)}
                data={(['all', 'done', 'error'] as const).map((s) => ({
                  value: s,
                  label: t(`classify.show.${s}`),
                }))}
                size="sm"
                radius="sm"
                data-testid="classify-show"
              />
              <Text size="sm" c="dimmed" data-testid="classify-summary">
                {[
                  t('classify.summaryPhotos', { count: items.length }),
                  errors ? t('classify.summaryErrors', { count: errors }) : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            </Group>
            <Group gap="xs">
              <Button
                size="sm"
                variant="default"
                leftSection={<IconDownload size={16} />}
                disabled={exportable.length === 0}
                onClick={() => void doExport('csv')}
                data-testid="classify-export-csv"
              >
                {t('classify.exportCsv')}
              </Button>
              <Button
                size="sm"
                variant="default"
                leftSection={<IconDownload size={16} />}
                disabled={exportable.length === 0}
                onClick={() => void doExport('json')}
                data-testid="classify-export-json"
              >
                {t('classify.exportJson')}
              </Button>
            </Group>
          </Group>
          {exportError !== null && <ErrorNotice error={exportError} />}
          {exported && (
            <Alert color="teal" variant="light" py="xs" withCloseButton onClose={() => setExported(null)}>
              <Text size="sm" data-testid="classify-exported">
                {t('classify.exported', { count: exported.count, file: exported.file })}
              </Text>
            </Alert>
          )}
          {shown.length === 0 ? (
            <Text size="sm" c="dimmed" ta="center" py="md" data-testid="classify-no-matches">
              {t('classify.noMatches')}
            </Text>
          ) : (
            <ResultsTable items={shown} sort={sort} onSort={onSort} onOpen={setOpen} labelsOf={labelsOf} />
          )}
        </>
      )}
      <Detail item={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
