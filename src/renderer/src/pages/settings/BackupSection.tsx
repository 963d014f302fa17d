import { Button, Divider, FileButton, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../../shared/contract';
import type { ImageSource } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconDownload, IconRestore, IconUpload } from '../../components/icons';
import { formatBytes, formatNumber } from '../../format';
import { downloadBase64 } from '../../lib/download';
import { toImageSource } from '../../lib/files';
import { OperationProgress } from './OperationProgress';
import { Section } from './Section';
import { SuccessNotice } from '../../components/SuccessNotice';
import { PathAction } from './PathAction';
import { useSingleFlightMutation } from '../../api/single-flight';

type BackupResult = ChannelOutput<'data.backup'>;
type RestoreResult = ChannelOutput<'data.restore'>;

/** A backup file chosen in the dialog, or a path typed for the machine that runs Vigil. */
type Chosen = { kind: 'file'; file: File } | { kind: 'path'; path: string };
const nameOf = (c: Chosen) => (c.kind === 'file' ? c.file.name : c.path);

function BackupPart() {
  const { t, i18n } = useTranslation();
  const { client } = useVigil();
  const [path, setPath] = useState('');
  const backup = useSingleFlightMutation({
    mutationFn: (file?: string) => client.invoke('data.backup', file ? { file } : {}),
    onSuccess: (r: BackupResult) => {
      if (r.data) downloadBase64(r.fileName, r.data, 'application/gzip');
      else setPath('');
    },
  });
  const r = backup.data;
  return (
    <Stack gap="sm">
      <Group gap="sm" align="center">
        <Button
          leftSection={<IconDownload size={16} />}
          onClick={() => backup.mutate(undefined)}
          loading={backup.isPending && backup.variables === undefined}
          disabled={backup.isPending}
          data-testid="settings-backup-now"
        >
          {t('settings.backup.now')}
        </Button>
        <Text size="xs" c="dimmed">
          {t('settings.backup.nowHint')}
        </Text>
      </Group>
      <PathAction
        label={t('settings.backup.toPath')}
        placeholder={t('settings.backup.toPathPlaceholder')}
        value={path}
        onChange={setPath}
        testId="settings-backup-path"
        action={{
          label: t('settings.backup.save'),
          onClick: () => backup.mutate(path.trim()),
          disabled: !path.trim() || backup.isPending,
          loading: backup.isPending && backup.variables !== undefined,
          testId: 'settings-backup-save',
        }}
      />
      <OperationProgress active={backup.isPending} />
      {backup.isError && <ErrorNotice error={backup.error} />}
      {r && !backup.isPending && (
        <SuccessNotice testId="settings-backup-done">
          <Text size="sm">
            {t('settings.backup.done', {
              name: r.fileName,
              count: r.files,
              files: formatNumber(i18n.language, r.files),
              size: formatBytes(i18n.language, r.bytes),
            })}{' '}
            {r.file && t('settings.backup.written', { file: r.file })}
          </Text>
        </SuccessNotice>
      )}
    </Stack>
  );
}

function RestorePart() {
  const { t, i18n } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [path, setPath] = useState('');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  // Kept apart from `chosen` so the dialog keeps its text while it closes.
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<{ name: string; result: RestoreResult } | null>(null);
  // The file field forgets its file once read, so the same backup can be chosen again (after Cancel).
  const resetFile = useRef<() => void>(null);

  const restore = useSingleFlightMutation({
    mutationFn: async (c: Chosen) => {
      const source: ImageSource = c.kind === 'file' ? await toImageSource(c.file) : { path: c.path };
      return client.invoke('data.restore', { source });
    },
    onSuccess: (result, c) => {
      setDone({ name: nameOf(c), result });
      setConfirming(false);
      setPath('');
      // Watchlist, history, settings: all of it is the backup's now.
      void queryClient.invalidateQueries();
    },
  });

  const ask = (c: Chosen) => {
    restore.reset();
    setDone(null);
    setChosen(c);
    setConfirming(true);
  };

  return (
    <Stack gap="sm">
      <Title order={4} size="h5">
        {t('settings.backup.restoreTitle')}
      </Title>
      <FileButton
        onChange={(file) => {
          resetFile.current?.();
          if (file) ask({ kind: 'file', file });
        }}
        resetRef={resetFile}
        accept=".gz,.tgz,application/gzip,application/x-gzip"
      >
        {(props) => (
          <Button
            {...props}
            variant="default"
            leftSection={<IconUpload size={16} />}
            w="fit-content"
            data-testid="settings-restore-choose"
          >
            {t('settings.backup.choose')}
          </Button>
        )}
      </FileButton>
      <PathAction
        label={t('settings.backup.fromPath')}
        placeholder={t('settings.backup.fromPathPlaceholder')}
        value={path}
        onChange={setPath}
        testId="settings-restore-path"
        action={{
          label: t('settings.backup.restore'),
          onClick: () => ask({ kind: 'path', path: path.trim() }),
          disabled: !path.trim(),
          testId: 'settings-restore-from-path',
        }}
      />
      {done && (
        <SuccessNotice testId="settings-restore-done">
          <Stack gap={4}>
            <Text size="sm">
              {t('settings.backup.restored', {
                count: done.result.files,
                files: formatNumber(i18n.language, done.result.files),
                name: done.name,
              })}
            </Text>
            {done.result.previous && (
              <Text size="sm" data-testid="settings-restore-previous">
                {t('settings.backup.previous', { dir: done.result.previous })}
              </Text>
            )}
          </Stack>
        </SuccessNotice>
      )}

      <Modal
        opened={confirming}
        onClose={() => !restore.isPending && setConfirming(false)}
        title={t('settings.backup.confirmTitle')}
        centered
        data-testid="settings-restore-dialog"
      >
        <Stack gap="md">
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {chosen && t('settings.backup.confirmBody', { name: nameOf(chosen) })}
          </Text>
          <OperationProgress active={restore.isPending} />
          {restore.isError && (
            <ErrorNotice error={restore.error} title={t('settings.backup.restoreFailed')} />
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={restore.isPending}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              leftSection={<IconRestore size={16} />}
              loading={restore.isPending}
              onClick={() => chosen && restore.mutate(chosen)}
              data-testid="settings-restore-confirm"
            >
              {t('settings.backup.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** Back up the whole data folder now (download, or a file on the machine) and restore one. */
export function BackupSection() {
  const { t } = useTranslation();
  return (
    <Section
      title={t('settings.backup.title')}
      description={t('settings.backup.description')}
      testId="settings-backup"
    >
      <BackupPart />
      <Divider />
      <RestorePart />
    </Section>
  );
}
