import { Button, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVigil } from '../../api/ClientProvider';
import { errorShapeOf } from '../../api/errors';
import { queryKeys } from '../../api/queries';
import { IconArrowsLeftRight, IconTrash } from '../../components/icons';
import {
  errorSlot,
  swapCompare,
  type CompareResult as Result,
  type CompareSlot as Slot,
} from '../../lib/compare';
import { toImageSource } from '../../lib/files';
import { useImageSize } from '../../lib/use-image-size';
import { CompareResult } from './CompareResult';
import { CompareSlot, type SlotPhoto } from './CompareSlot';
import classes from './Compare.module.css';

type Pair = Record<Slot, SlotPhoto | null>;

let lastPhotoId = 0;

const compareKey = (a: SlotPhoto | null, b: SlotPhoto | null) => ['match.compare', a?.id ?? 0, b?.id ?? 0];

/**
 * 1:1 — are two photos of the same person: the largest face of each, compared as soon as both
 * slots hold a photo; replacing either compares again.
 */
export function ComparePanel() {
  const { t } = useTranslation();
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [pair, setPair] = useState<Pair>({ a: null, b: null });

  // The object URLs die with the panel (switching tabs unmounts it).
  const shownUrls = useRef<Pair>(pair);
  useEffect(() => {
    shownUrls.current = pair;
  }, [pair]);
  useEffect(
    () => () => {
      for (const p of [shownUrls.current.a, shownUrls.current.b]) if (p) URL.revokeObjectURL(p.url);
    },
    [],
  );

  const { a, b } = pair;
  const compare = useQuery({
    queryKey: compareKey(a, b),
    queryFn: async (): Promise<Result> => {
      if (!a || !b) throw new Error('two photos are needed');
      try {
        return await client.invoke('match.compare', {
          a: await toImageSource(a.file),
          b: await toImageSource(b.file),
        });
      } finally {
        void queryClient.invalidateQueries({ queryKey: queryKeys.history });
      }
    },
    enabled: Boolean(a && b),
    staleTime: Infinity,
    gcTime: 5 * 60_000,
    retry: false,
  });

  const put = (slot: Slot, file: File) => {
    const old = pair[slot];
    if (old) URL.revokeObjectURL(old.url);
    setPair({ ...pair, [slot]: { id: ++lastPhotoId, file, url: URL.createObjectURL(file) } });
  };
  const swap = () => {
    // The score does not depend on the order: the swapped pair shows the same result, not a rerun.
    const done = queryClient.getQueryData<Result>(compareKey(a, b));
    if (done) queryClient.setQueryData(compareKey(b, a), swapCompare(done));
    setPair({ a: b, b: a });
  };
  const clear = () => {
    for (const p of [a, b]) if (p) URL.revokeObjectURL(p.url);
    setPair({ a: null, b: null });
  };

  const sizeA = useImageSize(a?.url ?? null);
  const sizeB = useImageSize(b?.url ?? null);

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
            size={(slot === 'a' ? sizeA : sizeB).size}
            failed={(slot === 'a' ? sizeA : sizeB).failed}
            compared={result?.[slot] ?? null}
            verdict={result?.verdict ?? null}
            error={errorOn === slot ? compare.error : null}
            onFile={(file) => put(slot, file)}
          />
        ))}
        <CompareResult
          missing={(['a', 'b'] as const).filter((slot) => !pair[slot])}
          result={result}
          pending={compare.isFetching}
          error={error && !errorOn ? compare.error : null}
          errorOn={errorOn}
        />
      </div>
    </Stack>
  );
}
