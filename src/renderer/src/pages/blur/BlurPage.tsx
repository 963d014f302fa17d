import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Text,
  ThemeIcon,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSubjects } from '../../api/queries';
import { DropzoneIcon } from '../../components/DropzoneIcon';
import { FolderInput } from '../../components/FolderInput';
import { IconAlert, IconCheck, IconFolder, IconTrash, IconUpload, IconX } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { countRegions } from '../../lib/blur-regions';
import { getFilesFromEvent, IMAGE_ACCEPT, toPicked } from '../../lib/files';
import classes from './Blur.module.css';
import { useBlur, type BlurItem } from './BlurProvider';
import { BatchResults, ExportPanel } from './ExportPanel';
import { OptionsPanel } from './OptionsPanel';
import { PhotoPanel } from './PhotoPanel';

function StatusIcon({ item }: { item: BlurItem }) {
  const ex = item.exported;
  const leaks = ex?.result?.selfCheck.facesStillDetected.length ?? 0;
  if (item.status === 'queued' || item.status === 'detecting' || ex?.status === 'exporting')
    return <Loader size={14} color="gray" />;
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
    <ScrollArea.Autosize mah="calc(100vh - 200px)" type="auto" scrollbars="y" offsetScrollbars>
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
                data-name={item.name}
              >
                <StatusIcon item={item} />
                <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                  <Text size="sm" fw={500} truncate="end" title={item.relativePath}>
                    {item.name}
                  </Text>
                  <Text size="xs" c={item.status === 'error' ? 'red' : 'dimmed'} truncate="end">
                    {item.status === 'error'
                      ? t(`errors.codes.${item.error!.code}`)
                      : counts
                        ? t('blur.photoCounts', { blurred: counts.blurred, kept: counts.kept })
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
  const { items, addFiles, clear, batch, skipped, detecting } = blur;
  const openFiles = useRef<() => void>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const subjectsQuery = useSubjects('');
  const subjects = useMemo(
    () => (subjectsQuery.data?.subjects ?? []).map((s) => ({ value: s.id, label: s.name })),
    [subjectsQuery.data],
  );
  const names = useMemo(() => new Map(subjects.map((s) => [s.value, s.label])), [subjects]);
  const empty = items.length === 0;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('blur.title')}
        description={t('blur.description')}
        actions={
          <>
            <Button
              size="sm"
              leftSection={<IconUpload size={16} />}
              onClick={() => openFiles.current?.()}
              data-testid="blur-choose-files"
            >
              {t('scan.chooseFiles')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconFolder size={16} />}
              onClick={() => folderInput.current?.click()}
              data-testid="blur-choose-folder"
            >
              {t('scan.chooseFolder')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconTrash size={16} />}
              onClick={clear}
              disabled={empty || batch?.running}
              data-testid="blur-clear"
            >
              {t('scan.clear')}
            </Button>
          </>
        }
      />

      <FolderInput
        ref={folderInput}
        testId="blur-folder-input"
        onFiles={(files) => addFiles(files.map(toPicked))}
      />

      <Group align="flex-start" gap="md" wrap="nowrap">
        {!empty && (
          <Box w={220} style={{ flexShrink: 0 }}>
            <Text size="xs" c="dimmed" mb={4} data-testid="blur-detect-status">
              {detecting.running || detecting.pending > 0
                ? t('blur.detectingCount', { count: detecting.pending + (detecting.running ? 1 : 0) })
                : t('blur.photoTotal', { count: items.length })}
            </Text>
            <PhotoList />
          </Box>
        )}
        <Stack gap="sm" style={{ flex: 1, minWidth: 0 }}>
          <Dropzone
            onDrop={(files) => addFiles(files.map(toPicked))}
            openRef={openFiles}
            getFilesFromEvent={getFilesFromEvent}
            useFsAccessApi={false}
            multiple
            inputProps={{ accept: IMAGE_ACCEPT }}
            radius="sm"
            p={empty ? 'xl' : 'xs'}
            data-testid="blur-dropzone"
          >
            <Group
              justify="center"
              gap="lg"
              mih={empty ? 160 : 0}
              wrap="nowrap"
              style={{ pointerEvents: 'none' }}
            >
              <DropzoneIcon size={empty ? 56 : 28} iconSize={empty ? 28 : 16} />
              {empty ? (
                <Stack gap={4}>
                  <Text size="lg" fw={600}>
                    <Dropzone.Accept>{t('scan.dropAccept')}</Dropzone.Accept>
                    <Dropzone.Reject>{t('scan.dropReject')}</Dropzone.Reject>
                    <Dropzone.Idle>{t('blur.dropTitle')}</Dropzone.Idle>
                  </Text>
                  <Text size="sm" c="dimmed">
                    {t('blur.dropHint')}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('scan.dropFormats')}
                  </Text>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  <Dropzone.Accept>{t('scan.dropAccept')}</Dropzone.Accept>
                  <Dropzone.Reject>{t('scan.dropReject')}</Dropzone.Reject>
                  <Dropzone.Idle>{t('scan.dropCompact')}</Dropzone.Idle>
                </Text>
              )}
            </Group>
          </Dropzone>

          {skipped > 0 && (
            <Alert color="gray" variant="light" py="xs">
              <Text size="sm">{t('scan.skipped', { count: skipped })}</Text>
            </Alert>
          )}
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
        <Stack w={300} gap="md" style={{ flexShrink: 0 }}>
          <OptionsPanel subjects={subjects} />
          <ExportPanel />
        </Stack>
      </Group>

      <BatchResults />
    </Stack>
  );
}
