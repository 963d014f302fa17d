import {
  Badge,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  type NumberInputProps,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { settingsSchema } from '../../../../shared/contract';
import { BLUR_SCALE_MAX, BLUR_SCALE_MIN, DEFAULT_BLUR } from '../../../../shared/blur-schemas';
import type { BlurSettings } from '../../../../shared/settings-schemas';
import { useVigil } from '../../api/ClientProvider';
import { queryKeys } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatNumber, numberSeparators } from '../../format';
import { decimalInRange, wholeInRange } from '../../lib/decimal';
import { FORMAT_LABEL } from '../../lib/labels';
import { DecimalInput } from './DecimalInput';
import { Section } from './Section';
import { SaveFooter } from './SaveFooter';
import { useReportUnsaved, useSettingsDraft } from './SettingsDrafts';
import { ScoreField } from './ScoreField';
import { useSingleFlightMutation } from '../../api/single-flight';

type Settings = z.infer<typeof settingsSchema>;

/** What the form holds: numbers as typed (a NumberInput gives '' while empty). */
interface Draft {
  minScore: number | string;
  minFace: number | string;
  style: BlurSettings['style'];
  shape: BlurSettings['shape'];
  scale: number | string;
  format: BlurSettings['format'];
  quality: number | string;
}

const fromSettings = (s: Settings): Draft => ({
  minScore: s.detection.minScore,
  minFace: s.detection.minFace ?? s.builtIn.detection.minFace ?? DEFAULT_BLUR.minFace,
  ...s.blur,
});

const MIN_FACE = { min: 8, max: 4096 };
const QUALITY = { min: 1, max: 100 };

function Labelled({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <Stack gap={4}>
      <Stack gap={0}>
        <Text size="sm" fw={600} id={id}>
          {label}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Stack>
      {children}
    </Stack>
  );
}

/**
 * The detection threshold and the blur defaults: what the Blur page and `vigil blur` start from
 * when a job does not choose. Saved as one change; "restore" puts the built-in values back.
 */
