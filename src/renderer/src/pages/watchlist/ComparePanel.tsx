import { Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { errorShapeOf } from '../../api/errors';
import { IconArrowsLeftRight, IconTrash } from '../../components/icons';
import { errorSlot, samePhoto } from '../../lib/compare';
import { usePageOpener } from '../../lib/page-opener';
import { CompareResult } from './CompareResult';
import { CompareSlot } from './CompareSlot';
import { useCompare } from './CompareProvider';
import classes from './Compare.module.css';

/**
 * 1:1 — are two photos of the same person: the largest face of each, compared as soon as both
 * slots hold a photo; replacing either compares again. The pair lives in CompareProvider.
 */
export function ComparePanel() {
  const { t } = useTranslation();
  const { pair, put, swap, clear, compare, compareAgain } = useCompare();
  const { a, b } = pair;

  // Ctrl+O opens the picker of the first empty slot, else A's.
  const openA = useRef<() => void>(null);
  const openB = useRef<() => void>(null);
  const openPicker = useRef<() => void>(null);
  useEffect(() => {
    openPicker.current = () => (a && !b ? openB : openA).current?.();
  }, [a, b]);
  usePageOpener('watchlist', openPicker);

  const error = compare.isError ? errorShapeOf(compare.error) : null;
  const errorOn = error ? errorSlot(error) : null;
  const result = compare.data;

  return (
    <Stack gap="sm" className={classes.container} data-testid="compare-panel">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>
          {t('compare.intro')}
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconArrowsLeftRight size={14} />}
            onClick={swap}
            disabled={!a && !b}
            data-testid="compare-swap"
          >
            {t('compare.swap')}
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconTrash size={14} />}
            onClick={clear}
            disabled={!a && !b}
            data-testid="compare-clear"
          >
            {t('compare.clear')}
          </Button>
        </Group>
      </Group>
      <div className={classes.grid}>
        {(['a', 'b'] as const).map((slot) => (
          <CompareSlot
            key={slot}
            slot={slot}
            photo={pair[slot]}
            compared={result?.[slot] ?? null}
            verdict={result?.verdict ?? null}
            error={errorOn === slot ? compare.error : null}
            onFile={(file) => put(slot, file)}
            openRef={slot === 'a' ? openA : openB}
          />
        ))}
        <CompareResult
          missing={(['a', 'b'] as const).filter((slot) => !pair[slot])}
          result={result}
          pending={compare.isFetching}
          error={error && !errorOn ? compare.error : null}
          errorOn={errorOn}
          samePhoto={Boolean(a && b && samePhoto(a, b))}
          onCompareAgain={compareAgain}
        />
      </div>
    </Stack>
  );
}
