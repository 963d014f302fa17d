import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  useMantineColorScheme,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { settingsSchema } from '../../../../shared/contract';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys, useSettings } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatNumber, formatRate, formatScore, numberSeparators } from '../../format';
import { currentLanguage, isLanguage, LANGUAGES, setLanguage } from '../../i18n';
import { Section } from './Section';
import { DefaultsSection } from './DefaultsSection';
import { DataFolderSection } from './DataFolderSection';
import { BackupSection } from './BackupSection';
import { ModelsSection } from './ModelsSection';
import { SaveFooter } from './SaveFooter';
import { useReportUnsaved, useSettingsDraft } from './SettingsDrafts';
import { ScoreField } from './ScoreField';
import { useSingleFlightMutation } from '../../api/single-flight';
import { decimalInRange, parseDecimal, wholeInRange } from '../../lib/decimal';

type Settings = z.infer<typeof settingsSchema>;
type Thresholds = Settings['thresholds'];
type Key = keyof Thresholds;

const isMetric = (m: string): m is 'cosine' | 'euclidean' => m === 'cosine' || m === 'euclidean';

/** The score line split into its three verdict zones at the thresholds being edited. */
function ZoneBar({ thresholds }: { thresholds: Thresholds }) {
  const { t, i18n } = useTranslation();
  const possible = Math.min(thresholds.possible, thresholds.match);
  const zones = [
    { key: 'no_match', from: 0, to: possible, color: 'gray' },
    { key: 'possible', from: possible, to: thresholds.match, color: 'orange' },
    { key: 'match', from: thresholds.match, to: 1, color: 'red' },
  ] as const;
  return (
    <Stack gap={4} aria-hidden="true" data-testid="thresholds-zones">
      <div style={{ display: 'flex', height: 10, borderRadius: 5, overflow: 'hidden' }}>
        {zones.map((z) => (
          <div
            key={z.key}
            style={{
              width: `${Math.max(0, z.to - z.from) * 100}%`,
              background: `var(--mantine-color-${z.color}-${z.color === 'gray' ? 4 : 6})`,
            }}
          />
        ))}
      </div>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        {zones.map((z) => (
          <Text key={z.key} size="xs" c="dimmed">
            {t(`identify.verdicts.${z.key}`)} {formatScore(i18n.language, z.from)}–
            {formatScore(i18n.language, z.to)}
          </Text>
        ))}
      </Group>
    </Stack>
  );
}

