import {
  ActionIcon,
  Badge,
  Button,
  Collapse,
  FileButton,
  Group,
  Modal,
  NumberInput,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NORMALIZATIONS, type ModelEntry, type ModelInput } from '../../../../shared/classify-schemas';
import { useVigil } from '../../api/ClientProvider';
import { modelsKey, useModels } from '../../api/models-queries';
import { queryKeys } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconCheck, IconFileImport, IconPhoto, IconTrash } from '../../components/icons';
import { formatBytes, formatScore } from '../../format';
import { wholeInRange } from '../../lib/decimal';
import { IMAGE_ACCEPT, toImageSource } from '../../lib/files';
import { Section } from './Section';
import { SuccessNotice } from '../../components/SuccessNotice';
import { useSingleFlightMutation } from '../../api/single-flight';

type Notice = { kind: 'ok'; text: string } | null;

function ModelRow({
  model,
  onNotice,
  onRemove,
}: {
  model: ModelEntry;
  onNotice: (n: Notice) => void;
  onRemove: (m: ModelEntry) => void;
}) {
  const { t, i18n } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const makeDefault = useSingleFlightMutation({
    mutationFn: () => client.invoke('settings.update', { classify: { defaultModel: model.name } }),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKeys.settings, next);
      void queryClient.invalidateQueries({ queryKey: modelsKey });
      onNotice({ kind: 'ok', text: t('models.defaultSaved', { name: model.name }) });
    },
  });
  const test = useMutation({
    mutationFn: async (file: File) =>
      client.invoke('models.test', { name: model.name, source: await toImageSource(file) }),
    onSuccess: (r) =>
      onNotice({
        kind: 'ok',
        text: t('models.testResult', {
          name: model.name,
          file: r.fileName,
          labels: r.top
            .slice(0, 3)
            .map((l) => `${l.label} ${formatScore(i18n.language, l.score)}`)
            .join(', '),
        }),
      }),
  });
  // The file field forgets its photo once read, so the same photo can test the model again.
  const resetFile = useRef<() => void>(null);
  const shownLabels = model.labels.slice(0, 12).join(', ') + (model.labels.length > 12 ? ', …' : '');
  return (
    <>
      <Table.Tr data-testid="model-row" data-name={model.name} data-default={model.isDefault}>
        <Table.Td>
          <Stack gap={2}>
            <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
              {model.name}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Badge size="xs" radius="sm" variant="light" color={model.kind === 'builtin' ? 'gray' : 'blue'}>
                {t(`models.kinds.${model.kind}`)}
              </Badge>
              {model.isDefault && (
                <Badge size="xs" radius="sm" color="teal" data-testid="model-default-badge">
                  {t('models.isDefault')}
                </Badge>
              )}
            </Group>
          </Stack>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Tooltip label={shownLabels} multiline w={320}>
            <Text size="sm">{t('models.labelsCount', { count: model.labels.length })}</Text>
          </Tooltip>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Text size="xs" ff="monospace">
            {model.input.width}×{model.input.height}×{model.input.channels}
          </Text>
          <Text size="xs" c="dimmed">
            {t(`models.normalizations.${model.input.normalization}`)} · {t(`models.fits.${model.input.fit}`)}
          </Text>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Text size="sm">{formatBytes(i18n.language, model.sizeBytes)}</Text>
        </Table.Td>
        <Table.Td>
          <Group gap={6} wrap="nowrap" justify="flex-end">
            {!model.isDefault && (
              <Button
                size="compact-xs"
                variant="default"
                leftSection={<IconCheck size={12} />}
                loading={makeDefault.isPending}
                onClick={() => makeDefault.mutate()}
                data-testid="model-make-default"
              >
                {t('models.makeDefault')}
              </Button>
            )}
            <FileButton
              accept={IMAGE_ACCEPT}
              onChange={(f) => {
                resetFile.current?.();
                if (f) test.mutate(f);
              }}
              resetRef={resetFile}
            >
              {(props) => (
                <Tooltip label={t('models.test')}>
                  <ActionIcon
                    {...props}
                    variant="default"
                    aria-label={t('models.test')}
                    loading={test.isPending}
                    data-testid="model-test"
                  >
                    <IconPhoto size={16} />
                  </ActionIcon>
                </Tooltip>
              )}
            </FileButton>
            {model.kind === 'user' && (
              <Tooltip label={t('models.remove')}>
                <ActionIcon
                  variant="default"
                  color="red"
                  aria-label={t('models.remove')}
                  onClick={() => onRemove(model)}
                  data-testid="model-remove"
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        </Table.Td>
      </Table.Tr>
      {(makeDefault.isError || test.isError) && (
        <Table.Tr>
          <Table.Td colSpan={5}>
            <ErrorNotice error={makeDefault.error ?? test.error} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

const AUTO = '';

/** The input size the import form takes (modelInputSchema's). */
const SIZE = { min: 8, max: 2048 };

function ImportForm({ onNotice }: { onNotice: (n: Notice) => void }) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [advanced, setAdvanced] = useState(false);
  const [width, setWidth] = useState<number | string>('');
  const [height, setHeight] = useState<number | string>('');
  const [channels, setChannels] = useState(AUTO);
  const [normalization, setNormalization] = useState(AUTO);
  const [fit, setFit] = useState(AUTO);
  // Empty: from the model (null); otherwise a whole number in range, or invalid (undefined).
  const sizeOf = (v: number | string) =>
    v === '' ? null : (wholeInRange(v, SIZE.min, SIZE.max) ?? undefined);
  const size = { width: sizeOf(width), height: sizeOf(height) };
  const sizeValid = size.width !== undefined && size.height !== undefined;
  const run = useSingleFlightMutation({
    mutationFn: () => {
      const input: Partial<ModelInput> = {
        ...(typeof size.width === 'number' ? { width: size.width } : {}),
        ...(typeof size.height === 'number' ? { height: size.height } : {}),
        ...(channels ? { channels: Number(channels) as 1 | 3 } : {}),
        ...(normalization ? { normalization: normalization as ModelInput['normalization'] } : {}),
        ...(fit ? { fit: fit as ModelInput['fit'] } : {}),
      };
      return client.invoke('models.import', {
        dir: dir.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(Object.keys(input).length ? { input } : {}),
      });
    },
    onMutate: () => onNotice(null),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: modelsKey });
      onNotice({ kind: 'ok', text: t('models.imported', { name: m.name, count: m.labels.length }) });
      setDir('');
      setName('');
    },
  });
  const auto = { value: AUTO, label: t('models.auto') };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (dir.trim()) run.mutate();
      }}
    >
      <Stack gap="sm" data-testid="models-import">
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {t('models.importTitle')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('models.importHint')}
          </Text>
        </Stack>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label={t('models.folder')}
            placeholder={t('models.folderPlaceholder')}
            value={dir}
            onChange={(e) => setDir(e.currentTarget.value)}
            style={{ flex: '1 1 320px' }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="models-import-dir"
          />
          <TextInput
            label={t('models.name')}
            placeholder={t('models.namePlaceholder')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={64}
            w={200}
            data-testid="models-import-name"
          />
          <Button
            type="submit"
            leftSection={<IconFileImport size={16} />}
            loading={run.isPending}
            disabled={!dir.trim() || !sizeValid}
            data-testid="models-import-submit"
          >
            {t('models.importButton')}
          </Button>
        </Group>
        <Button
          variant="subtle"
          size="compact-sm"
          w="fit-content"
          onClick={() => setAdvanced((a) => !a)}
          aria-expanded={advanced}
        >
          {t('models.inputSettings')}
        </Button>
        <Collapse in={advanced}>
          <Group gap="sm" wrap="wrap">
            {(['width', 'height'] as const).map((key) => (
              <NumberInput
                key={key}
                label={t(`models.${key}`)}
                value={key === 'width' ? width : height}
                onChange={key === 'width' ? setWidth : setHeight}
                min={SIZE.min}
                max={SIZE.max}
                // Flagged, not clamped: 4000 must not quietly become 2048.
                clampBehavior="none"
                w={110}
                placeholder={t('models.auto')}
                error={size[key] === undefined ? t('models.sizeRange', SIZE) : undefined}
                data-testid={`models-import-${key}`}
              />
            ))}
            <Select
              label={t('models.channels')}
              value={channels}
              onChange={(v) => setChannels(v ?? AUTO)}
              data={[
                auto,
                ...(['3', '1'] as const).map((c) => ({ value: c, label: t(`models.channelOptions.${c}`) })),
              ]}
              w={130}
            />
            <Select
              label={t('models.normalization')}
              value={normalization}
              onChange={(v) => setNormalization(v ?? AUTO)}
              data={[
                auto,
                ...NORMALIZATIONS.map((n) => ({ value: n, label: t(`models.normalizations.${n}`) })),
              ]}
              w={250}
            />
            <Select
              label={t('models.fit')}
              value={fit}
              onChange={(v) => setFit(v ?? AUTO)}
              data={[
                auto,
                ...(['cover', 'fill'] as const).map((f) => ({ value: f, label: t(`models.fits.${f}`) })),
              ]}
              w={160}
            />
          </Group>
        </Collapse>
        {run.isError && <ErrorNotice error={run.error} />}
      </Stack>
    </form>
  );
}

