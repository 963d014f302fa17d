import { TextInput } from '@mantine/core';
import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';
import { decimalInRange, parseDecimal } from '../../lib/decimal';

/**
 * A decimal field that takes "0.45" and "0,45" alike and never rewrites what was typed: a value
 * out of [min, max] stays as typed for `error` to flag. (Mantine's NumberInput drops the other
 * language's separator, turning 0.45 into 45, and clamps on blur.) A valid value is shown in the
 * page's language once the field loses focus; the arrow keys step it within the range.
 */
export function DecimalInput({
  value,
  onChange,
  min,
  max,
  step,
  format,
  error,
  description,
  suffix,
  w,
  inputStyle,
  testId,
  ...aria
}: {
  /** A number once set (saved, slider, arrow keys, blur); the text while being typed. */
  value: number | string;
  onChange: (value: number | string) => void;
  min: number;
  max: number;
  step: number;
  format: (value: number) => string;
  error?: ReactNode;
  description?: ReactNode;
  /** A unit shown after a set value ("1,5×"); dropped from what is typed before it is read. */
  suffix?: string;
  w?: number;
  inputStyle?: CSSProperties;
  testId?: string;
  'aria-labelledby'?: string;
  'aria-describedby'?: string;
}) {
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const n = typeof value === 'number' ? value : parseDecimal(value);
    if (n === null) return;
    e.preventDefault();
    const next = n + (e.key === 'ArrowUp' ? step : -step);
    // Rounded to the step so 0.1 + 0.2 does not show as 0.30000000000000004.
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    onChange(Number(Math.min(max, Math.max(min, next)).toFixed(decimals)));
  };
  return (
    <TextInput
      {...aria}
      value={typeof value === 'number' ? `${format(value)}${suffix ?? ''}` : value}
      onChange={(e) => {
        const text = e.currentTarget.value;
        onChange(suffix && text.trimEnd().endsWith(suffix) ? text.trimEnd().slice(0, -suffix.length) : text);
      }}
      onBlur={() => {
        if (typeof value !== 'string') return;
        const n = decimalInRange(value, min, max);
        if (n !== null) onChange(n);
      }}
      onKeyDown={onKeyDown}
      inputMode="decimal"
      autoComplete="off"
      spellCheck={false}
      error={error}
      description={description}
      w={w}
      styles={inputStyle ? { input: inputStyle } : undefined}
      data-testid={testId}
    />
  );
}
