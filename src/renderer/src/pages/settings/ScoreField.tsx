import { Group, NumberInput, Slider, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatScore, numberSeparators } from '../../format';

/**
 * A score between 0 and 1 set two ways: typed (two decimals) or on a slider marked at its default.
 * `position` is where the slider sits while the typed text is not a valid value.
 */
export function ScoreField({
  labelId,
  label,
  hint,
  value,
  position,
  onChange,
  error,
  mark,
  color,
  inputTestId,
  sliderTestId,
  children,
}: {
  labelId: string;
  label: string;
  hint: string;
  value: number | string;
  position: number;
  onChange: (value: number | string) => void;
  error?: string;
  mark: { value: number; label: string };
  color?: string;
  inputTestId: string;
  sliderTestId?: string;
  /** Shown under the slider. */
  children?: ReactNode;
}) {
  const { i18n } = useTranslation();
  return (
    <Stack gap={6}>
      <Group justify="space-between" align="flex-end" wrap="nowrap" gap="md">
        <Stack gap={0} style={{ flex: 1 }}>
          <Text size="sm" fw={600} id={labelId}>
            {label}
          </Text>
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        </Stack>
        <NumberInput
          aria-labelledby={labelId}
          value={value}
          onChange={onChange}
          min={0}
          max={1}
          step={0.01}
          decimalScale={2}
          fixedDecimalScale
          decimalSeparator={numberSeparators(i18n.language).decimalSeparator}
          clampBehavior="blur"
          w={110}
          error={error}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid={inputTestId}
        />
      </Group>
      <Slider
        aria-labelledby={labelId}
        thumbLabel={label}
        value={Math.min(1, Math.max(0, position))}
        onChange={onChange}
        min={0}
        max={1}
        step={0.01}
        precision={2}
        color={color}
        label={(v) => formatScore(i18n.language, v)}
        marks={[mark]}
        mb="lg"
        data-testid={sliderTestId}
      />
      {children}
    </Stack>
  );
}
