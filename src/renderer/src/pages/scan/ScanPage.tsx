import {
  Alert,
  Button,
  Group,
  Kbd,
  Modal,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IconFolder, IconTrash, IconUpload, IconX } from '../../components/icons';
import { DropzoneIcon } from '../../components/DropzoneIcon';
import { FolderInput } from '../../components/FolderInput';
import { PageHeader } from '../../components/PageHeader';
import { shortcutLabel } from '../../platform';
import { getFilesFromEvent, IMAGE_ACCEPT, toPicked } from '../../lib/files';
import { identifyBoxes, inspectBoxes, PhotoCard } from './PhotoCard';
import { PhotoView } from './PhotoView';
import { SCAN_MODES, useScan, type ScanItem, type ScanMode } from './ScanProvider';

function ProgressPanel() {
  const { t } = useTranslation();
  const { progress, cancel } = useScan();
  if (!progress.running || progress.total === 0) return null;
  const value = (progress.done / progress.total) * 100;
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="scan-progress">
      <Group justify="space-between" wrap="nowrap" gap="md">
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" fw={600}>
              {t('scan.progressLabel')}
            </Text>
            <Text size="sm" ff="monospace" data-testid="scan-progress-count">
              {t('scan.progressCount', { done: progress.done, total: progress.total })}
            </Text>
          </Group>
          <Progress value={value} size="md" radius="sm" animated striped transitionDuration={150} />
          <Text size="xs" c="dimmed" truncate="end">
            {progress.current ? t('scan.progressCurrent', { name: progress.current.relativePath }) : ' '}
          </Text>
        </Stack>
        <Button
          variant="default"
          size="sm"
          leftSection={<IconX size={14} />}
          onClick={cancel}
          disabled={progress.stopping}
          data-testid="scan-cancel"
        >
          {progress.stopping ? t('scan.stopping') : t('scan.cancel')}
        </Button>
      </Group>
    </Paper>
  );
}

function Notice() {
  const { t } = useTranslation();
  const { notice, dismissNotice } = useScan();
  if (!notice) return null;
  const lines = [
    notice.nothingToAdd ? t('scan.noImagesInDrop') : '',
    notice.skipped > 0 ? t('scan.skipped', { count: notice.skipped }) : '',
    notice.cancelled > 0 ? t('scan.cancelled', { count: notice.cancelled }) : '',
  ].filter(Boolean);
  if (lines.length === 0) return null;
  return (
    <Alert
      color={notice.nothingToAdd ? 'yellow' : 'gray'}
      variant="light"
      py="xs"
      withCloseButton
      closeButtonLabel={t('common.dismiss')}
      onClose={dismissNotice}
      data-testid="scan-notice"
    >
      <Text size="sm">{lines.join(' ')}</Text>
    </Alert>
  );
}

