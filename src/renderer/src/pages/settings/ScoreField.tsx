import { Group, Slider, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatScore, scoreDigits } from '../../format';
import { DecimalInput } from './DecimalInput';

/**
 * A score between 0 and 1 set two ways: typed (with "." or ",") or on a slider marked at its
 * default. `position` is where the slider sits while the typed text is not a valid value; `error`
 * is shown once, under the typed value.
 */
export function ScoreField({
  labelId,
  label,
  hint,
  value,
  apart = [],
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
  /**
   * Values the shown number is told apart from (see scoreDigits): a threshold typed as 0.333 beside
   * another of 0.3333… reads 0.3330, not 0.33 beside 0.33 and "cannot be above" between them.
   */
  apart?: readonly number[];
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
  const errorId = `${labelId}-error`;
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
        <DecimalInput
          aria-labelledby={labelId}
          value={value}
          onChange={onChange}
          min={0}
          max={1}
          step={0.01}
          format={(v) => formatScore(i18n.language, v, scoreDigits(v, apart))}
          w={110}
          // The message is too wide for this field: it goes once, under the slider.
          error={Boolean(error)}
          aria-describedby={error ? errorId : undefined}
          inputStyle={{ fontFamily: 'var(--mantine-font-family-monospace)' }}
          testId={inputTestId}
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
      {error && (
        <Text size="xs" c="red" id={errorId} data-testid={`${inputTestId}-error`}>
          {error}
        </Text>
      )}
      {children}
    </Stack>
  );
}
