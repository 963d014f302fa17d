import {
  ActionIcon,
  Box,
  Center,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Text,
  ThemeIcon,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSubjects } from '../../api/queries';
import { DropNotice } from '../../components/DropNotice';
import { IconAlert, IconCheck, IconX } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { IntakeActions, IntakeDropzone, usePhotoIntake } from '../../components/PhotoIntake';
import { countRegions } from '../../lib/blur-regions';
import classes from './Blur.module.css';
import { useBlur, type BlurItem } from './BlurProvider';
import { BatchResults, ExportPanel } from './ExportPanel';
import { OptionsPanel } from './OptionsPanel';
import { PhotoPanel } from './PhotoPanel';
import { shortcutLabel } from '../../platform';
import { usePageOpener } from '../../lib/page-opener';

function StatusIcon({ item }: { item: BlurItem }) {
  const ex = item.exported;
  const leaks = ex?.result?.selfCheck.facesStillDetected.length ?? 0;
  // Only the photos in flight spin: a long queue stays still, and shows what runs now.
  if (item.status === 'detecting' || ex?.status === 'exporting')
    return (
      <Center w={18} style={{ flexShrink: 0 }}>
        <Loader size={14} color="gray" />
      </Center>
    );
  if (item.status === 'error' || ex?.status === 'error' || leaks > 0)
    return (
      <ThemeIcon size={18} radius="xl" color="red" variant="light">
        <IconAlert size={12} />
      </ThemeIcon>
    );
  if (ex?.status === 'done')
    return (
      <ThemeIcon size={18} radius="xl" color="teal" variant="light">
        <IconCheck size={12} />
      </ThemeIcon>
    );
  return <span style={{ width: 18, flexShrink: 0 }} />;
}

function PhotoList() {
  const { t } = useTranslation();
  const { items, selected, select, remove, options, keepIds, batch } = useBlur();
  return (
    <ScrollArea.Autosize
      mah="calc(100vh - 200px)"
      type="auto"
      scrollbars="y"
      offsetScrollbars
      classNames={{ content: classes.listContent }}
    >
      <Stack gap={2} data-testid="blur-photos">
        {items.map((item) => {
          const counts = item.status === 'ready' ? countRegions(item.regions, options.thresh, keepIds) : null;
          return (
            <Group key={item.id} gap={0} wrap="nowrap">
              <UnstyledButton
                className={classes.photoRow}
                style={{ flex: 1, minWidth: 0 }}
                data-active={selected?.id === item.id}
                onClick={() => select(item.id)}
                data-testid="blur-photo"
                data-status={item.status}
                data-min-face={item.minFace}
                data-again={item.again || undefined}
                data-name={item.name}
              >
                <StatusIcon item={item} />
                <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                  <Text size="sm" fw={500} truncate="end" title={item.relativePath}>
                    {item.name}
                  </Text>
                  {/* Wraps rather than cut "0 kept" short in a narrow column (1024 px, Portuguese). */}
                  <Text
                    size="xs"
                    c={item.status === 'error' ? 'red' : 'dimmed'}
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    {item.status === 'error'
                      ? t(`errors.codes.${item.error!.code}`)
                      : counts
                        ? t('blur.photoCounts', { blurred: counts.blurred, kept: counts.kept })
                        : item.status === 'detecting'
                          ? t('blur.finding')
                          : t('blur.waiting')}
                  </Text>
                </Stack>
              </UnstyledButton>
              <Tooltip label={t('blur.removePhoto')}>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="sm"
                  onClick={() => remove(item.id)}
                  disabled={batch?.running}
                  aria-label={t('blur.removePhoto')}
                >
                  <IconX size={14} />
                </ActionIcon>
              </Tooltip>
            </Group>
          );
        })}
      </Stack>
    </ScrollArea.Autosize>
  );
}

export function BlurPage() {
  const { t } = useTranslation();
  const blur = useBlur();
  const { items, addFiles, clear, batch, skipped, detecting, options, setOptions } = blur;
  const intake = usePhotoIntake(addFiles);
  usePageOpener('blur', intake.openFiles);
  const subjectsQuery = useSubjects('');
  const subjects = useMemo(
    () => (subjectsQuery.data?.subjects ?? []).map((s) => ({ value: s.id, label: s.name })),
    [subjectsQuery.data],
  );
  const names = useMemo(() => new Map(subjects.map((s) => [s.value, s.label])), [subjects]);
  const changedAt = useMemo(
    () => new Map((subjectsQuery.data?.subjects ?? []).map((s) => [s.id, Date.parse(s.updatedAt)])),
    [subjectsQuery.data],
  );
  const empty = items.length === 0;
  // Photos whose edits and blurred copy would be lost: readable and not exported as they are now.
  const unexported = items.filter((it) => it.status !== 'error' && it.exported?.status !== 'done').length;
  // A kept subject deleted meanwhile leaves the choice: nobody is left to keep, and the core
  // refuses an unknown id (NOT_FOUND) rather than ignore it.
  useEffect(() => {
    if (!subjectsQuery.data) return;
    const known = new Set(subjectsQuery.data.subjects.map((s) => s.id));
    if (options.keep.some((id) => !known.has(id)))
      setOptions({ keep: options.keep.filter((id) => known.has(id)) });
  }, [subjectsQuery.data, options.keep, setOptions]);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('blur.title')}
        description={t('blur.description')}
        actions={
          <IntakeActions
            {...intake}
            ns="scan"
            shortcut={shortcutLabel('o')}
            testIds={{ files: 'blur-choose-files', folder: 'blur-choose-folder', clear: 'blur-clear' }}
            onClear={clear}
            clearDisabled={empty || !!batch?.running}
            confirmClear={unexported > 0 ? t('blur.clearConfirm', { count: unexported }) : undefined}
          />
        }
      />

      {/* Three columns on a wide window; on a narrower one the options go under the photo, so the
          photo stays large enough to check every region (Blur.module.css). */}
      <div className={empty ? `${classes.layout} ${classes.layoutEmpty}` : classes.layout}>
        {!empty && (
          <Box className={classes.listArea}>
            <Text size="xs" c="dimmed" mb={4} data-testid="blur-detect-status">
              {detecting.running > 0 || detecting.pending > 0
                ? t('blur.detectingCount', { count: detecting.pending + detecting.running })
                : t('blur.photoTotal', { count: items.length })}
            </Text>
            <PhotoList />
          </Box>
        )}
        <Stack gap="sm" className={classes.photoArea}>
          <IntakeDropzone
            {...intake}
            ns="scan"
            empty={empty}
            testId="blur-dropzone"
            folderTestId="blur-folder-input"
            minHeight={160}
            title={t('blur.dropTitle')}
            hint={t('blur.dropHint')}
            formats
            dense
          />

          <DropNotice notice={{ skipped, cancelled: 0, nothingToAdd: false }} ns="scan" />
          {empty ? (
            <Stack gap={6} align="center" py="xl" data-testid="blur-empty">
              <Text fw={600}>{t('blur.emptyTitle')}</Text>
              <Text size="sm" c="dimmed" ta="center" maw={560}>
                {t('blur.emptyBody')}
              </Text>
            </Stack>
          ) : (
            <PhotoPanel subjectName={(id) => names.get(id)} />
          )}
        </Stack>
        <div className={classes.sideArea}>
          <OptionsPanel subjects={subjects} changedAt={changedAt} />
          <ExportPanel />
        </div>
      </div>

      <BatchResults />
    </Stack>
  );
}
