import {
  Anchor,
  Badge,
  Card,
  Grid,
  Group,
  Loader,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { PhotoDropzone } from '../../components/PhotoDropzone';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { searchHitSchema } from '../../../../shared/match-schemas';
import type { InspectResult } from '../../../../shared/schemas';
import { useVigil } from '../../api/ClientProvider';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DropzoneIcon } from '../../components/DropzoneIcon';
import { formatScore } from '../../format';
import { baseName, toImageSource } from '../../lib/files';
import { usePageOpener } from '../../lib/page-opener';
import { useNavigation } from '../../navigation';
import { PhotoView, type BoxSpec } from '../scan/PhotoView';
import classes from './Watchlist.module.css';

type Metric = 'cosine' | 'euclidean';
type Source = 'watchlist' | 'seen' | 'all';
type Hit = z.infer<typeof searchHitSchema>;

const METRICS: readonly Metric[] = ['cosine', 'euclidean'];
const SOURCES: readonly Source[] = ['watchlist', 'seen', 'all'];

/** The most results the panel asks for (the API allows more; a grid of 100 faces is plenty). */
const K_MAX = 100;

function ResultCard({ hit, metric }: { hit: Hit; metric: Metric }) {
  const { t, i18n } = useTranslation();
  const { openSubject } = useNavigation();
  const lang = i18n.language;
  const title = hit.name ?? hit.file;
  return (
    <Card
      withBorder
      padding={0}
      radius="sm"
      data-testid="search-result"
      data-rank={hit.rank}
      data-kind={hit.kind}
      data-subject-id={hit.subjectId ?? ''}
    >
      <Card.Section pos="relative">
        {hit.thumbnailUrl ? (
          <img
            // A seen face comes with its whole photo's thumbnail: show all of it, not a centre crop.
            className={hit.kind === 'seen' ? `${classes.faceImage} ${classes.wholePhoto}` : classes.faceImage}
            src={hit.thumbnailUrl}
            alt={title}
            loading="lazy"
            draggable={false}
          />
        ) : (
          <div className={classes.faceImage} />
        )}
        <Badge pos="absolute" top={6} left={6} size="md" radius="sm" variant="filled" color="dark">
          #{hit.rank}
        </Badge>
        <Badge
          pos="absolute"
          top={6}
          right={6}
          size="sm"
          radius="sm"
          variant="filled"
          color={hit.kind === 'watchlist' ? 'indigo' : 'gray'}
        >
          {t(`search.kinds.${hit.kind}`)}
        </Badge>
      </Card.Section>
      <Stack gap={2} p={8}>
        {hit.kind === 'watchlist' && hit.subjectId && hit.name ? (
          <Anchor
            component="button"
            type="button"
            size="sm"
            fw={600}
            ta="start"
            onClick={() => openSubject(hit.subjectId)}
            title={t('identify.openSubject', { name: hit.name })}
            style={{ overflowWrap: 'anywhere' }}
          >
            {hit.name}
          </Anchor>
        ) : (
          <Tooltip label={hit.file} openDelay={400}>
            <Text size="sm" fw={600} truncate="end">
              {hit.file ? baseName(hit.file) : t('common.none')}
            </Text>
          </Tooltip>
        )}
        {hit.kind === 'watchlist' && hit.file && (
          <Text size="xs" c="dimmed" truncate="end" title={hit.file}>
            {hit.file}
          </Text>
        )}
        <Group gap={4} justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {t('search.score')}
          </Text>
          <Text size="sm" ff="monospace" fw={700} data-testid="search-score">
            {formatScore(lang, hit.score)}
          </Text>
        </Group>
        <Group gap={4} justify="space-between" wrap="nowrap">
          <Text size="xs" c={metric === 'cosine' ? undefined : 'dimmed'} fw={metric === 'cosine' ? 600 : 400}>
            {t('search.cosine')}
          </Text>
          <Text size="xs" ff="monospace">
            {formatScore(lang, hit.similarity)}
          </Text>
        </Group>
        <Group gap={4} justify="space-between" wrap="nowrap">
          <Text
            size="xs"
            c={metric === 'euclidean' ? undefined : 'dimmed'}
            fw={metric === 'euclidean' ? 600 : 400}
          >
            {t('search.euclidean')}
          </Text>
          <Text size="xs" ff="monospace">
            {formatScore(lang, hit.distance)}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}

/** Top-K similar faces: drop a query photo, pick the face, choose metric, source and K. */
const WRAPPING_LABELS = { label: { whiteSpace: 'normal', lineHeight: 1.2 } } as const;

export function SearchPanel() {
  const { t } = useTranslation();
  // Ctrl+O chooses the photo to search with, rather than leaving for the Scan page.
  const openPicker = useRef<() => void>(null);
  usePageOpener('watchlist', openPicker);
  const { client } = useVigil();
  const [metric, setMetric] = useState<Metric>('cosine');
  const [source, setSource] = useState<Source>('all');
  const [k, setK] = useState<number>(12);
  /** The K field as typed: out of range it stays, flagged, and `k` keeps the last good one. */
  const [kText, setKText] = useState<number | string>(12);
  const [debouncedK] = useDebouncedValue(k, 400);
  const [faceIndex, setFaceIndex] = useState(0);

  const inspect = useMutation({
    mutationFn: async (file: File) => client.invoke('image.inspect', { source: await toImageSource(file) }),
    onSuccess: () => setFaceIndex(0),
  });
  const photo: InspectResult | undefined = inspect.data;
  const face = photo?.faces[faceIndex];
  const descriptorId = face?.descriptorId ?? '';

  const search = useQuery({
    queryKey: ['match.search', descriptorId, metric, source, debouncedK],
    queryFn: () => client.invoke('match.search', { query: { descriptorId }, k: debouncedK, metric, source }),
    enabled: descriptorId !== '',
    staleTime: Infinity,
    retry: false,
  });

  const boxes: BoxSpec[] =
    photo?.faces.map((f, index) => ({
      key: String(index),
      box: f.box,
      label: String(index + 1),
      title: t('search.pickFace', { index: index + 1 }),
      tone: index === faceIndex ? 'selected' : 'choice',
      data: { 'data-index': index },
    })) ?? [];

  const empty = !photo && !inspect.isPending;

  return (
    <Grid gutter="md" data-testid="search-panel">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="sm">
          <PhotoDropzone
            onDrop={(files) => {
              const file = files[0];
              if (file) inspect.mutate(file);
            }}
            openRef={openPicker}
            label={t('search.dropLabel')}
            multiple={false}
            p="md"
            data-testid="search-dropzone"
          >
            <Group
              justify="center"
              gap="md"
              wrap="nowrap"
              mih={empty ? 120 : 48}
              style={{ pointerEvents: 'none' }}
            >
              <DropzoneIcon size={40} iconSize={20} />
              <Stack gap={2}>
                <Text size="sm" fw={600}>
                  {photo ? t('search.dropAnother') : t('search.dropTitle')}
                </Text>
                {empty && (
                  <Text size="xs" c="dimmed">
                    {t('search.dropHint')}
                  </Text>
                )}
              </Stack>
            </Group>
          </PhotoDropzone>

          {inspect.isPending && <Skeleton height={220} radius="sm" />}
          {inspect.isError && <ErrorNotice error={inspect.error} />}
          {photo && (
            <Stack gap={6}>
              <PhotoView
                image={photo}
                boxes={boxes}
                onBoxClick={photo.faces.length > 1 ? (key) => setFaceIndex(Number(key)) : undefined}
                boxTestId="search-face"
              />
              <Text size="xs" c="dimmed" data-testid="search-query-info">
                {photo.faces.length === 0
                  ? t('search.noFace', { file: photo.file })
                  : photo.faces.length === 1
                    ? t('search.oneFace', { file: photo.file })
                    : t('search.severalFaces', {
                        file: photo.file,
                        index: faceIndex + 1,
                        count: photo.faces.length,
                      })}
              </Text>
            </Stack>
          )}

          <Stack gap={4}>
            <Text size="sm" fw={500} id="search-metric-label">
              {t('search.metric')}
            </Text>
            <SegmentedControl
              value={metric}
              onChange={(v) => setMetric(v as Metric)}
              data={METRICS.map((m) => ({ value: m, label: t(`search.metrics.${m}`) }))}
              aria-labelledby="search-metric-label"
              data-testid="search-metric"
              fullWidth
              styles={WRAPPING_LABELS}
            />
            <Text size="xs" c="dimmed">
              {t(`search.metricHints.${metric}`)}
            </Text>
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="search-source-label">
              {t('search.source')}
            </Text>
            <SegmentedControl
              value={source}
              onChange={(v) => setSource(v as Source)}
              data={SOURCES.map((s) => ({ value: s, label: t(`search.sources.${s}`) }))}
              aria-labelledby="search-source-label"
              data-testid="search-source"
              fullWidth
              // In a narrow column ("Rostos vistos" in Portuguese) a label wraps instead of being cut.
              styles={WRAPPING_LABELS}
            />
          </Stack>
          <NumberInput
            label={t('search.k')}
            description={t('search.kHint', { max: K_MAX })}
            value={kText}
            // Only whole numbers in range search; anything else (empty, 0, 500) stays as typed,
            // flagged, and the last good K keeps searching.
            onChange={(v) => {
              setKText(v);
              if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= K_MAX) setK(v);
            }}
            error={kText === k ? undefined : t('search.kInvalid', { max: K_MAX, k })}
            min={1}
            max={K_MAX}
            step={1}
            allowDecimal={false}
            clampBehavior="none"
            w={160}
            data-testid="search-k"
          />
        </Stack>
      </Grid.Col>

      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="sm">
          <Group justify="space-between" gap="xs">
            <Title order={3} size="h5">
              {t('search.resultsTitle')}
            </Title>
            {search.isFetching && <Loader size="xs" />}
            {search.data && (
              <Text size="xs" c="dimmed" data-testid="search-summary">
                {t('search.summary', {
                  count: search.data.results.length,
                  metric: t(`search.metrics.${search.data.metric}`),
                  source: t(`search.sources.${search.data.source}`),
                })}
                {search.data.exact ? '' : ` · ${t('search.approximate')}`}
              </Text>
            )}
          </Group>
          {!photo && !inspect.isPending && (
            <Text size="sm" c="dimmed" py="xl" ta="center" data-testid="search-empty">
              {t('search.emptyBody')}
            </Text>
          )}
          {photo && photo.faces.length > 0 && !descriptorId && (
            <Text size="sm" c="dimmed">
              {t('search.noDescriptor')}
            </Text>
          )}
          {search.isError && <ErrorNotice error={search.error} onRetry={() => void search.refetch()} />}
          {search.isPending && descriptorId !== '' && (
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
              {Array.from({ length: 5 }, (_, i) => (
                <Skeleton key={i} height={220} radius="sm" />
              ))}
            </SimpleGrid>
          )}
          {search.data && search.data.results.length === 0 && (
            <Text size="sm" c="dimmed" py="lg" ta="center" data-testid="search-no-results">
              {t('search.noResults')}
            </Text>
          )}
          {search.data && search.data.results.length > 0 && (
            <SimpleGrid
              type="container"
              cols={{ base: 2, '520px': 3, '700px': 4, '880px': 5 }}
              spacing="sm"
              verticalSpacing="sm"
            >
              {search.data.results.map((hit) => (
                <ResultCard key={`${hit.kind}-${hit.faceId}`} hit={hit} metric={search.data.metric} />
              ))}
            </SimpleGrid>
          )}
          {search.data && (
            <Text size="xs" c="dimmed">
              {t('search.legend')}
            </Text>
          )}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