export function DefaultsSection({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useSettingsDraft<Draft>('defaults');
  const [saved, setSaved] = useState<'saved' | 'restored' | null>(null);
  const values = draft ?? fromSettings(settings);
  const builtIn = settings.builtIn;

  const update = useSingleFlightMutation({
    mutationFn: (patch: {
      detection: { minScore: number; minFace: number } | null;
      blur: BlurSettings | null;
    }) => client.invoke('settings.update', patch),
    onSuccess: (next, patch) => {
      queryClient.setQueryData(queryKeys.settings, next);
      setDraft(null);
      setSaved(patch.blur === null ? 'restored' : 'saved');
    },
  });

  const minScore = decimalInRange(values.minScore, 0, 1);
  const minFace = wholeInRange(values.minFace, MIN_FACE.min, MIN_FACE.max);
  const scale = decimalInRange(values.scale, BLUR_SCALE_MIN, BLUR_SCALE_MAX);
  const quality = wholeInRange(values.quality, QUALITY.min, QUALITY.max);
  /** What a field out of range says: its range, in this language. */
  const rangeError = (range: { min: number; max: number }, whole: boolean) =>
    t(whole ? 'settings.defaults.rangeWhole' : 'settings.defaults.range', {
      min: formatNumber(lang, range.min, 2),
      max: formatNumber(lang, range.max, 2),
    });
  const next =
    minScore !== null && minFace !== null && scale !== null && quality !== null
      ? {
          detection: { minScore, minFace },
          blur: { style: values.style, shape: values.shape, scale, format: values.format, quality },
        }
      : null;
  const equal = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
  const dirty =
    draft !== null &&
    (next === null || !equal(next.detection, settings.detection) || !equal(next.blur, settings.blur));
  useReportUnsaved('defaults', dirty);
  const custom = !equal(settings.detection, builtIn.detection) || !equal(settings.blur, builtIn.blur);

  const change =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) => {
      setSaved(null);
      setDraft({ ...values, [key]: value });
    };
  const segment = <K extends 'style' | 'shape' | 'format'>(
    key: K,
    options: Draft[K][],
    label: (v: Draft[K]) => string,
  ) => (
    <SegmentedControl
      value={values[key]}
      onChange={(v) => change(key)(v as Draft[K])}
      data={options.map((o) => ({ value: o, label: label(o) }))}
      aria-labelledby={`defaults-${key}-label`}
      data-testid={`settings-blur-${key}`}
      w="fit-content"
    />
  );

  /**
   * A labelled whole-number field: typed value, range error, the built-in value beneath. Out of
   * range is flagged, not clamped, and a typed fraction stays to be flagged rather than losing
   * its separator ("1.5" is not 15).
   */
  const wholeField = (
    key: 'minFace' | 'quality',
    parsed: number | null,
    range: { min: number; max: number },
    builtInText: string,
    o: { testId: string; hint: string; input: NumberInputProps },
  ) => (
    <Labelled id={`defaults-${key}-label`} label={t(`settings.defaults.${key}`)} hint={o.hint}>
      <NumberInput
        aria-labelledby={`defaults-${key}-label`}
        value={values[key]}
        onChange={change(key)}
        min={range.min}
        max={range.max}
        clampBehavior="none"
        decimalSeparator={numberSeparators(lang).decimalSeparator}
        w={260}
        error={parsed === null ? rangeError(range, true) : undefined}
        description={t('settings.defaults.builtInValue', { value: builtInText })}
        data-testid={o.testId}
        {...o.input}
      />
    </Labelled>
  );

  return (
    <Section
      title={t('settings.defaults.title')}
      description={t('settings.defaults.description')}
      testId="settings-defaults"
    >
      <Badge
        radius="sm"
        variant="light"
        color={custom ? 'orange' : 'teal'}
        data-testid="settings-defaults-state"
        data-custom={custom}
        w="fit-content"
      >
        {custom ? t('settings.defaults.custom') : t('settings.defaults.builtIn')}
      </Badge>
      <ScoreField
        labelId="defaults-minScore-label"
        label={t('settings.defaults.minScore')}
        hint={t('settings.defaults.minScoreHint')}
        value={values.minScore}
        position={minScore ?? 0}
        onChange={change('minScore')}
        error={minScore === null ? rangeError({ min: 0, max: 1 }, false) : undefined}
        mark={{ value: builtIn.detection.minScore, label: t('settings.defaults.builtInMark') }}
        inputTestId="settings-detection-minScore"
      />
      {wholeField('minFace', minFace, MIN_FACE, `${builtIn.detection.minFace ?? DEFAULT_BLUR.minFace} px`, {
        testId: 'settings-detection-minFace',
        hint: t('settings.defaults.minFaceHint'),
        input: { step: 4, suffix: ' px' },
      })}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="md">
        <Labelled id="defaults-style-label" label={t('settings.defaults.style')}>
          {segment('style', ['blur', 'pixelate', 'solid'], (v) => t(`settings.defaults.styles.${v}`))}
        </Labelled>
        <Labelled id="defaults-shape-label" label={t('settings.defaults.shape')}>
          {segment('shape', ['ellipse', 'rect'], (v) => t(`settings.defaults.shapes.${v}`))}
        </Labelled>
        <Labelled
          id="defaults-scale-label"
          label={t('settings.defaults.scale')}
          hint={t('settings.defaults.scaleHint')}
        >
          <DecimalInput
            aria-labelledby="defaults-scale-label"
            value={values.scale}
            onChange={change('scale')}
            min={BLUR_SCALE_MIN}
            max={BLUR_SCALE_MAX}
            step={0.1}
            format={(v) => formatNumber(lang, v, 2)}
            suffix="×"
            w={260}
            error={
              scale === null ? rangeError({ min: BLUR_SCALE_MIN, max: BLUR_SCALE_MAX }, false) : undefined
            }
            description={t('settings.defaults.builtInValue', {
              value: `${formatNumber(lang, builtIn.blur.scale, 2)}×`,
            })}
            testId="settings-blur-scale"
          />
        </Labelled>
        <Labelled id="defaults-format-label" label={t('settings.defaults.format')}>
          {segment('format', ['jpeg', 'png', 'webp'], (v) => FORMAT_LABEL[v])}
        </Labelled>
        {wholeField('quality', quality, QUALITY, String(builtIn.blur.quality), {
          testId: 'settings-blur-quality',
          hint:
            values.format === 'png' ? t('settings.defaults.qualityPng') : t('settings.defaults.qualityHint'),
          input: { step: 1, disabled: values.format === 'png' },
        })}
      </SimpleGrid>
      {update.isError && <ErrorNotice error={update.error} />}
      <SaveFooter
        testId="settings-defaults"
        notice={saved && t(`settings.defaults.${saved}`)}
        dirty={dirty}
        canSave={!!next}
        pending={update.isPending}
        saveLabel={t('settings.defaults.save')}
        onSave={() => next && update.mutate(next)}
        onDiscard={() => setDraft(null)}
        restore={{
          label: t('settings.defaults.restore'),
          disabled: !custom && !dirty,
          onRestore: () => update.mutate({ detection: null, blur: null }),
        }}
      />
    </Section>
  );
}
