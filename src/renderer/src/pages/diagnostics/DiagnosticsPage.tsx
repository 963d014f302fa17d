import { Alert, Badge, Button, Card, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineInfo } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { hasCode } from '../../api/errors';
import { useEngineInfo, useHealth } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { IconRefresh } from '../../components/icons';
import { formatBytes, formatMs, formatTime } from '../../format';

const STATE_COLORS: Record<EngineInfo['state'], string> = {
  starting: 'yellow',
  ready: 'teal',
  failed: 'red',
};

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card withBorder radius="sm" padding="md" data-testid={testId}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function Rows({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <Table variant="vertical" layout="fixed" verticalSpacing={6} horizontalSpacing="sm" withTableBorder>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w="42%">
              <Text size="sm" fw={500}>
                {label}
              </Text>
            </Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function LoadingRows({ count }: { count: number }) {
  return (
    <Stack gap={10}>
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} height={14} radius="sm" />
      ))}
    </Stack>
  );
}

function YesNo({ value }: { value: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" radius="sm" variant="light" color={value ? 'teal' : 'gray'} tt="none">
      {value ? t('common.yes') : t('common.no')}
    </Badge>
  );
}

function EngineSection({ info }: { info: EngineInfo }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const ms = (value: number | null) =>
    value === null ? t('common.none') : t('common.milliseconds', { value: formatMs(lang, value) });
  const backend = info.backend ? t(`diagnostics.backends.${info.backend}`) : t('diagnostics.backends.none');
  const rows: Array<[string, ReactNode]> = [
    [
      t('diagnostics.state'),
      <Badge
        key="state"
        size="sm"
        radius="sm"
        variant="light"
        color={STATE_COLORS[info.state]}
        tt="none"
        data-testid="engine-state"
        data-state={info.state}
      >
        {t(`diagnostics.states.${info.state}`)}
      </Badge>,
    ],
    [
      t('diagnostics.backend'),
      <Text key="backend" size="sm" data-testid="engine-backend">
        {backend}
      </Text>,
    ],
    [
      t('diagnostics.simd'),
      info.wasmFeatures ? (
        <YesNo key="simd" value={info.wasmFeatures.simd} />
      ) : (
        <Text key="simd" size="sm" c="dimmed">
          {t('diagnostics.notApplicable')}
        </Text>
      ),
    ],
    [
      t('diagnostics.threads'),
      info.wasmFeatures ? (
        <YesNo key="threads" value={info.wasmFeatures.threads} />
      ) : (
        <Text key="threads" size="sm" c="dimmed">
          {t('diagnostics.notApplicable')}
        </Text>
      ),
    ],
    [
      t('diagnostics.workers'),
      <Text key="workers" size="sm">
        {info.workers}
      </Text>,
    ],
    [
      t('diagnostics.engineLoad'),
      <Text key="load" size="sm">
        {ms(info.loadMs)}
      </Text>,
    ],
  ];
  return (
    <Section title={t('diagnostics.engine')} testId="diagnostics-engine">
      <Stack gap="sm">
        <Rows rows={rows} />
        {info.backend !== 'tensorflow' && info.backendReason && (
          <Alert color="blue" variant="light" p="xs" title={t('diagnostics.backendReason')}>
            <Text size="sm" data-testid="engine-backend-reason">
              {info.backendReason}
            </Text>
          </Alert>
        )}
        {info.state === 'starting' && (
          <Text size="xs" c="dimmed">
            {t('diagnostics.polling')}
          </Text>
        )}
        {info.error && (
          <Alert color="red" variant="light" p="xs" title={t('diagnostics.engineError')}>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {info.error}
            </Text>
          </Alert>
        )}
      </Stack>
    </Section>
  );
}

function chromiumVersion(): string | null {
  const match = /Chrom(?:e|ium)\/([\d.]+)/.exec(navigator.userAgent);
  return match?.[1] ?? null;
}

function VersionsSection({ info, appVersion }: { info: EngineInfo | undefined; appVersion: ReactNode }) {
  const { t } = useTranslation();
  const { shell } = useVigil();
  const dash = t('common.none');
  const mono = (value: string | undefined | null, key: string) => (
    <Text key={key} size="sm" ff="monospace">
      {value ?? dash}
    </Text>
  );
  const rows: Array<[string, ReactNode]> = [
    [t('diagnostics.versionApp'), appVersion],
    [t('diagnostics.versionHuman'), mono(info?.versions.human, 'human')],
    [t('diagnostics.versionTfjs'), mono(info?.versions.tfjs, 'tfjs')],
    [t('diagnostics.versionNode'), mono(info?.versions.node, 'node')],
    [t('diagnostics.versionChromium'), mono(chromiumVersion(), 'chromium')],
    [
      t('diagnostics.shell'),
      <Text key="shell" size="sm">
        {shell === 'desktop' ? t('diagnostics.shellDesktop') : t('diagnostics.shellBrowser')}
      </Text>,
    ],
  ];
  return (
    <Section title={t('diagnostics.versions')} testId="diagnostics-versions">
      <Rows rows={rows} />
    </Section>
  );
}

