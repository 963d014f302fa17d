import { Alert, Badge, Card, Group, Loader, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMs } from '../../format';
import { IconAlert, IconPhoto } from '../../components/icons';
import { PhotoFrame, PhotoView, photoViewClasses } from './PhotoView';
import type { ScanItem } from './ScanProvider';

/** Cards share one frame shape so the grid stays even; photos are letterboxed inside it. */
export const CARD_FRAME_RATIO = 4 / 3;

function statusAttr(item: ScanItem): 'pending' | 'done' | 'error' {
  if (item.status === 'done') return 'done';
  if (item.status === 'error') return 'error';
  return 'pending';
}

function FileName({ item }: { item: ScanItem }) {
  return (
    <Tooltip label={item.relativePath} openDelay={400} multiline maw={360}>
      <Text size="sm" fw={600} truncate="end" data-testid="photo-name">
        {item.name}
      </Text>
    </Tooltip>
  );
}

export const PhotoCard = memo(function PhotoCard({
  item,
  onOpen,
}: {
  item: ScanItem;
  onOpen: (item: ScanItem) => void;
}) {
  const { t, i18n } = useTranslation();
  const status = statusAttr(item);
  const result = item.result;
  const error = item.error;

  return (
    <Card
      withBorder
      padding={0}
      radius="sm"
      data-testid="photo-card"
      data-status={status}
      data-name={item.name}
      aria-busy={status === 'pending'}
      style={{ alignSelf: 'start' }}
    >
      <Card.Section>
        {result ? (
          <button
            type="button"
            className={photoViewClasses.openButton}
            onClick={() => onOpen(item)}
            aria-label={t('scan.openPreview', { name: item.name })}
          >
            <PhotoView result={result} frameRatio={CARD_FRAME_RATIO} />
          </button>
        ) : error ? (
          <PhotoFrame ratio={CARD_FRAME_RATIO} error>
            <IconAlert size={32} />
          </PhotoFrame>
        ) : (
          <PhotoFrame ratio={CARD_FRAME_RATIO}>
            {item.status === 'inspecting' ? <Loader size="sm" color="gray.3" /> : <IconPhoto size={30} />}
            <Text size="xs" c="dark.1">
              {item.status === 'inspecting' ? t('scan.inspecting') : t('scan.queued')}
            </Text>
          </PhotoFrame>
        )}
      </Card.Section>

      <Stack gap={6} p="sm">
        <FileName item={item} />
        {result && (
          <>
            <Text size="xs" c="dimmed" truncate="end" data-testid="photo-meta">
              {[
                t('scan.dimensions', { width: result.width, height: result.height }),
                result.format.toUpperCase(),
                t('common.milliseconds', { value: formatMs(i18n.language, result.timings.totalMs) }),
              ].join(' · ')}
            </Text>
            <Group gap={6}>
              <Badge
                size="md"
                radius="sm"
                variant={result.faces.length > 0 ? 'light' : 'default'}
                color={result.faces.length > 0 ? undefined : 'gray'}
                tt="none"
                fw={600}
                data-testid="face-count"
                data-count={result.faces.length}
              >
                {t('scan.faceCount', { count: result.faces.length })}
              </Badge>
            </Group>
          </>
        )}
        {error && (
          <Alert
            color="red"
            variant="light"
            p="xs"
            title={t(`errors.codes.${error.code}`)}
            data-testid="photo-error"
            data-code={error.code}
            styles={{ title: { marginBottom: 2 }, label: { fontSize: 'var(--mantine-font-size-sm)' } }}
          >
            <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
              {error.message}
            </Text>
            <Text size="xs" c="dimmed" mt={4} ff="monospace">
              {t('common.errorCode')}: {error.code}
            </Text>
          </Alert>
        )}
        {status === 'pending' && (
          <>
            <Skeleton height={10} width="70%" radius="sm" animate={item.status === 'inspecting'} />
            <Skeleton height={10} width="40%" radius="sm" animate={item.status === 'inspecting'} />
          </>
        )}
      </Stack>
    </Card>
  );
});
