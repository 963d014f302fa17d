import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Text,
  ThemeIcon,
  Tooltip,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { PhotoDropzone } from '../../components/PhotoDropzone';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IconAlert, IconCheck, IconFolder, IconPhoto, IconTrash, IconX } from '../../components/icons';
import { DropzoneIcon } from '../../components/DropzoneIcon';
import { FolderInput } from '../../components/FolderInput';
import { formatScore } from '../../format';
import { toPicked, type PickedFile } from '../../lib/files';
import { useNavigation } from '../../navigation';
import { PhotoView, type BoxSpec } from '../scan/PhotoView';
import { enrollErrorText, faceChoicesOf, type FaceChoice } from '../../lib/enroll-errors';
import { isFinished, useEnroll, type EnrollJob, type EnrollStatus } from './EnrollProvider';
import classes from './Watchlist.module.css';
import { usePageOpener } from '../../lib/page-opener';
import { faceSizeOf } from '../../../../shared/match-schemas';

/** The dropped photo with its faces as buttons: the user clicks the face to enrol. */
function FacePicker({
  photoUrl,
  fileName,
  subjectId,
  choices,
  onPick,
}: {
  photoUrl: string | undefined;
  fileName: string;
  subjectId: string;
  choices: FaceChoice[];
  onPick: (index: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const [measured, setMeasured] = useState<{ url: string; width: number; height: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const size = measured && measured.url === photoUrl ? measured : null;

  // A face already on the watchlist is marked and not offered: enrolling it again is refused.
  const enrolledText = (c: FaceChoice) =>
    !c.enrolledAs
      ? null
      : c.enrolledAs.subjectId === subjectId
        ? t('enroll.faceEnrolledHere')
        : t('enroll.faceEnrolledAs', { name: c.enrolledAs.name });
  const boxes: BoxSpec[] = choices.map((c) => ({
    key: String(c.index),
    box: c.box,
    label: c.enrolledAs ? `${c.index + 1} ✓` : String(c.index + 1),
    title: c.enrolledAs
      ? `${c.index + 1}: ${enrolledText(c)}`
      : t('enroll.pickFace', {
          index: c.index + 1,
          size: Math.round(faceSizeOf(c.box)),
          score: formatScore(i18n.language, c.score),
        }),
    tone: c.enrolledAs ? 'none' : 'choice',
    disabled: !!c.enrolledAs,
    data: { 'data-index': c.index, 'data-enrolled': c.enrolledAs ? 'true' : 'false' },
  }));

  return (
    <Stack gap={6}>
      {photoUrl && !size && !failed && (
        // Measured once to place the boxes; browsers apply EXIF orientation like the core does.
        <img
          src={photoUrl}
          alt=""
          hidden
          onLoad={(e) => {
            const { naturalWidth: width, naturalHeight: height } = e.currentTarget;
            setMeasured({ url: photoUrl, width, height });
          }}
          onError={() => setFailed(true)}
        />
      )}
      {photoUrl && size && (
        <div className={classes.pickerFrame}>
          <PhotoView
            image={{
              file: fileName,
              width: size.width,
              height: size.height,
              previewUrl: photoUrl,
              previewWidth: size.width,
              previewHeight: size.height,
            }}
            boxes={boxes}
            onBoxClick={(key) => onPick(Number(key))}
            boxTestId="enroll-face-choice"
          />
        </div>
      )}
      {/* Also as a list: for photos the browser cannot show (HEIC, TIFF) and for keyboard users. */}
      <Group gap={6} wrap="wrap">
        {choices.map((c) => (
          <Button
            key={c.index}
            size="compact-xs"
            variant="default"
            onClick={() => onPick(c.index)}
            disabled={!!c.enrolledAs}
            data-testid="enroll-face-choice-button"
            data-index={c.index}
            data-enrolled={c.enrolledAs ? 'true' : 'false'}
          >
            {t('enroll.faceButton', {
              index: c.index + 1,
              size: Math.round(faceSizeOf(c.box)),
            })}
            {c.enrolledAs && ` · ${enrolledText(c)}`}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}

/** What a row says of its photo beside the name (an error says it below, in full). */
const STATUS_TEXT = {
  done: 'enroll.done',
  removed: 'enroll.removed',
  cancelled: 'enroll.cancelled',
  enrolling: 'enroll.enrolling',
  queued: 'scan.queued',
} as const satisfies Record<Exclude<EnrollStatus, 'error'>, string>;

function JobRow({ job }: { job: EnrollJob }) {
  const { t, i18n } = useTranslation();
  const { choose, enrolAnyway, dismiss } = useEnroll();
  const { openSubject } = useNavigation();
  const error = job.error;
  // After a refusal of a picked face (already enrolled, or not like the subject), the photo's
  // other faces can still be picked.
  const asked = error?.code === 'FACE_MISMATCH';
  const choices =
    error?.code === 'MULTIPLE_FACES'
      ? faceChoicesOf(error)
      : (error?.code === 'DUPLICATE' || asked) && job.choices
        ? job.choices
        : [];
  const owner = error?.code === 'DUPLICATE' ? error.details?.subjectId : undefined;
  const duplicateOf = typeof owner === 'string' && owner !== job.subjectId ? owner : null;

  let icon;
  if (job.status === 'done') {
    icon = (
      <ThemeIcon size="sm" radius="xl" color="teal" variant="light">
        <IconCheck size={12} />
      </ThemeIcon>
    );
  } else if (job.status === 'error') {
    icon = (
      <ThemeIcon size="sm" radius="xl" color={choices.length > 0 || asked ? 'yellow' : 'red'} variant="light">
        <IconAlert size={12} />
      </ThemeIcon>
    );
  } else if (job.status === 'removed' || job.status === 'cancelled') {
    icon = (
      <ThemeIcon size="sm" radius="xl" color="gray" variant="light">
        <IconTrash size={12} />
      </ThemeIcon>
    );
  } else if (job.status === 'enrolling') {
    icon = <Loader size={16} />;
  } else {
    icon = (
      <ThemeIcon size="sm" radius="xl" color="gray" variant="light">
        <IconPhoto size={12} />
      </ThemeIcon>
    );
  }

  return (
    <Stack gap={4} data-testid="enroll-job" data-status={job.status} data-name={job.name}>
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          {icon}
          <Text
            size="sm"
            truncate="end"
            title={job.relativePath}
            c={job.status === 'removed' || job.status === 'cancelled' ? 'dimmed' : undefined}
            td={job.status === 'removed' ? 'line-through' : undefined}
          >
            {job.name}
          </Text>
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {job.status === 'error' ? '' : t(STATUS_TEXT[job.status])}
          </Text>
        </Group>
        {isFinished(job) && (
          <ActionIcon
            size="sm"
            variant="subtle"
            color="gray"
            aria-label={t('common.dismiss')}
            onClick={() => dismiss(job.id)}
          >
            <IconX size={14} />
          </ActionIcon>
        )}
      </Group>
      {error && (
        <Alert
          color={choices.length > 0 || asked ? 'yellow' : 'red'}
          variant="light"
          p="xs"
          title={t(`errors.codes.${error.code}`)}
          data-testid="enroll-error"
          data-code={error.code}
          styles={{ title: { marginBottom: 2 } }}
        >
          <Stack gap={6}>
            <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
              {enrollErrorText(error, i18n.language, t, job.subjectId)}
            </Text>
            {duplicateOf && (
              <Anchor
                component="button"
                type="button"
                size="xs"
                ta="start"
                onClick={() => openSubject(duplicateOf)}
              >
                {t('enroll.openDuplicate')}
              </Anchor>
            )}
            {asked && (
              <Button
                size="xs"
                variant="light"
                color="yellow"
                style={{ alignSelf: 'flex-start' }}
                onClick={() => enrolAnyway(job.id, job.faceIndex)}
                data-testid="enroll-anyway"
              >
                {t('enroll.enrolAnyway')}
              </Button>
            )}
            {choices.length > 0 && error?.code !== 'MULTIPLE_FACES' && (
              <Text size="xs">{t('enroll.pickAnother')}</Text>
            )}
            {choices.length > 0 && (
              <FacePicker
                photoUrl={job.photoUrl}
                fileName={job.name}
                subjectId={job.subjectId}
                choices={choices}
                onPick={(index) => choose(job.id, index)}
              />
            )}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}

/** Drop photos (or a folder) onto a subject to enrol their faces, with progress and per-file results. */
export function EnrollPanel({ subjectId, subjectName }: { subjectId: string; subjectName: string }) {
  const { t } = useTranslation();
  const { jobs: all, enroll, cancel, clearFinished } = useEnroll();
  const folderInput = useRef<HTMLInputElement>(null);
  const openFiles = useRef<() => void>(null);
  usePageOpener('watchlist', openFiles);
  const [skipped, setSkipped] = useState(0);
  const jobs = all.filter((job) => job.subjectId === subjectId);
  const active = jobs.filter((job) => job.status === 'queued' || job.status === 'enrolling');
  const finished = jobs.filter(isFinished);
  const enrolled = jobs.filter((job) => job.status === 'done').length;
  const removed = jobs.filter((job) => job.status === 'removed').length;
  const cancelled = jobs.filter((job) => job.status === 'cancelled').length;
  const choosing = jobs.filter(
    (job) => job.status === 'error' && job.error?.code === 'MULTIPLE_FACES',
  ).length;

  const add = (picked: PickedFile[]) => {
    const result = enroll(subjectId, picked);
    setSkipped(result.skipped);
  };

  return (
    <Stack gap="sm">
      <FolderInput
        ref={folderInput}
        testId="enroll-folder-input"
        onFiles={(files) => files.length > 0 && add(files.map(toPicked))}
      />
      <Group gap="sm" wrap="nowrap" align="stretch">
        <PhotoDropzone
          onDrop={(files) => add(files.map(toPicked))}
          openRef={openFiles}
          label={t('enroll.dropLabel', { name: subjectName })}
          multiple
          p="sm"
          style={{ flex: 1, minWidth: 0 }}
          data-testid="subject-enroll-dropzone"
        >
          <Group justify="center" gap="md" wrap="nowrap" mih={48} style={{ pointerEvents: 'none' }}>
            <DropzoneIcon size={40} iconSize={20} />
            <Stack gap={2} miw={0}>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                <Dropzone.Accept>{t('scan.dropAccept')}</Dropzone.Accept>
                <Dropzone.Reject>{t('scan.dropReject')}</Dropzone.Reject>
                <Dropzone.Idle>{t('enroll.dropTitle', { name: subjectName })}</Dropzone.Idle>
              </Text>
              <Text size="xs" c="dimmed">
                {t('enroll.dropHint')}
              </Text>
            </Stack>
          </Group>
        </PhotoDropzone>
        <Button
          variant="default"
          h="auto"
          leftSection={<IconFolder size={16} />}
          onClick={() => folderInput.current?.click()}
          data-testid="enroll-choose-folder"
        >
          {t('scan.chooseFolder')}
        </Button>
      </Group>
      {skipped > 0 && (
        <Text size="xs" c="dimmed">
          {t('scan.skipped', { count: skipped })}
        </Text>
      )}

      {jobs.length > 0 && (
        <Paper withBorder radius="sm" p="sm" data-testid="enroll-progress">
          <Stack gap="xs">
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm" fw={600} aria-live="polite">
                {active.length > 0
                  ? t('enroll.progress', { done: finished.length, total: jobs.length })
                  : t('enroll.finished', { count: enrolled, total: jobs.length })}
                {removed > 0 && (
                  <Text span size="sm" fw={400} c="dimmed">
                    {' · '}
                    {t('enroll.removedCount', { count: removed })}
                  </Text>
                )}
                {cancelled > 0 && (
                  <Text span size="sm" fw={400} c="dimmed" data-testid="enroll-cancelled">
                    {' · '}
                    {t('enroll.cancelledCount', { count: cancelled })}
                  </Text>
                )}
                {active.length === 0 && choosing > 0 && (
                  <Text span size="sm" fw={400} data-testid="enroll-choosing">
                    {' · '}
                    {t('enroll.choosing', { count: choosing })}
                  </Text>
                )}
              </Text>
              {active.length > 0 ? (
                <Button
                  size="xs"
                  variant="default"
                  leftSection={<IconX size={14} />}
                  onClick={() => cancel(subjectId)}
                  data-testid="enroll-cancel"
                >
                  {t('scan.cancel')}
                </Button>
              ) : (
                <Tooltip label={t('enroll.clearHint')}>
                  <Button size="xs" variant="subtle" onClick={() => clearFinished(subjectId)}>
                    {t('enroll.clear')}
                  </Button>
                </Tooltip>
              )}
            </Group>
            {active.length > 0 && (
              <Progress
                value={(finished.length / jobs.length) * 100}
                size="sm"
                radius="sm"
                animated
                striped
                transitionDuration={150}
              />
            )}
            <Stack gap={8}>
              {jobs.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </Stack>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
