import {
  ActionIcon,
  Avatar,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolledFace, Subject } from '../../../../shared/watchlist-schemas';
import { useVigil } from '../../api/ClientProvider';
import { hasCode } from '../../api/errors';
import { queryKeys, useSubject } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconPencil, IconScan, IconStar, IconTrash, IconUser } from '../../components/icons';
import { formatDateTime, formatNumber, formatScore } from '../../format';
import { EnrollPanel } from './EnrollPanel';
import { useEnroll } from './EnrollProvider';
import { SubjectFormModal } from './SubjectForm';
import { StatusBadge } from './SubjectList';
import classes from './Watchlist.module.css';
import { useSingleFlightMutation } from '../../api/single-flight';
import { foldForSearch } from '../../../../shared/search-text';
import { useScan } from '../scan/ScanProvider';

/** A small button over a corner of a face crop, with its tooltip. */
function CornerButton({
  side,
  danger = false,
  tooltip,
  label,
  onClick,
  testId,
  children,
}: {
  side: 'left' | 'right';
  danger?: boolean;
  tooltip: string;
  label: string;
  onClick: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Tooltip label={tooltip}>
      <ActionIcon
        pos="absolute"
        top={6}
        left={side === 'left' ? 6 : undefined}
        right={side === 'right' ? 6 : undefined}
        size="sm"
        color={danger ? 'red' : undefined}
        variant={danger ? 'filled' : 'default'}
        aria-label={label}
        onClick={onClick}
        data-testid={testId}
      >
        {children}
      </ActionIcon>
    </Tooltip>
  );
}

function FaceCard({
  face,
  isCover,
  onCover,
  onRemove,
}: {
  face: EnrolledFace;
  /** The subject's main photo: the first face, shown in the lists. */
  isCover: boolean;
  onCover: () => void;
  onRemove: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <Card
      withBorder
      padding={0}
      radius="sm"
      data-testid="enrolled-face"
      data-face-id={face.id}
      data-cover={isCover || undefined}
    >
      <Card.Section pos="relative">
        <img
          className={classes.faceImage}
          src={face.cropUrl}
          alt={t('watchlist.faceAlt', { file: face.sourceFile })}
          loading="lazy"
          draggable={false}
        />
        {isCover ? (
          <Tooltip label={t('watchlist.cover')}>
            <ThemeIcon
              pos="absolute"
              top={6}
              left={6}
              size="sm"
              variant="filled"
              role="img"
              aria-label={t('watchlist.cover')}
              data-testid="enrolled-face-cover"
            >
              <IconStar size={14} fill="currentColor" />
            </ThemeIcon>
          </Tooltip>
        ) : (
          <CornerButton
            side="left"
            tooltip={t('watchlist.useAsCover')}
            label={t('watchlist.useAsCoverOf', { file: face.sourceFile })}
            onClick={onCover}
            testId="enrolled-face-use-as-cover"
          >
            <IconStar size={14} />
          </CornerButton>
        )}
        <CornerButton
          side="right"
          danger
          tooltip={t('watchlist.removeFace')}
          label={t('watchlist.removeFaceOf', { file: face.sourceFile })}
          onClick={onRemove}
          testId="enrolled-face-remove"
        >
          <IconTrash size={14} />
        </CornerButton>
      </Card.Section>
      <Stack gap={2} p={8}>
        <Tooltip label={face.sourceFile} openDelay={400}>
          <Text size="xs" fw={600} truncate="end" data-testid="enrolled-face-file">
            {face.sourceFile}
          </Text>
        </Tooltip>
        <Text size="xs" c="dimmed">
          {t('watchlist.faceSize', { value: formatNumber(lang, face.faceSize) })}
        </Text>
        <Text size="xs" c="dimmed">
          {t('watchlist.sharpness', { value: formatNumber(lang, face.sharpness) })}
        </Text>
        <Text size="xs" c="dimmed">
          {t('watchlist.detectorScore', { value: formatScore(lang, face.detectorScore) })}
        </Text>
      </Stack>
    </Card>
  );
}