function Summary({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const faces = items.reduce(
    (n, item) => n + (item.result?.faces.length ?? item.identified?.faces.length ?? 0),
    0,
  );
  const matches = items.reduce(
    (n, item) => n + (item.identified?.faces.filter((f) => f.verdict === 'match').length ?? 0),
    0,
  );
  const identified = items.some((item) => item.identified);
  const errors = items.filter((item) => item.status === 'error').length;
  const parts = [t('scan.summaryPhotos', { count: items.length }), t('scan.summaryFaces', { count: faces })];
  if (identified) parts.push(t('identify.summaryMatches', { count: matches }));
  if (errors > 0) parts.push(t('scan.summaryErrors', { count: errors }));
  return (
    <Text size="sm" c="dimmed" data-testid="scan-summary">
      {parts.join(' · ')}
    </Text>
  );
}

/** Find faces or identify them against the watchlist; applies to the photos added next. */
function ModeSwitch() {
  const { t } = useTranslation();
  const { mode, setMode } = useScan();
  return (
    <SegmentedControl
      value={mode}
      onChange={(value) => setMode(value as ScanMode)}
      data={SCAN_MODES.map((m) => ({ value: m, label: t(`scan.modes.${m}`) }))}
      aria-label={t('scan.modeLabel')}
      data-testid="scan-mode"
      data-mode={mode}
      size="sm"
      radius="sm"
    />
  );
}

/** Photos scanned in the other mode can be run again in this one. */
function OtherModeNotice({ items }: { items: ScanItem[] }) {
  const { t } = useTranslation();
  const { mode, rescanInMode, progress } = useScan();
  const other = items.filter((item) => item.mode !== mode && item.status !== 'queued').length;
  if (other === 0) return null;
  return (
    <Alert color="gray" variant="light" py="xs" data-testid="scan-other-mode">
      <Group justify="space-between" gap="sm">
        <Text size="sm">{t(`scan.otherMode.${mode}`, { count: other })}</Text>
        <Button
          size="xs"
          variant="default"
          onClick={rescanInMode}
          disabled={progress.stopping}
          data-testid="scan-rescan"
        >
          {t(`scan.rescan.${mode}`, { count: other })}
        </Button>
      </Group>
    </Alert>
  );
}

export function ScanPage() {
  const { t, i18n } = useTranslation();
  const scan = useScan();
  const { items, addFiles, clear, onPickerRequest, progress, mode } = scan;
  const [matchesOnly, setMatchesOnly] = useState(false);
  const openFiles = useRef<() => void>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<ScanItem | null>(null);
  const empty = items.length === 0;
  const openKeys = shortcutLabel('o');

  useEffect(() => onPickerRequest(() => openFiles.current?.()), [onPickerRequest]);

  const onDrop = useCallback((files: File[]) => addFiles(files.map(toPicked)), [addFiles]);
  const onOpen = useCallback((item: ScanItem) => setPreview(item), []);
  const previewLive = preview ? items.find((item) => item.id === preview.id) : undefined;
  const previewImage = previewLive?.result ?? previewLive?.identified;
  const filterMatches = mode === 'identify' && matchesOnly;
  const shown = filterMatches
    ? items.filter((item) => item.identified?.faces.some((f) => f.verdict === 'match'))
    : items;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('scan.title')}
        description={mode === 'identify' ? t('identify.description') : t('scan.description')}
        actions={
          <>
            <Button
              size="sm"
              leftSection={<IconUpload size={16} />}
              rightSection={
                <Kbd size="xs" style={{ opacity: 0.85 }}>
                  {openKeys}
                </Kbd>
              }
              onClick={() => openFiles.current?.()}
              data-testid="choose-files"
            >
              {t('scan.chooseFiles')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconFolder size={16} />}
              onClick={() => folderInput.current?.click()}
              data-testid="choose-folder"
            >
              {t('scan.chooseFolder')}
            </Button>
            <Button
              size="sm"
              variant="default"
              leftSection={<IconTrash size={16} />}
              onClick={clear}
              disabled={empty && !progress.running}
              data-testid="scan-clear"
            >
              {t('scan.clear')}
            </Button>
          </>
        }
      />

      {/* Outside the dropzone, so the dropzone holds exactly one file input. */}
      <FolderInput
        ref={folderInput}
        testId="folder-input"
        onFiles={(files) => addFiles(files.map(toPicked))}
      />

      <Dropzone
        onDrop={onDrop}
        openRef={openFiles}
        getFilesFromEvent={getFilesFromEvent}
        useFsAccessApi={false}
        multiple
        inputProps={{ accept: IMAGE_ACCEPT }}
        radius="sm"
        p={empty ? 'xl' : 'md'}
        data-testid="dropzone"
      >
        <Group
          justify="center"
          gap="lg"
          mih={empty ? 180 : 0}
          wrap="nowrap"
          style={{ pointerEvents: 'none' }}
        >
          <DropzoneIcon size={empty ? 56 : 36} iconSize={empty ? 28 : 20} />
          {empty ? (
            <Stack gap={4}>
              <Text size="lg" fw={600}>
                <Dropzone.Accept>{t('scan.dropAccept')}</Dropzone.Accept>
                <Dropzone.Reject>{t('scan.dropReject')}</Dropzone.Reject>
                <Dropzone.Idle>{t('scan.dropTitle')}</Dropzone.Idle>
              </Text>
              <Text size="sm" c="dimmed">
                {t('scan.dropHint')}
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

      <Group justify="space-between" gap="sm">
        <ModeSwitch />
        {mode === 'identify' && (
          <Switch
            label={t('identify.matchesOnly')}
            checked={matchesOnly}
            onChange={(event) => setMatchesOnly(event.currentTarget.checked)}
            data-testid="scan-matches-only"
          />
        )}
      </Group>

      <ProgressPanel />
      <Notice />
      <OtherModeNotice items={items} />

      {empty ? (
        <Stack gap={4} align="center" py="lg" data-testid="scan-empty">
          <Text fw={600}>{t('scan.emptyTitle')}</Text>
          <Text size="sm" c="dimmed" ta="center" maw={560}>
            {t('scan.emptyBody', { keys: openKeys })}
          </Text>
        </Stack>
      ) : (
        <>
          <Summary items={items} />
          {filterMatches && shown.length === 0 && (
            <Text size="sm" c="dimmed" ta="center" py="md" data-testid="scan-no-matches">
              {t('identify.noMatches')}
            </Text>
          )}
          <SimpleGrid
            type="container"
            cols={
              mode === 'identify'
                ? { base: 1, '560px': 2, '900px': 3, '1400px': 4 }
                : { base: 1, '440px': 2, '660px': 3, '880px': 4, '1100px': 5, '1380px': 6 }
            }
            spacing="sm"
            verticalSpacing="sm"
          >
            {shown.map((item) => (
              <PhotoCard key={item.id} item={item} onOpen={onOpen} matchesOnly={filterMatches} />
            ))}
          </SimpleGrid>
        </>
      )}

      <Modal
        opened={previewImage !== undefined}
        onClose={() => setPreview(null)}
        size="auto"
        centered
        title={
          previewImage && previewLive
            ? t('scan.previewTitle', {
                name: previewLive.name,
                width: previewImage.width,
                height: previewImage.height,
              })
            : ''
        }
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {previewImage && previewLive && (
          <PhotoView
            image={previewImage}
            boxes={
              previewLive.result
                ? inspectBoxes(previewLive.result, i18n.language, t)
                : previewLive.identified
                  ? identifyBoxes(previewLive.identified, i18n.language, t)
                  : []
            }
            large
            style={{
              width: `min(86vw, calc(76vh * ${previewImage.width / previewImage.height}))`,
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}
