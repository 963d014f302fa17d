import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  List,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { diagnosticsSchema } from '../../../../shared/contract';
import type { EngineInfo, NativeFallback } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { hasCode } from '../../api/errors';
import { useDiagnostics, useEngineInfo, useHealth } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { IconCheck, IconRefresh } from '../../components/icons';
import { formatBytes, formatDateTime, formatMs, formatNumber, formatTime } from '../../format';
import { copyText } from '../../lib/clipboard';
import { undescribedReason } from '../../lib/labels';

type Diagnostics = z.infer<typeof diagnosticsSchema>;
// i18next's own type: deriving it from useTranslation gets too deep for tsc as keys grow.
type Translate = TFunction;

const STATE_COLORS: Record<EngineInfo['state'], string> = {
  starting: 'yellow',
  ready: 'teal',
  failed: 'red',
};

/** Why WASM runs instead of a native module, in the UI's language; the load error stays as thrown. */
function FallbackText({
  module,
  fallback,
  testId,
}: {
  module: string;
  fallback: NativeFallback;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Text size="sm" data-testid={testId}>
      {fallback.forcedBy ? (
        t('diagnostics.fallbackForced', { setting: fallback.forcedBy })
      ) : (
        <>
          {t('diagnostics.fallbackNotLoadable', { module })} <Code>{fallback.loadError}</Code>
        </>
      )}
    </Text>
  );
}

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
      t('diagnostics.detectorRuntime'),
      <Text key="detector-runtime" size="sm" data-testid="engine-detector-runtime">
        {info.detectorRuntime ? t(`diagnostics.detectorRuntimes.${info.detectorRuntime}`) : t('common.none')}
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
        {t('diagnostics.workersValue', { started: info.workersStarted, max: info.workers })}
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
        {info.backend !== 'tensorflow' && info.backendFallback && (
          <Alert color="blue" variant="light" p="xs" title={t('diagnostics.backendReason')}>
            <FallbackText
              testId="engine-backend-reason"
              module="@tensorflow/tfjs-node"
              fallback={info.backendFallback}
            />
          </Alert>
        )}
        {info.detectorRuntime === 'onnxruntime-wasm' && info.detectorRuntimeFallback && (
          <Alert color="blue" variant="light" p="xs" title={t('diagnostics.detectorRuntimeReason')}>
            <FallbackText
              testId="engine-detector-runtime-reason"
              module="onnxruntime-node"
              fallback={info.detectorRuntimeFallback}
            />
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
                      // Never cut to "Carrega no primeiro …" at 1024 px: the column takes the whole words.
                      styles={{
                        root: { maxWidth: 'none', overflow: 'visible' },
                        label: { overflow: 'visible' },
                      }}
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

function SystemSection({ diag }: { diag: Diagnostics }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const mono = (value: string, testId?: string) => (
    <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }} data-testid={testId}>
      {value}
    </Text>
  );
  const rows: Array<[string, ReactNode]> = [
    [
      t('diagnostics.startedAt'),
      <Text key="started" size="sm">
        {formatDateTime(lang, diag.startedAt)}
      </Text>,
    ],
    [t('diagnostics.platform'), mono(`${diag.platform.os} ${diag.platform.arch}`)],
    [t('diagnostics.electron'), mono(diag.platform.electron ?? t('common.none'))],
    [t('diagnostics.dataDir'), mono(diag.dataDir, 'diagnostics-data-dir')],
    [t('diagnostics.dataSize'), mono(formatBytes(lang, diag.dataBytes), 'diagnostics-data-size')],
  ];
  return (
    <Section title={t('diagnostics.system')} testId="diagnostics-system">
      <Rows rows={rows} />
    </Section>
  );
}

function CountsSection({ diag }: { diag: Diagnostics }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const n = (value: number, key: string) => (
    <Text key={key} size="sm" ff="monospace" data-testid={`diagnostics-count-${key}`}>
      {formatNumber(lang, value)}
    </Text>
  );
  const rows: Array<[string, ReactNode]> = [
    [t('diagnostics.countSubjects'), n(diag.counts.subjects, 'subjects')],
    [t('diagnostics.countEnrolled'), n(diag.counts.enrolledFaces, 'enrolled')],
    [t('diagnostics.countSeen'), n(diag.counts.seenFaces, 'seen')],
    [t('diagnostics.countHistory'), n(diag.counts.history, 'history')],
  ];
  return (
    <Section title={t('diagnostics.counts')} testId="diagnostics-counts">
      <Rows rows={rows} />
    </Section>
  );
}