/** Settings → Models: built-in and imported models, default choice, test, import, remove. */
export function ModelsSection() {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const models = useModels();
  const [notice, setNotice] = useState<Notice>(null);
  const [removing, setRemoving] = useState<ModelEntry | null>(null);
  const remove = useSingleFlightMutation({
    mutationFn: (name: string) => client.invoke('models.remove', { name }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: modelsKey });
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
      setRemoving(null);
      setNotice({ kind: 'ok', text: t('models.removed', { name: r.removed }) });
    },
  });
  return (
    <Section title={t('models.title')} description={t('models.description')} testId="settings-models">
      {models.isPending && <Skeleton height={90} />}
      {models.isError && <ErrorNotice error={models.error} onRetry={() => void models.refetch()} />}
      {models.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} data-testid="models-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('models.columns.name')}</Table.Th>
                <Table.Th>{t('models.columns.labels')}</Table.Th>
                <Table.Th>{t('models.columns.input')}</Table.Th>
                <Table.Th>{t('models.columns.size')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t('models.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data.models.map((m) => (
                <ModelRow
                  key={m.name}
                  model={m}
                  onNotice={setNotice}
                  onRemove={(model) => {
                    // A failure to remove another model is no news about this one.
                    remove.reset();
                    setRemoving(model);
                  }}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {notice && (
        <SuccessNotice testId="models-notice" onClose={() => setNotice(null)}>
          {notice.text}
        </SuccessNotice>
      )}
      <ImportForm onNotice={setNotice} />
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={removing ? t('models.removeTitle', { name: removing.name }) : ''}
        centered
      >
        <Stack gap="md">
          <Text size="sm">{t('models.removeBody')}</Text>
          {remove.isError && <ErrorNotice error={remove.error} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => removing && remove.mutate(removing.name)}
              data-testid="model-remove-confirm"
            >
              {t('models.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}