function ModelsSection({ info }: { info: EngineInfo }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const total = info.models.reduce((n, m) => n + m.sizeBytes, 0);
  return (
    <Section title={t('diagnostics.models')} testId="diagnostics-models">
      {info.models.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('diagnostics.modelsEmpty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} horizontalSpacing="sm" striped highlightOnHover withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('diagnostics.modelName')}</Table.Th>
                <Table.Th>{t('diagnostics.modelFile')}</Table.Th>
                <Table.Th>{t('diagnostics.modelStatus')}</Table.Th>
                <Table.Th ta="right">{t('diagnostics.modelLoadTime')}</Table.Th>
                <Table.Th ta="right">{t('diagnostics.modelSize')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {info.models.map((model) => (
                <Table.Tr key={model.name} data-testid="model-row">
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {model.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {model.file}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      size="sm"
                      radius="sm"
                      variant="light"
                      color={model.loaded ? 'teal' : 'gray'}
                      tt="none"
                    >
                      {model.loaded ? t('diagnostics.modelLoaded') : t('diagnostics.modelNotLoaded')}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    <Text size="sm" ff="monospace">
                      {model.loadMs === null
                        ? t('common.none')
                        : t('common.milliseconds', { value: formatMs(lang, model.loadMs) })}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" ff="monospace">
                      {formatBytes(lang, model.sizeBytes)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th colSpan={4}>{t('diagnostics.modelsTotal')}</Table.Th>
                <Table.Th ta="right">
                  <Text size="sm" ff="monospace" fw={600}>
                    {formatBytes(lang, total)}
                  </Text>
                </Table.Th>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

export function DiagnosticsPage() {
  const { t, i18n } = useTranslation();
  const engine = useEngineInfo();
  const health = useHealth();
  const fetching = engine.isFetching || health.isFetching;
  const refresh = () => {
    void engine.refetch();
    void health.refetch();
  };

  const appVersion = health.data ? (
    <Text size="sm" ff="monospace" data-testid="app-version">
      {health.data.version}
    </Text>
  ) : health.isError ? (
    <Text size="sm" c="red">
      {t('common.none')}
    </Text>
  ) : (
    <Skeleton height={14} width={60} radius="sm" />
  );

  return (
    <Stack gap="md">
      <PageHeader
        title={t('diagnostics.title')}
        description={t('diagnostics.description')}
        actions={
          <>
            {engine.dataUpdatedAt > 0 && (
              <Text size="xs" c="dimmed">
                {t('diagnostics.updatedAt', { time: formatTime(i18n.language, engine.dataUpdatedAt) })}
              </Text>
            )}
            <Button
              size="sm"
              variant="default"
              leftSection={<IconRefresh size={16} />}
              onClick={refresh}
              loading={fetching}
              data-testid="diagnostics-refresh"
            >
              {t('common.refresh')}
            </Button>
          </>
        }
      />

      {/* One notice per failure: when the core is unreachable the engine call fails the same way, and
          a missing token is already explained by the banner above every page. */}
      {health.isError
        ? !hasCode(health.error, 'UNAUTHORIZED') && (
            <ErrorNotice
              error={health.error}
              title={t('diagnostics.healthFailed')}
              onRetry={refresh}
              retrying={fetching}
            />
          )
        : engine.isError && (
            <ErrorNotice
              error={engine.error}
              title={t('diagnostics.loadFailed')}
              onRetry={() => void engine.refetch()}
              retrying={engine.isFetching}
            />
          )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {engine.data ? (
          <EngineSection info={engine.data} />
        ) : (
          !engine.isError && (
            <Section title={t('diagnostics.engine')}>
              <LoadingRows count={6} />
            </Section>
          )
        )}
        <VersionsSection info={engine.data} appVersion={appVersion} />
      </SimpleGrid>

      {engine.data ? (
        <ModelsSection info={engine.data} />
      ) : (
        !engine.isError && (
          <Section title={t('diagnostics.models')}>
            <LoadingRows count={4} />
          </Section>
        )
      )}
    </Stack>
  );
}