/** The last change of face model: what it did to the stored faces. */
function ModelChangeNotice({ r }: { r: NonNullable<Diagnostics['modelChange']> }) {
  const { t, i18n } = useTranslation();
  const time = formatDateTime(i18n.language, r.at);
  return (
    <Alert
      color={r.lost.length ? 'orange' : 'blue'}
      variant="light"
      title={t('diagnostics.modelChange.title')}
      data-testid="diagnostics-model-change"
    >
      <Stack gap={6}>
        <Text size="sm">
          {t('diagnostics.modelChange.summary', { count: r.enrolled, from: r.from, to: r.to, time })}
        </Text>
        {r.seenDropped > 0 && (
          <Text size="sm">{t('diagnostics.modelChange.seenDropped', { count: r.seenDropped })}</Text>
        )}
        {r.lost.length > 0 && (
          <>
            <Text size="sm">{t('diagnostics.modelChange.lost', { count: r.lost.length })}</Text>
            <List size="sm" data-testid="diagnostics-model-change-lost">
              {r.lost.map((l, i) => (
                <List.Item key={i}>
                  {t('diagnostics.modelChange.lostItem', { ...l, reason: undescribedReason(t, l) })}
                </List.Item>
              ))}
            </List>
          </>
        )}
      </Stack>
    </Alert>
  );
}