function ThresholdControl({
  which,
  value,
  other,
  defaultValue,
  rate,
  error,
  onChange,
}: {
  which: Key;
  value: number | string;
  /** The other threshold (null while not a number): the shown value is never rounded onto it. */
  other: number | null;
  defaultValue: number;
  rate: number;
  error?: string;
  onChange: (value: number | string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const numeric = typeof value === 'number' ? value : parseDecimal(value);
  const labelId = `threshold-${which}-label`;
  return (
    <ScoreField
      labelId={labelId}
      label={t(`settings.thresholds.${which}`)}
      hint={t(`settings.thresholds.${which}Hint`)}
      value={value}
      apart={other === null ? [] : [other]}
      position={numeric !== null && Number.isFinite(numeric) ? numeric : 0}
      onChange={onChange}
      error={error}
      mark={{ value: defaultValue, label: t('settings.thresholds.defaultMark') }}
      color={which === 'match' ? 'red' : 'orange'}
      inputTestId={`settings-threshold-${which}`}
      sliderTestId={`settings-slider-${which}`}
    >
      <Text size="xs" c="dimmed" data-testid={`settings-default-${which}`}>
        {t('settings.thresholds.calibrated', {
          value: formatScore(lang, defaultValue),
          rate: formatRate(lang, rate),
        })}
      </Text>
    </ScoreField>
  );
}

function ThresholdsSection({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useSettingsDraft<Record<Key, number | string>>('thresholds');
  const [saved, setSaved] = useState<'saved' | 'restored' | null>(null);
  const values: Record<Key, number | string> = draft ?? settings.thresholds;

  const update = useSingleFlightMutation({
    mutationFn: (thresholds: Thresholds | null) => client.invoke('settings.update', { thresholds }),
    onSuccess: (next, thresholds) => {
      queryClient.setQueryData(queryKeys.settings, next);
      setDraft(null);
      setSaved(thresholds === null ? 'restored' : 'saved');
    },
  });

  const match = decimalInRange(values.match, 0, 1);
  const possible = decimalInRange(values.possible, 0, 1);
  const outOfRange = t('settings.thresholds.range');
  const matchError = match === null ? outOfRange : undefined;
  const possibleError =
    possible === null
      ? outOfRange
      : match !== null && possible > match
        ? t('settings.thresholds.order')
        : undefined;
  const valid = match !== null && possible !== null && possible <= match;
  const dirty =
    draft !== null && (match !== settings.thresholds.match || possible !== settings.thresholds.possible);
  useReportUnsaved('thresholds', dirty);
  const atDefaults =
    !settings.custom &&
    (!dirty || (match === settings.defaults.match && possible === settings.defaults.possible));

  const change = (key: Key) => (value: number | string) => {
    setSaved(null);
    setDraft({ ...values, [key]: value });
  };

  return (
    <Section
      title={t('settings.thresholds.title')}
      description={t('settings.thresholds.description')}
      testId="settings-thresholds"
    >
      <Group gap="xs">
        <Badge
          radius="sm"
          variant="light"
          color={settings.custom ? 'orange' : 'teal'}
          data-testid="settings-thresholds-state"
          data-custom={settings.custom}
        >
          {settings.custom ? t('settings.thresholds.custom') : t('settings.thresholds.defaults')}
        </Badge>
        <Text size="xs" c="dimmed">
          {t('settings.thresholds.calibration', {
            model: settings.calibration.model,
            metric: isMetric(settings.calibration.metric)
              ? t(`search.metrics.${settings.calibration.metric}`)
              : settings.calibration.metric,
          })}
        </Text>
      </Group>
      <ThresholdControl
        which="match"
        value={values.match}
        other={possible}
        defaultValue={settings.defaults.match}
        rate={settings.calibration.falseMatchRate.match}
        error={matchError}
        onChange={change('match')}
      />
      <ThresholdControl
        which="possible"
        value={values.possible}
        other={match}
        defaultValue={settings.defaults.possible}
        rate={settings.calibration.falseMatchRate.possible}
        error={possibleError}
        onChange={change('possible')}
      />
      {/* Inverted thresholds have no "possible" band to draw. */}
      {valid && <ZoneBar thresholds={{ match, possible }} />}
      {match !== null && match === possible && (
        <Text size="xs" c="orange" data-testid="thresholds-no-possible">
          {t('settings.thresholds.noPossible')}
        </Text>
      )}
      {update.isError && <ErrorNotice error={update.error} />}
      <SaveFooter
        testId="settings"
        notice={saved && t(`settings.thresholds.${saved}`)}
        dirty={dirty}
        canSave={valid}
        pending={update.isPending}
        saveLabel={t('settings.thresholds.save')}
        onSave={() => {
          if (valid) update.mutate({ match, possible });
        }}
        onDiscard={() => setDraft(null)}
        restore={{
          label: t('settings.thresholds.restore'),
          disabled: atDefaults,
          onRestore: () => update.mutate(null),
        }}
      />
    </Section>
  );
}

type Retention = Settings['retention'];

const MAX_DAYS = 36_500;
const MAX_RECORDS = 10_000_000;

/**
 * '' (no limit: null) or a whole number from 1 to `max`; anything else is invalid (undefined).
 * 0 is refused like any other value below 1: "no limit" is the empty field, and keeping no
 * records at all is what deleting them in History is for.
 */
function parseLimit(value: number | string, max: number): number | null | undefined {
  if (value === '') return null;
  return wholeInRange(value, 1, max) ?? undefined;
}

function RetentionSection({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useSettingsDraft<{ days: number | string; records: number | string }>(
    'retention',
  );
  const [saved, setSaved] = useState(false);
  /** The records saving would delete, shown for confirmation before anything is deleted. */
  const [confirm, setConfirm] = useState<{ retention: Retention; count: number; total: number } | null>(null);
  const current = settings.retention;
  const values = draft ?? { days: current.days ?? '', records: current.records ?? '' };
  const days = parseLimit(values.days, MAX_DAYS);
  const records = parseLimit(values.records, MAX_RECORDS);
  const valid = days !== undefined && records !== undefined;
  const dirty = draft !== null && (days !== current.days || records !== current.records);
  useReportUnsaved('retention', dirty);

  const update = useSingleFlightMutation({
    mutationFn: (retention: Retention) => client.invoke('settings.update', { retention }),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKeys.settings, next);
      // Pruning may have removed records.
      void queryClient.invalidateQueries({ queryKey: queryKeys.history });
      void queryClient.invalidateQueries({ queryKey: queryKeys.diagnostics });
      setDraft(null);
      setConfirm(null);
      setSaved(true);
    },
  });
  // History is the user's record of what was checked: a rule that deletes some of it now says
  // how many (counted by the core) and waits for a yes.
  const preview = useSingleFlightMutation({
    mutationFn: (retention: Retention) => client.invoke('history.pruneCount', { retention }),
    onSuccess: ({ count, total }, retention) => {
      if (count > 0) setConfirm({ retention, count, total });
      else update.mutate(retention);
    },
  });

  const change = (key: 'days' | 'records') => (value: number | string) => {
    setSaved(false);
    setDraft({ ...values, [key]: value });
  };
  const daysText =
    current.days === null
      ? t('settings.retention.forever')
      : t('settings.retention.daysValue', { count: current.days });
  const recordsText =
    current.records === null
      ? t('settings.retention.unlimited')
      : t('settings.retention.recordsValue', { count: current.records });
  const invalid = (max: number) => t('settings.retention.invalid', { max: formatNumber(lang, max) });
  const separators = numberSeparators(lang);

  return (
    <Section
      title={t('settings.retention.title')}
      description={t('settings.retention.description')}
      testId="settings-retention"
    >
      <Text size="sm" data-testid="settings-retention-current">
        {t('settings.retention.current', { days: daysText, records: recordsText })}
      </Text>
      <Group gap="lg" align="flex-start">
        {/* No min clamp and negatives kept: 0 or -5 is flagged, never silently turned into 1 or 5. */}
        <NumberInput
          label={t('settings.retention.days')}
          description={t('settings.retention.daysHint')}
          placeholder={t('settings.retention.forever')}
          value={values.days}
          onChange={change('days')}
          min={1}
          max={MAX_DAYS}
          clampBehavior="none"
          {...separators}
          w={260}
          error={days === undefined ? invalid(MAX_DAYS) : undefined}
          data-testid="settings-retention-days"
        />
        <NumberInput
          label={t('settings.retention.records')}
          description={t('settings.retention.recordsHint')}
          placeholder={t('settings.retention.unlimited')}
          value={values.records}
          onChange={change('records')}
          min={1}
          max={MAX_RECORDS}
          clampBehavior="none"
          {...separators}
          w={260}
          error={records === undefined ? invalid(MAX_RECORDS) : undefined}
          data-testid="settings-retention-records"
        />
      </Group>
      {update.isError && !confirm && <ErrorNotice error={update.error} />}
      {preview.isError && <ErrorNotice error={preview.error} />}
      <SaveFooter
        testId="settings-retention"
        notice={saved ? t('settings.retention.saved') : null}
        dirty={dirty}
        canSave={valid}
        pending={update.isPending || preview.isPending}
        saveLabel={t('settings.retention.save')}
        onSave={() => {
          if (valid && days !== undefined && records !== undefined) preview.mutate({ days, records });
        }}
        onDiscard={() => setDraft(null)}
      />
      <Modal
        opened={confirm !== null}
        onClose={() => !update.isPending && setConfirm(null)}
        title={t('settings.retention.confirmTitle')}
        centered
        data-testid="settings-retention-dialog"
      >
        {confirm && (
          <Stack gap="md">
            <Text size="sm" data-testid="settings-retention-confirm-count" data-count={confirm.count}>
              {t('settings.retention.confirmBody', {
                count: confirm.count,
                total: formatNumber(lang, confirm.total),
              })}
            </Text>
            {update.isError && <ErrorNotice error={update.error} />}
            <Group justify="flex-end" gap="xs">
              <Button
                variant="default"
                onClick={() => setConfirm(null)}
                disabled={update.isPending}
                data-testid="settings-retention-cancel"
              >
                {t('common.cancel')}
              </Button>
              <Button
                color="red"
                loading={update.isPending}
                onClick={() => update.mutate(confirm.retention)}
                data-testid="settings-retention-confirm"
              >
                {t('settings.retention.confirm', { count: confirm.count })}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Section>
  );
}

function AppearanceSection() {
  const { t, i18n } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <Section title={t('settings.appearance.title')} testId="settings-appearance">
      <Stack gap={4}>
        <Text size="sm" fw={500} id="settings-theme-label">
          {t('settings.appearance.theme')}
        </Text>
        <SegmentedControl
          value={colorScheme}
          onChange={(v) => setColorScheme(v as 'light' | 'dark' | 'auto')}
          data={[
            { value: 'light', label: t('settings.appearance.light') },
            { value: 'dark', label: t('settings.appearance.dark') },
            { value: 'auto', label: t('settings.appearance.system') },
          ]}
          aria-labelledby="settings-theme-label"
          data-testid="settings-theme"
          w="fit-content"
        />
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="settings-language-label">
          {t('header.language')}
        </Text>
        <SegmentedControl
          value={language}
          onChange={(v) => {
            if (isLanguage(v)) setLanguage(v);
          }}
          data={LANGUAGES.map((l) => ({ value: l.code, label: l.autonym }))}
          aria-labelledby="settings-language-label"
          data-testid="settings-language"
          w="fit-content"
        />
      </Stack>
    </Section>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useSettings();
  return (
    <Stack gap="md" maw={860}>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {settings.isPending && (
        <Card withBorder radius="sm" padding="lg">
          <Stack gap="sm">
            <Skeleton height={20} width="30%" />
            <Skeleton height={60} />
            <Skeleton height={60} />
          </Stack>
        </Card>
      )}
      {settings.isError && <ErrorNotice error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && <ThresholdsSection settings={settings.data} />}
      {settings.data && <DefaultsSection settings={settings.data} />}
      {settings.data && <RetentionSection settings={settings.data} />}
      <ModelsSection />
      <DataFolderSection />
      <BackupSection />
      <AppearanceSection />
    </Stack>
  );
}
