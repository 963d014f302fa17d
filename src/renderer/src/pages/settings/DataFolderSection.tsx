import { Alert, Button, Checkbox, Code, Group, Modal, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../../shared/contract';
import { useVigil } from '../../api/ClientProvider';
import { useDataInfo } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconArrowRight, IconCheck, IconFolder } from '../../components/icons';
import { formatBytes, formatNumber } from '../../format';
import { copyText } from '../../lib/clipboard';
import { canOpenDataDir, openDataDir } from '../../platform';
import { OperationProgress } from './OperationProgress';
import { Section } from './Section';
import { useSingleFlightMutation } from '../../api/single-flight';

type MoveResult = ChannelOutput<'data.move'>;

/** Copy the path (everywhere) and open the folder (desktop shell only). */
function PathActions({ dir }: { dir: string }) {
  const { t } = useTranslation();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (!note) return;
    const timer = window.setTimeout(() => setNote(null), 4_000);
    return () => window.clearTimeout(timer);
  }, [note]);
  return (
    <Group gap="xs">
      {canOpenDataDir() && (
        <Button
          variant="default"
          leftSection={<IconFolder size={16} />}
          onClick={() =>
            void openDataDir().then((reason) => {
              if (reason) setNote({ ok: false, text: t('settings.data.openFailed', { reason }) });
            })
          }
          data-testid="settings-data-open"
        >
          {t('settings.data.open')}
        </Button>
      )}
      <Button
        variant="default"
        onClick={() =>
          copyText(dir).then(
            () => setNote({ ok: true, text: t('settings.data.copied') }),
            () => setNote({ ok: false, text: t('settings.data.copyFailed') }),
          )
        }
        data-testid="settings-data-copy"
      >
        {t('settings.data.copyPath')}
      </Button>
      {note && (
        <Text size="xs" c={note.ok ? 'teal' : 'red'} role="status" data-testid="settings-data-note">
          {note.text}
        </Text>
      )}
    </Group>
  );
}

function MovedNotice({ result }: { result: MoveResult }) {
  const { t, i18n } = useTranslation();
  const old = result.old;
  return (
    <Alert color="teal" variant="light" icon={<IconCheck size={16} />} data-testid="settings-data-moved">
      <Stack gap={4}>
        <Text size="sm">
          {t('settings.data.moved', {
            count: result.files,
            files: formatNumber(i18n.language, result.files),
            size: formatBytes(i18n.language, result.bytes),
            to: result.to,
          })}
        </Text>
        <Text size="sm" data-testid="settings-data-old" data-removed={old.removed}>
          {old.removed
            ? t('settings.data.oldRemoved', { dir: old.dir })
            : old.left.length > 0
              ? t('settings.data.oldLeft', { dir: old.dir, count: old.left.length })
              : t('settings.data.oldKept', { dir: old.dir })}
        </Text>
        {!result.persisted && <Text size="sm">{t('settings.data.notPersisted')}</Text>}
      </Stack>
    </Alert>
  );
}

/**
 * Where the data lives, and moving it: the core copies, verifies, switches and remembers; the old
 * folder goes only when asked. Afterwards every query is refetched, from the new folder.
 */
export function DataFolderSection() {
  const { t, i18n } = useTranslation();
  const { client, shell } = useVigil();
  const queryClient = useQueryClient();
  const info = useDataInfo();
  const [opened, setOpened] = useState(false);
  const [target, setTarget] = useState('');
  const [removeOld, setRemoveOld] = useState(false);
  const [result, setResult] = useState<MoveResult | null>(null);

  const move = useSingleFlightMutation({
    mutationFn: () => client.invoke('data.move', { to: target.trim(), removeOld }),
    onSuccess: (r) => {
      setResult(r);
      setOpened(false);
      setTarget('');
      setRemoveOld(false);
      // Everything now comes from the new folder.
      void queryClient.invalidateQueries();
    },
  });

  const data = info.data;
  return (
    <Section
      title={t('settings.data.title')}
      description={t('settings.data.description')}
      testId="settings-data"
    >
      {info.isError && <ErrorNotice error={info.error} onRetry={() => void info.refetch()} />}
      {!data && info.isPending && <Skeleton height={60} />}
      {data && (
        <Stack gap="xs">
          <Code
            block
            data-testid="settings-data-dir"
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {data.dir}
          </Code>
          <Text size="sm" data-testid="settings-data-size">
            {t('settings.data.size', { count: data.files, size: formatBytes(i18n.language, data.bytes) })}
          </Text>
          <Text size="xs" c="dimmed" data-testid="settings-data-source" data-source={data.source}>
            {t(`settings.data.sources.${data.source}`, { file: data.configFile })}
          </Text>
          {shell === 'browser' && (
            <Text size="xs" c="dimmed">
              {t('settings.data.browserHint')}
            </Text>
          )}
        </Stack>
      )}
      {result && <MovedNotice result={result} />}
      <Group justify="space-between" gap="xs">
        {data ? <PathActions dir={data.dir} /> : <span />}
        <Button
          leftSection={<IconArrowRight size={16} />}
          onClick={() => {
            move.reset();
            setOpened(true);
          }}
          disabled={!data}
          data-testid="settings-data-move"
        >
          {t('settings.data.move')}
        </Button>
      </Group>

      <Modal
        opened={opened}
        onClose={() => !move.isPending && setOpened(false)}
        title={t('settings.data.moveTitle')}
        centered
        size="lg"
        data-testid="settings-move-dialog"
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (target.trim()) move.mutate();
          }}
        >
          <Stack gap="md">
            <Text size="sm">{t('settings.data.moveSteps')}</Text>
            {data && (
              <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
                {data.dir}
              </Code>
            )}
            <TextInput
              label={t('settings.data.target')}
              description={t('settings.data.targetHint')}
              placeholder={t('settings.data.targetPlaceholder')}
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value)}
              disabled={move.isPending}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-autofocus
              data-testid="settings-move-target"
            />
            <Checkbox
              label={t('settings.data.removeOld')}
              description={t('settings.data.removeOldHint')}
              checked={removeOld}
              onChange={(e) => setRemoveOld(e.currentTarget.checked)}
              disabled={move.isPending}
              data-testid="settings-move-remove-old"
            />
            <OperationProgress active={move.isPending} />
            {move.isError && <ErrorNotice error={move.error} />}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setOpened(false)} disabled={move.isPending}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                loading={move.isPending}
                disabled={!target.trim()}
                data-testid="settings-move-confirm"
              >
                {t('settings.data.confirmMove')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Section>
  );
}