function LatencySection({ diag }: { diag: Diagnostics }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rows = [...diag.latency].sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
  const ms = (value: number) => (
    <Text size="sm" ff="monospace">
      {formatMs(lang, value)}
    </Text>
  );
  return (
    <Section title={t('diagnostics.latency')} testId="diagnostics-latency">
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('diagnostics.latencyEmpty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} horizontalSpacing="sm" striped highlightOnHover withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('diagnostics.channel')}</Table.Th>
                <Table.Th ta="right">{t('diagnostics.calls')}</Table.Th>
                <Table.Th ta="right">p50 (ms)</Table.Th>
                <Table.Th ta="right">p95 (ms)</Table.Th>
                <Table.Th ta="right">p99 (ms)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.channel} data-testid="diagnostics-latency-row" data-channel={row.channel}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {row.channel}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" ff="monospace">
                      {formatNumber(lang, row.count)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{ms(row.p50)}</Table.Td>
                  <Table.Td ta="right">{ms(row.p95)}</Table.Td>
                  <Table.Td ta="right">{ms(row.p99)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

function ErrorsSection({ diag }: { diag: Diagnostics }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const errors = [...diag.recentErrors].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <Section title={t('diagnostics.recentErrors')} testId="diagnostics-errors">
      {errors.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('diagnostics.recentErrorsEmpty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={4} horizontalSpacing="sm" striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={170}>{t('diagnostics.errorTime')}</Table.Th>
                <Table.Th w={200}>{t('diagnostics.channel')}</Table.Th>
                <Table.Th w={170}>{t('diagnostics.errorCode')}</Table.Th>
                <Table.Th>{t('diagnostics.errorMessage')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errors.map((e, i) => (
                <Table.Tr key={`${e.at}-${i}`} data-testid="diagnostics-error-row" data-code={e.code}>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(lang, e.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {e.channel}
                    </Text>
                  </Table.Td>
                  {/* The whole code: the column takes its width, the message wraps. */}
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge
                      size="sm"
                      radius="sm"
                      variant="light"
                      color="red"
                      tt="none"
                      styles={{ label: { overflow: 'visible' } }}
                    >
                      {e.code}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {e.message}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** Plain text for a bug report: everything on this page, in English-independent field order. */
function diagnosticsReport(diag: Diagnostics, t: Translate, shell: string): string {
  const e = diag.engine;
  const lines: string[] = [
    `${t('diagnostics.reportTitle')}`,
    `${t('diagnostics.reportGenerated')}: ${new Date().toISOString()}`,
    '',
    `[${t('diagnostics.system')}]`,
    `version: ${diag.version}`,
    `startedAt: ${diag.startedAt}`,
    `platform: ${diag.platform.os} ${diag.platform.arch}`,
    `node: ${diag.platform.node}`,
    `electron: ${diag.platform.electron ?? '-'}`,
    `chromium: ${chromiumVersion() ?? '-'}`,
    `interface: ${shell}`,
    `dataDir: ${diag.dataDir}`,
    `dataBytes: ${diag.dataBytes}`,
    '',
    `[${t('diagnostics.engine')}]`,
    `state: ${e.state}`,
    `backend: ${e.backend ?? '-'}`,
    ...(e.backendReason ? [`backendReason: ${e.backendReason}`] : []),
    `detectorRuntime: ${e.detectorRuntime ?? '-'}`,
    ...(e.detectorRuntimeReason ? [`detectorRuntimeReason: ${e.detectorRuntimeReason}`] : []),
    `wasmSimd: ${e.wasmFeatures ? String(e.wasmFeatures.simd) : '-'}`,
    `wasmThreads: ${e.wasmFeatures ? String(e.wasmFeatures.threads) : '-'}`,
    `workers: ${e.workersStarted} of ${e.workers}`,
    `loadMs: ${e.loadMs ?? '-'}`,
    `human: ${e.versions.human}`,
    `tfjs: ${e.versions.tfjs}`,
    ...(e.error ? [`error: ${e.error}`] : []),
    '',
    `[${t('diagnostics.models')}]`,
    ...e.models.map(
      (m) =>
        `${m.name}\t${m.file}\t${m.loaded ? 'loaded' : 'not loaded'}\t${m.loadMs ?? '-'} ms\t${m.sizeBytes} B`,
    ),
    '',
    `[${t('diagnostics.counts')}]`,
    `subjects: ${diag.counts.subjects}`,
    `enrolledFaces: ${diag.counts.enrolledFaces}`,
    `seenFaces: ${diag.counts.seenFaces}`,
    `history: ${diag.counts.history}`,
    '',
    `[${t('diagnostics.latency')}]`,
    'channel\tcount\tp50_ms\tp95_ms\tp99_ms',
    ...diag.latency.map((l) => `${l.channel}\t${l.count}\t${l.p50}\t${l.p95}\t${l.p99}`),
    '',
    `[${t('diagnostics.recentErrors')}]`,
    ...(diag.recentErrors.length === 0
      ? ['-']
      : diag.recentErrors.map((r) => `${r.at}\t${r.channel}\t${r.code}\t${r.message}`)),
  ];
  return lines.join('\n') + '\n';
}

function CopyReportButton({ diag }: { diag: Diagnostics | undefined }) {
  const { t } = useTranslation();
  const { shell } = useVigil();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 4_000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <>
      {state !== 'idle' && (
        <Text
          size="xs"
          c={state === 'copied' ? 'teal' : 'red'}
          role="status"
          data-testid="diagnostics-copy-status"
          data-state={state}
        >
          {state === 'copied' ? t('diagnostics.copied') : t('diagnostics.copyFailed')}
        </Text>
      )}
      <Button
        size="sm"
        variant="default"
        leftSection={state === 'copied' ? <IconCheck size={16} /> : undefined}
        disabled={!diag}
        onClick={() => {
          if (!diag) return;
          copyText(diagnosticsReport(diag, t, shell)).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
        data-testid="diagnostics-copy-report"
      >
        {t('diagnostics.copyReport')}
      </Button>
    </>
  );
}

export function DiagnosticsPage() {
  const { t, i18n } = useTranslation();
  const engine = useEngineInfo();
  const health = useHealth();
  const diag = useDiagnostics();
  const fetching = engine.isFetching || health.isFetching || diag.isFetching;
  const refresh = () => {
    void engine.refetch();
    void health.refetch();
    void diag.refetch();
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
            <CopyReportButton diag={diag.data} />
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

      {diag.isError && !health.isError && (
        <ErrorNotice
          error={diag.error}
          title={t('diagnostics.diagnosticsFailed')}
          onRetry={() => void diag.refetch()}
          retrying={diag.isFetching}
        />
      )}

      {diag.data?.modelChange && <ModelChangeNotice r={diag.data.modelChange} />}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {diag.data ? (
          <SystemSection diag={diag.data} />
        ) : (
          !diag.isError && (
            <Section title={t('diagnostics.system')}>
              <LoadingRows count={7} />
            </Section>
          )
        )}
        {diag.data ? (
          <CountsSection diag={diag.data} />
        ) : (
          !diag.isError && (
            <Section title={t('diagnostics.counts')}>
              <LoadingRows count={4} />
            </Section>
          )
        )}
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
      {diag.data && <LatencySection diag={diag.data} />}
      {diag.data && <ErrorsSection diag={diag.data} />}
    </Stack>
  );
}
