import { Button, Card, MultiSelect, Select, SimpleGrid, Slider, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BLUR_SCALE_MAX,
  BLUR_SCALE_MIN,
  DEFAULT_BLUR,
  type BlurShape,
  type BlurStyle,
} from '../../../../shared/blur-schemas';
import { formatNumber, formatScore } from '../../format';
import { useBlur } from './BlurProvider';
import { foldedOptionsFilter } from '../../lib/folded-filter';
import { minFaceChoices } from '../../lib/blur-regions';

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      {children}
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Stack>
  );
}

/** What is found (threshold), what stays visible (kept subjects) and how the rest is hidden. */
export function OptionsPanel({
  subjects,
  changedAt,
}: {
  subjects: { value: string; label: string }[];
  /** When each subject last changed (ms): its faces are matched only in photos looked at since. */
  changedAt: ReadonlyMap<string, number>;
}) {
  const { t, i18n } = useTranslation();
  const { options, setOptions, stale, redetect, items } = useBlur();
  // Photos looked at before a kept subject's faces last changed: not matched to them yet.
  const unmatched = items
    .filter(
      (it) =>
        it.status === 'ready' &&
        !it.again &&
        options.keep.some((id) => (changedAt.get(id) ?? 0) > (it.detectedAt ?? Infinity)),
    )
    .map((it) => it.id);
  const lang = i18n.language;
  return (
    <Card withBorder radius="sm" p="sm">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('blur.options.title')}
        </Title>
        <Field
          label={t('blur.options.thresh', { value: formatScore(lang, options.thresh) })}
          hint={t('blur.options.threshHint')}
        >
          <Slider
            min={0}
            max={1}
            step={0.01}
            value={options.thresh}
            onChange={(thresh) => setOptions({ thresh })}
            label={(v) => formatScore(lang, v)}
            aria-label={t('blur.options.threshAria')}
            thumbLabel={t('blur.options.threshAria')}
            data-testid="blur-thresh"
          />
        </Field>
        <Field label={t('blur.options.minFace')} hint={t('blur.options.minFaceHint')}>
          <Select
            size="sm"
            value={String(options.minFace)}
            onChange={(v) => v && setOptions({ minFace: Number(v) })}
            data={minFaceChoices(options.minFace).map((px) => ({
              value: String(px),
              label:
                px === DEFAULT_BLUR.minFace
                  ? t('blur.options.minFaceDefault', { px })
                  : t('blur.options.minFacePx', { px }),
            }))}
            allowDeselect={false}
            aria-label={t('blur.options.minFace')}
            data-testid="blur-min-face"
          />
        </Field>
        {stale > 0 && (
          <Stack gap={4} align="flex-start" data-testid="blur-stale">
            <Text size="xs" c="orange">
              {t('blur.options.stale', { count: stale })}
            </Text>
            <Button size="compact-sm" variant="light" onClick={() => redetect()} data-testid="blur-redetect">
              {t('blur.options.redetect', { px: options.minFace })}
            </Button>
          </Stack>
        )}
        <Field label={t('blur.options.keep')} hint={t('blur.options.keepHint')}>
          <MultiSelect
            data={subjects}
            value={options.keep}
            onChange={(keep) => setOptions({ keep })}
            placeholder={
              options.keep.length
                ? undefined
                : subjects.length
                  ? t('blur.options.keepNone')
                  : t('blur.options.keepEmpty')
            }
            disabled={subjects.length === 0}
            searchable
            filter={foldedOptionsFilter}
            clearable
            size="sm"
            aria-label={t('blur.options.keep')}
            data-testid="blur-keep"
          />
        </Field>
        {unmatched.length > 0 && (
          <Stack gap={4} align="flex-start" data-testid="blur-keep-stale">
            <Text size="xs" c="orange">
              {t('blur.options.keepStale', { count: unmatched.length })}
            </Text>
            <Button
              size="compact-sm"
              variant="light"
              onClick={() => redetect(unmatched)}
              data-testid="blur-keep-redetect"
            >
              {t('blur.options.keepRedetect')}
            </Button>
          </Stack>
        )}
        <SimpleGrid cols={2} spacing="xs">
          <Select
            label={t('blur.options.style')}
            size="sm"
            value={options.style}
            onChange={(v) => v && setOptions({ style: v as BlurStyle })}
            data={(['blur', 'pixelate', 'solid'] as const).map((s) => ({
              value: s,
              label: t(`blur.options.styles.${s}`),
            }))}
            allowDeselect={false}
            data-testid="blur-style"
          />
          <Select
            label={t('blur.options.shape')}
            size="sm"
            value={options.shape}
            onChange={(v) => v && setOptions({ shape: v as BlurShape })}
            data={(['ellipse', 'rect'] as const).map((s) => ({
              value: s,
              label: t(`blur.options.shapes.${s}`),
            }))}
            allowDeselect={false}
            data-testid="blur-shape"
          />
        </SimpleGrid>
        <Field
          label={t('blur.options.scale', { value: formatNumber(lang, options.scale, 2) })}
          hint={t('blur.options.scaleHint')}
        >
          <Slider
            min={BLUR_SCALE_MIN}
            max={BLUR_SCALE_MAX}
            step={0.05}
            value={options.scale}
            onChange={(scale) => setOptions({ scale })}
            label={(v) => `${formatNumber(lang, v, 2)}×`}
            marks={[1, 2, 3, 4].map((v) => ({ value: v, label: `${v}×` }))}
            aria-label={t('blur.options.scaleAria')}
            thumbLabel={t('blur.options.scaleAria')}
            mb="lg"
            data-testid="blur-scale"
          />
        </Field>
      </Stack>
    </Card>
  );
}
