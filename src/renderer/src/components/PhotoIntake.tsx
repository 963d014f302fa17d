import { Button, Group, Kbd, Popover, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { PhotoDropzone } from './PhotoDropzone';
import { useCallback, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchNs } from '../lib/batch-queue';
import { toPicked, type PickedFile } from '../lib/files';
import { DropzoneIcon } from './DropzoneIcon';
import { FolderInput } from './FolderInput';
import { IconFolder, IconTrash, IconUpload } from './icons';

/**
 * How a batch page takes photos in: a file dialog (the drop zone's), a folder picker and drops.
 * `usePhotoIntake` holds what the header buttons and the drop zone share (spread it into both).
 */
export interface PhotoIntake {
  openFiles: RefObject<(() => void) | null>;
  folderInput: RefObject<HTMLInputElement | null>;
  onFiles: (files: File[]) => void;
}

export function usePhotoIntake(addFiles: (picked: readonly PickedFile[]) => void): PhotoIntake {
  const openFiles = useRef<() => void>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const onFiles = useCallback((files: File[]) => addFiles(files.map(toPicked)), [addFiles]);
  return { openFiles, folderInput, onFiles };
}

/** The page header's Choose files / Choose folder / Clear buttons. */
export function IntakeActions({
  openFiles,
  folderInput,
  ns,
  testIds,
  onClear,
  clearDisabled,
  confirmClear,
  shortcut,
}: Omit<PhotoIntake, 'onFiles'> & {
  ns: BatchNs;
  testIds: { files: string; folder: string; clear: string };
  onClear: () => void;
  clearDisabled: boolean;
  /** Asked before clearing, when clearing loses work (edits not exported); else it clears at once. */
  confirmClear?: string;
  /** Keys that open the file dialog, shown on its button. */
  shortcut?: string;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button
        size="sm"
        leftSection={<IconUpload size={16} />}
        rightSection={
          shortcut ? (
            <Kbd size="xs" style={{ opacity: 0.85 }}>
              {shortcut}
            </Kbd>
          ) : undefined
        }
        onClick={() => openFiles.current?.()}
        data-testid={testIds.files}
      >
        {t(`${ns}.chooseFiles`)}
      </Button>
      <Button
        size="sm"
        variant="default"
        leftSection={<IconFolder size={16} />}
        onClick={() => folderInput.current?.click()}
        data-testid={testIds.folder}
      >
        {t(`${ns}.chooseFolder`)}
      </Button>
      <Popover opened={asking} onChange={setAsking} position="bottom-end" withArrow trapFocus>
        <Popover.Target>
          <Button
            size="sm"
            variant="default"
            leftSection={<IconTrash size={16} />}
            onClick={() => (confirmClear ? setAsking((o) => !o) : onClear())}
            disabled={clearDisabled}
            data-testid={testIds.clear}
          >
            {t(`${ns}.clear`)}
          </Button>
        </Popover.Target>
        <Popover.Dropdown maw={300} data-testid={`${testIds.clear}-confirm`}>
          <Text size="sm" mb="sm">
            {confirmClear}
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setAsking(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              size="xs"
              color="red"
              onClick={() => {
                setAsking(false);
                onClear();
              }}
              data-testid={`${testIds.clear}-yes`}
            >
              {t(`${ns}.clear`)}
            </Button>
          </Group>
        </Popover.Dropdown>
      </Popover>
    </>
  );
}

/**
 * The drop zone (large while the page is empty, one line after) and, beside it, the hidden folder
 * input: outside the drop zone, so that the drop zone holds exactly one file input.
 */
export function IntakeDropzone({
  openFiles,
  folderInput,
  onFiles,
  ns,
  empty,
  testId,
  folderTestId,
  minHeight,
  title,
  hint,
  formats = false,
  dense = false,
}: PhotoIntake & {
  ns: BatchNs;
  empty: boolean;
  testId: string;
  folderTestId: string;
  /** Height of the empty drop zone's content. */
  minHeight: number;
  /** Texts of the empty drop zone, when not the namespace's own. */
  title?: string;
  hint?: string;
  /** Show the list of image formats. */
  formats?: boolean;
  /** A slimmer drop zone once photos are in. */
  dense?: boolean;
}) {
  const { t } = useTranslation();
  const accept = <Dropzone.Accept>{t(`${ns}.dropAccept`)}</Dropzone.Accept>;
  const reject = <Dropzone.Reject>{t(`${ns}.dropReject`)}</Dropzone.Reject>;
  return (
    <>
      <FolderInput ref={folderInput} testId={folderTestId} onFiles={onFiles} />
      <PhotoDropzone
        onDrop={onFiles}
        openRef={openFiles}
        label={`${title ?? t(`${ns}.dropTitle`)} · ${t('common.dropKeys')}`}
        multiple
        p={empty ? 'xl' : dense ? 'xs' : 'md'}
        data-testid={testId}
      >
        <Group
          justify="center"
          gap="lg"
          mih={empty ? minHeight : 0}
          wrap="nowrap"
          style={{ pointerEvents: 'none' }}
        >
          <DropzoneIcon size={empty ? 56 : dense ? 28 : 36} iconSize={empty ? 28 : dense ? 16 : 20} />
          {empty ? (
            <Stack gap={4}>
              <Text size="lg" fw={600}>
                {accept}
                {reject}
                <Dropzone.Idle>{title ?? t(`${ns}.dropTitle`)}</Dropzone.Idle>
              </Text>
              <Text size="sm" c="dimmed">
                {hint ?? t(`${ns}.dropHint`)}
              </Text>
              {formats && (
                <Text size="xs" c="dimmed">
                  {t('scan.dropFormats')}
                </Text>
              )}
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              {accept}
              {reject}
              <Dropzone.Idle>{t(`${ns}.dropCompact`)}</Dropzone.Idle>
            </Text>
          )}
        </Group>
      </PhotoDropzone>
    </>
  );
}