function RemoveFaceModal({
  subject,
  face,
  onClose,
}: {
  subject: Subject;
  face: EnrolledFace | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const { faceRemoved } = useEnroll();
  const remove = useSingleFlightMutation({
    mutationFn: (faceId: string) => client.invoke('watchlist.removeFace', { subjectId: subject.id, faceId }),
    onSuccess: (updated, faceId) => {
      queryClient.setQueryData(queryKeys.subject(updated.id), updated);
      faceRemoved(updated.id, faceId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
      onClose();
    },
  });
  return (
    <Modal
      opened={face !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={t('watchlist.removeFaceTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {face && (
        <Stack gap="sm">
          <Group wrap="nowrap" align="flex-start">
            <Avatar src={face.cropUrl} size={72} radius="sm" alt="" />
            <Text size="sm">
              {t('watchlist.removeFaceBody', { file: face.sourceFile, name: subject.name })}
            </Text>
          </Group>
          {remove.isError && <ErrorNotice error={remove.error} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} data-autofocus>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(face.id)}
              data-testid="confirm-remove-face"
            >
              {t('watchlist.removeFace')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function DeleteSubjectModal({
  subject,
  opened,
  onClose,
  onDeleted,
}: {
  subject: Subject;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const del = useSingleFlightMutation({
    mutationFn: () => client.invoke('watchlist.delete', { id: subject.id }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.subject(subject.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
      onDeleted();
    },
  });
  // As the search box compares: case, accents and runs of spaces do not count, so a name
  // typed on another keyboard layout still confirms.
  const fold = (s: string) => foldForSearch(s.trim().replace(/\s+/g, ' '));
  const confirmed = typed.trim() !== '' && fold(typed) === fold(subject.name);
  const close = () => {
    setTyped('');
    del.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('watchlist.deleteTitle', { name: subject.name })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (confirmed) del.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {t('watchlist.deleteBody', { name: subject.name, count: subject.faces.length })}
          </Text>
          <TextInput
            label={t('watchlist.deleteTypeName', { name: subject.name })}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-autofocus
            autoComplete="off"
            data-testid="subject-delete-confirm-input"
          />
          {del.isError && <ErrorNotice error={del.error} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color="red"
              disabled={!confirmed}
              loading={del.isPending}
              data-testid="subject-delete-confirm"
            >
              {t('watchlist.deleteConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}

export function SubjectDetail({ subjectId, onClosed }: { subjectId: string; onClosed: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const query = useSubject(subjectId);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [removing, setRemoving] = useState<EnrolledFace | null>(null);
  const { client } = useVigil();
  const { lookFor } = useScan();
  const queryClient = useQueryClient();
  const cover = useSingleFlightMutation({
    mutationFn: (faceId: string) => client.invoke('watchlist.setCover', { subjectId, faceId }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.subject(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
    },
  });

  if (query.isPending) {
    return (
      <Card withBorder radius="sm" padding="lg">
        <Stack gap="sm">
          <Skeleton height={28} width="40%" />
          <Skeleton height={14} width="60%" />
          <Skeleton height={120} />
        </Stack>
      </Card>
    );
  }
  if (query.isError) {
    return (
      <Card withBorder radius="sm" padding="lg">
        {hasCode(query.error, 'NOT_FOUND') ? (
          <Stack gap="xs" align="flex-start" data-testid="subject-gone">
            <Text fw={600}>{t('watchlist.gone')}</Text>
            <Button size="xs" variant="default" onClick={onClosed}>
              {t('common.close')}
            </Button>
          </Stack>
        ) : (
          <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
        )}
      </Card>
    );
  }

  const subject = query.data;
  return (
    <Card withBorder radius="sm" padding="lg" data-testid="subject-detail" data-subject-id={subject.id}>
      <Stack gap="lg">
        {/* In a narrow window the buttons go below the name rather than squeeze it mid-word. */}
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <Group gap="md" wrap="nowrap" align="flex-start" style={{ minWidth: 0, flex: '1 1 20rem' }}>
            <Avatar src={subject.faces[0]?.cropUrl} size={72} radius="sm" alt="">
              <IconUser size={32} />
            </Avatar>
            <Stack gap={4} style={{ minWidth: 0 }}>
              <Group gap="xs" wrap="wrap">
                <Title
                  order={3}
                  size="h3"
                  dir="auto"
                  data-testid="subject-title"
                  style={{ overflowWrap: 'break-word', minWidth: 0 }}
                >
                  {subject.name}
                </Title>
                <StatusBadge status={subject.status} size="md" />
              </Group>
              {subject.aliases.length > 0 && (
                <Group gap={4} wrap="wrap" aria-label={t('watchlist.fields.aliases')}>
                  {subject.aliases.map((a) => (
                    <Badge key={a} size="sm" radius="sm" variant="outline" color="gray" tt="none">
                      {a}
                    </Badge>
                  ))}
                </Group>
              )}
            </Stack>
          </Group>
          <Group gap="xs" wrap="wrap" maw="100%">
            {/* The reverse of a Scan card's candidate link: Scan, looking for this subject. */}
            <Tooltip
              label={
                subject.faces.length > 0
                  ? t('scan.verify.lookForTitle', { name: subject.name })
                  : t('scan.verify.lookForDisabled', { name: subject.name })
              }
            >
              {/* A disabled button gets no pointer events: the wrapper still shows why. */}
              <Box maw="100%" data-testid="subject-look-for-wrapper">
                <Button
                  size="xs"
                  variant="default"
                  leftSection={<IconScan size={14} />}
                  onClick={() => lookFor({ id: subject.id, name: subject.name })}
                  disabled={subject.faces.length === 0}
                  // A long name ends in an ellipsis (the tooltip has it whole) rather than push the
                  // card sideways.
                  maw="100%"
                  styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
                  data-testid="subject-look-for"
                >
                  {t('scan.verify.lookForButton', { name: subject.name })}
                </Button>
              </Box>
            </Tooltip>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPencil size={14} />}
              onClick={() => setEditing(true)}
              data-testid="subject-edit"
            >
              {t('watchlist.edit')}
            </Button>
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconTrash size={14} />}
              onClick={() => setDeleting(true)}
              data-testid="subject-delete"
            >
              {t('watchlist.delete')}
            </Button>
          </Group>
        </Group>

        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Field label={t('watchlist.fields.caseRef')}>
            <Text size="sm" ff="monospace" dir="auto" style={{ overflowWrap: 'anywhere' }}>
              {subject.caseRef || t('common.none')}
            </Text>
          </Field>
          <Field label={t('watchlist.created')}>
            <Text size="sm">{formatDateTime(lang, subject.createdAt)}</Text>
          </Field>
          <Field label={t('watchlist.updated')}>
            <Text size="sm">{formatDateTime(lang, subject.updatedAt)}</Text>
          </Field>
        </SimpleGrid>
        <Field label={t('watchlist.fields.notes')}>
          <Text size="sm" className={classes.notes} c={subject.notes ? undefined : 'dimmed'}>
            {subject.notes || t('watchlist.noNotes')}
          </Text>
        </Field>

        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4} size="h5">
              {t('watchlist.facesTitle', { count: subject.faces.length })}
            </Title>
          </Group>
          <EnrollPanel subjectId={subject.id} subjectName={subject.name} />
          {cover.isError && <ErrorNotice error={cover.error} />}
          {subject.faces.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="no-faces">
              {t('watchlist.noFaces')}
            </Text>
          ) : (
            <SimpleGrid
              type="container"
              cols={{ base: 2, '400px': 3, '540px': 4, '660px': 5, '860px': 6 }}
              spacing="sm"
              verticalSpacing="sm"
            >
              {subject.faces.map((face, i) => (
                <FaceCard
                  key={face.id}
                  face={face}
                  isCover={i === 0}
                  onCover={() => cover.mutate(face.id)}
                  onRemove={() => setRemoving(face)}
                />
              ))}
            </SimpleGrid>
          )}
        </Stack>
      </Stack>

      <SubjectFormModal opened={editing} subject={subject} onClose={() => setEditing(false)} />
      <DeleteSubjectModal
        subject={subject}
        opened={deleting}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          setDeleting(false);
          onClosed();
        }}
      />
      <RemoveFaceModal subject={subject} face={removing} onClose={() => setRemoving(null)} />
    </Card>
  );
}
