import { Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { PhotoDropzone } from '../../components/PhotoDropzone';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Verdict } from '../../../../shared/match-schemas';
import { DropzoneIcon } from '../../components/DropzoneIcon';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ComparedPhoto, CompareSlot as Slot } from '../../lib/compare';
import { VERDICT_TONE } from '../../lib/labels';
import { PhotoFrame, PhotoView, type PhotoImage } from '../scan/PhotoView';
import classes from './Compare.module.css';
import type { SlotPhoto } from './CompareProvider';
import { useImageSize } from '../../lib/use-image-size';

/** Slots show their photos in one frame shape, letterboxed, so A and B line up. */
const FRAME_RATIO = 4 / 3;

/**
 * What the slot shows: once compared, the photo as the core decoded it (its preview, and the size
 * its box is measured in: formats this window cannot decode show too); before, the local file.
 */
function shownImage(
  photo: SlotPhoto,
  local: { width: number; height: number } | null,
  compared: ComparedPhoto | null,
): PhotoImage | null {
  if (compared) return compared;
  if (!local) return null;
  const { width, height } = local;
  return {
    file: photo.file.name,
    width,
    height,
    previewUrl: photo.url,
    previewWidth: width,
    previewHeight: height,
  };
}

/** One photo of the pair: a drop zone, then the photo with its largest face boxed once compared. */
export function CompareSlot({
  slot,
  photo,
  compared,
  verdict,
  error,
  onFile,
  openRef,
}: {
  slot: Slot;
  photo: SlotPhoto | null;
  /** This photo's side of the comparison, once known: its largest face, faces and preview. */
  compared: ComparedPhoto | null;
  verdict: Verdict | null;
  /** An error of the comparison that is about this photo. */
  error: unknown;
  onFile: (file: File) => void;
  /** Set to what opens this slot's file picker (for Ctrl+O). */
  openRef: RefObject<(() => void) | null>;
}) {
  const { t } = useTranslation();
  // The local file as this window decodes it: `failed` when it cannot (it can still be compared).
  const { size, failed } = useImageSize(photo?.url ?? null);
  const letter = slot.toUpperCase();
  const state = error ? 'error' : compared ? 'compared' : photo ? 'photo' : 'empty';
  const image = photo ? shownImage(photo, size, compared) : null;
  return (
    <Paper
      withBorder
      radius="sm"
      p="sm"
      className={slot === 'a' ? classes.slotA : classes.slotB}
      data-testid="compare-slot"
      data-slot={slot}
      data-state={state}
    >
      <Stack gap="xs">
        <Group gap="xs" wrap="nowrap" mih={22}>
          <Badge size="md" radius="sm" variant="default" style={{ flex: 'none' }}>
            {letter}
          </Badge>
          {photo ? (
            <Tooltip label={photo.file.name} openDelay={400}>
              <Text size="sm" fw={600} truncate="end" data-testid="compare-file">
                {photo.file.name}
              </Text>
            </Tooltip>
          ) : (
            <Text size="sm" fw={600}>
              {t('compare.slot', { slot: letter })}
            </Text>
          )}
        </Group>
        <PhotoDropzone
          onDrop={(files) => {
            const file = files[0];
            if (file) onFile(file);
          }}
          openRef={openRef}
          label={t(photo ? 'compare.dropLabelAnother' : 'compare.dropLabel', { slot: letter })}
          multiple={false}
          p={photo ? 'xs' : 'md'}
          className={photo ? undefined : classes.emptyDrop}
          data-testid={`compare-dropzone-${slot}`}
        >
          <Group justify="center" gap={photo ? 'sm' : 'md'} wrap="nowrap" style={{ pointerEvents: 'none' }}>
            <DropzoneIcon size={photo ? 28 : 48} iconSize={photo ? 16 : 24} />
            <Stack gap={2}>
              <Text size={photo ? 'sm' : 'md'} fw={photo ? 400 : 600} c={photo ? 'dimmed' : undefined}>
                <Dropzone.Accept>{t('compare.dropAccept')}</Dropzone.Accept>
                <Dropzone.Reject>{t('compare.dropReject')}</Dropzone.Reject>
                <Dropzone.Idle>
                  {photo ? t('compare.dropAnother') : t('compare.dropTitle', { slot: letter })}
                </Dropzone.Idle>
              </Text>
              {!photo && (
                <Text size="sm" c="dimmed">
                  {t('compare.dropHint')}
                </Text>
              )}
            </Stack>
          </Group>
        </PhotoDropzone>
        {image && (
          <PhotoView
            image={image}
            frameRatio={FRAME_RATIO}
            boxes={
              compared && verdict
                ? [
                    {
                      key: slot,
                      box: compared.box,
                      label: letter,
                      title: t('compare.faceTitle', { slot: letter }),
                      tone: VERDICT_TONE[verdict],
                      data: { 'data-verdict': verdict },
                    },
                  ]
                : []
            }
            boxTestId="compare-face"
          />
        )}
        {photo && !image && (
          <PhotoFrame ratio={FRAME_RATIO}>
            {failed ? (
              <Text size="sm">
                {/* Refused by the core too: "compared all the same" would be untrue. */}
                {error
                  ? t('compare.noPreviewRefused', { file: photo.file.name })
                  : t('compare.noPreview', { file: photo.file.name })}
              </Text>
            ) : null}
          </PhotoFrame>
        )}
        {compared && compared.facesInPhoto > 1 && (
          // Which face of a group photo was compared: the box shows it, this says there were others.
          <Text size="xs" c="dimmed" data-testid="compare-faces-in-photo" data-count={compared.facesInPhoto}>
            {t('compare.largestOf', { count: compared.facesInPhoto })}
          </Text>
        )}
        {/* Present before the error comes, for it to be announced. */}
        <div role="status" aria-live="polite">
          {error ? <ErrorNotice error={error} /> : null}
        </div>
      </Stack>
    </Paper>
  );
}
