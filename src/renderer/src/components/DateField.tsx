import { ActionIcon, Group, Popover, SimpleGrid, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dayLayout, dayOf, formatDay, parseDay } from '../lib/local-date';
import { IconCalendar, IconChevronLeft, IconChevronRight } from './icons';

/** The weekday a week starts on in `lang` (0 Sunday … 6 Saturday), Sunday where unknown. */
function firstWeekday(lang: string): number {
  try {
    const locale = new Intl.Locale(lang) as Intl.Locale & { getWeekInfo?: () => { firstDay: number } };
    return (locale.getWeekInfo?.().firstDay ?? 7) % 7;
  } catch {
    return 0;
  }
}

function MonthGrid({ value, onPick }: { value: string; onPick: (day: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const today = dayOf(new Date());
  const [month, setMonth] = useState(() => {
    const shown = new Date(`${value || today}T00:00:00`);
    return new Date(shown.getFullYear(), shown.getMonth(), 1);
  });
  const first = firstWeekday(lang);
  const lead = (month.getDay() - first + 7) % 7;
  const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'narrow' });
  const shift = (by: number) => setMonth(new Date(month.getFullYear(), month.getMonth() + by, 1));
  return (
    <div data-testid="date-calendar">
      <Group justify="space-between" mb={6} wrap="nowrap">
        <ActionIcon
          variant="subtle"
          color="gray"
          onClick={() => shift(-1)}
          aria-label={t('common.previousMonth')}
        >
          <IconChevronLeft size={16} />
        </ActionIcon>
        <Text size="sm" fw={600} data-testid="date-calendar-month">
          {new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric' }).format(month)}
        </Text>
        <ActionIcon variant="subtle" color="gray" onClick={() => shift(1)} aria-label={t('common.nextMonth')}>
          <IconChevronRight size={16} />
        </ActionIcon>
      </Group>
      <SimpleGrid cols={7} spacing={2} verticalSpacing={2}>
        {Array.from({ length: 7 }, (_, i) => (
          <Text key={`w${i}`} size="xs" c="dimmed" ta="center">
            {/* 2026-03-01 was a Sunday. */}
            {weekday.format(new Date(2026, 2, 1 + ((first + i) % 7)))}
          </Text>
        ))}
        {Array.from({ length: lead }, (_, i) => (
          <span key={`l${i}`} />
        ))}
        {Array.from({ length: days }, (_, i) => {
          const day = dayOf(new Date(month.getFullYear(), month.getMonth(), i + 1));
          const selected = day === value;
          return (
            <UnstyledButton
              key={day}
              onClick={() => onPick(day)}
              aria-pressed={selected}
              aria-label={new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(
                new Date(`${day}T00:00:00`),
              )}
              data-day={day}
              style={{
                textAlign: 'center',
                borderRadius: 'var(--mantine-radius-sm)',
                padding: '4px 0',
                fontSize: 'var(--mantine-font-size-sm)',
                fontWeight: day === today ? 700 : undefined,
                background: selected ? 'var(--mantine-primary-color-filled)' : undefined,
                color: selected ? 'var(--mantine-color-white)' : undefined,
              }}
            >
              {i + 1}
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
    </div>
  );
}

/**
 * A day typed or picked as the app's language writes dates: an `<input type="date">` follows the
 * browser's locale instead (US order in a Portuguese app on an English system).
 */
export function DateField({
  label,
  value,
  onChange,
  w,
  testId,
}: {
  label: string;
  /** `YYYY-MM-DD`, or '' for none. */
  value: string;
  onChange: (day: string) => void;
  w?: number;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [draft, setDraft] = useState(() => formatDay(lang, value));
  const [shown, setShown] = useState({ value, lang });
  const [invalid, setInvalid] = useState(false);
  const [open, setOpen] = useState(false);
  // Another value from outside (cleared filters) or another language: written anew.
  if (shown.value !== value || shown.lang !== lang) {
    setShown({ value, lang });
    setDraft(formatDay(lang, value));
    setInvalid(false);
  }
  const { order, separator } = dayLayout(lang);
  const pattern = order.map((p) => t(`common.dateParts.${p}`)).join(separator);

  const type = (text: string) => {
    setDraft(text);
    setInvalid(false);
    const day = parseDay(lang, text);
    if (text.trim() === '') onChange('');
    else if (day) onChange(day);
  };
  const settle = () => {
    if (draft.trim() === '') return;
    const day = parseDay(lang, draft);
    if (day) setDraft(formatDay(lang, day));
    else setInvalid(true);
  };
  const pick = (day: string) => {
    onChange(day);
    setDraft(formatDay(lang, day));
    setInvalid(false);
    setOpen(false);
  };

  return (
    <Popover opened={open} onChange={setOpen} position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <TextInput
          label={label}
          placeholder={pattern}
          value={draft}
          onChange={(e) => type(e.currentTarget.value)}
          onBlur={settle}
          onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
            if (e.key === 'Enter') settle();
            if (e.key === 'ArrowDown' && e.altKey) setOpen(true);
          }}
          error={invalid ? t('common.dateInvalid', { pattern }) : undefined}
          inputMode="numeric"
          autoComplete="off"
          w={w}
          data-testid={testId}
          data-value={value}
          rightSection={
            <ActionIcon
              variant="subtle"
              color="gray"
              onClick={() => setOpen((o) => !o)}
              aria-label={t('common.pickDate')}
              data-testid={testId ? `${testId}-calendar` : undefined}
            >
              <IconCalendar size={16} />
            </ActionIcon>
          }
        />
      </Popover.Target>
      <Popover.Dropdown p="xs" w={252}>
        <MonthGrid value={value} onPick={pick} />
      </Popover.Dropdown>
    </Popover>
  );
}
