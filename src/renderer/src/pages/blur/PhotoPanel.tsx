import { Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { useDebouncedValue, useViewportSize } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlurPreviewResult } from '../../../../shared/blur-schemas';
import { useVigil } from '../../api/ClientProvider';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconPlus } from '../../components/icons';
import { centredBox, countRegions, noFaceFound, toCoreRegions } from '../../lib/blur-regions';
import { toImageSource } from '../../lib/files';
import { PhotoFrame } from '../scan/PhotoView';
import classes from './Blur.module.css';
import { useBlur, type BlurItem } from './BlurProvider';
import { RegionEditor } from './RegionEditor';
import { ZoomView } from './ZoomView';

type ViewMode = 'edit' | 'compare';
type SizedItem = BlurItem & { width: number; height: number };

const dataUrl = (p: BlurPreviewResult) => `data:${p.mime};base64,${p.data}`;

/**
 * The original at full resolution: the dropped file itself, or (formats the browser cannot show,
 * such as HEIC or TIFF) the core's decode of it, unblurred, fetched only then.
 */
function useOriginal(item: BlurItem, broken: boolean) {
  const { client } = useVigil();
  const { urlOf, fileOf } = useBlur();
  const fallback = useQuery({
    queryKey: ['blur.original', item.id],
    queryFn: async () => {
      const file = fileOf(item.id);
      if (!file) throw new Error('gone');
      return client.invoke('blur.preview', {
        source: await toImageSource(file),
        regions: [],
        format: 'jpeg',
        quality: 92,
      });
    },
    enabled: broken,
    staleTime: Infinity,
    gcTime: 60_000,
  });
  return broken ? (fallback.data ? dataUrl(fallback.data) : undefined) : urlOf(item.id);
}

/** Before/after: the original under the blurred result, split where the divider is. */
function Compare({ before, after }: { before: string; after: string | undefined }) {
  const { t } = useTranslation();
  const [split, setSplit] = useState(50);
  const dragging = useRef(false);
  const at = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    setSplit(Math.min(100, Math.max(0, ((e.clientX - r.left) / r.width) * 100)));
  };
  return (
    <>
      <img className={classes.image} src={before} alt="" draggable={false} data-testid="blur-before" />
      {after && (
        <img
          className={classes.after}
          src={after}
          alt=""
          draggable={false}
          style={{ clipPath: `inset(0 0 0 ${split}%)` }}
          data-testid="blur-after"
        />
      )}
      <div
        className={classes.compare}
        role="slider"
        tabIndex={0}
        aria-label={t('blur.compareSlider')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(split)}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          at(e);
        }}
        onPointerMove={(e) => dragging.current && at(e)}
        onPointerUp={() => (dragging.current = false)}
        onKeyDown={(e) => {
          const step = e.shiftKey ? 10 : 2;
          if (e.key === 'ArrowLeft') setSplit((s) => Math.max(0, s - step));
          else if (e.key === 'ArrowRight') setSplit((s) => Math.min(100, s + step));
          else return;
          e.preventDefault();
        }}
        data-testid="blur-compare"
      >
        <div className={classes.divider} style={{ left: `${split}%` }}>
          <div className={classes.dividerKnob} />
        </div>
        <span className={classes.sideLabel} style={{ left: 8 }}>
          {t('blur.before')}
        </span>
        <span className={classes.sideLabel} style={{ right: 8 }}>
          {t('blur.after')}
        </span>
      </div>
    </>
  );
}

export function PhotoPanel({ subjectName }: { subjectName: (id: string) => string | undefined }) {
  const { t } = useTranslation();
  const { client } = useVigil();
  const { selected: item, options, setOptions, redetect, keepIds, fileOf, addRegion } = useBlur();
  const [mode, setMode] = useState<ViewMode>('edit');
  /** A region added with the button, focused so the keyboard can place and size it. */
  const [added, setAdded] = useState<string | null>(null);
  /** The photo whose original the browser could not show (then the core's decode is shown). */
  const [brokenId, setBrokenId] = useState<number | null>(null);
  const { height: viewportH } = useViewportSize();
  const itemId = item?.id;
  const broken = itemId !== undefined && brokenId === itemId;

  // What the "after" image depends on; debounced so a slider drag asks once it settles.
  const previewInput = useMemo(
    () =>
      item
        ? {
            regions: toCoreRegions(item.regions, options.thresh, keepIds),
            style: options.style,
            shape: options.shape,
            scale: options.scale,
            format: options.format,
            quality: options.quality,
          }
        : null,
    [item, options, keepIds],
  );
  const [debounced] = useDebouncedValue(previewInput, 250);
  const preview = useQuery({
    queryKey: ['blur.preview', itemId, debounced],
    queryFn: async () => {
      const file = fileOf(itemId!);
      if (!file || !debounced) throw new Error('gone');
      return client.invoke('blur.preview', { source: await toImageSource(file), ...debounced });
    },
    enabled: mode === 'compare' && item?.status === 'ready' && debounced !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    // Full-resolution images are large: drop them soon after they are off screen.
    gcTime: 15_000,
  });

  const original = useOriginal(item ?? ({ id: -1 } as BlurItem), broken);

  if (!item) return null;
  const sized = item.status === 'ready' && item.width && item.height ? (item as SizedItem) : null;
  const counts = countRegions(item.regions, options.thresh, keepIds);
  // A chosen person no face here matches stays unseen, and the page says so: "keep" is not a
  // promise that they are kept (a possible match, 0.41 against 0.5, is blurred like anyone).
  const notRecognised = options.keep
    .filter((id) => !item.regions.some((r) => r.matches.includes(id)))
    .map((id) => subjectName(id) ?? id);
  const stale = preview.isPlaceholderData || JSON.stringify(previewInput) !== JSON.stringify(debounced);
  // Detection found nothing: say at which size it looked, so that "0 to blur" does not read as
  // "safe to share" for a photo whose faces are smaller than that.
  const noFace = sized ? noFaceFound(sized, options.minFace) : null;
  const retry = noFace?.retry ?? null;

  // One tree for every state of the photo, so that the live region below is there before
  // detection ends and what it found (nothing) is announced, not only shown.
  return (
    <Stack gap="xs">
      {sized && (
        <Group justify="space-between" gap="xs">
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as ViewMode)}
            data={[
              { value: 'edit', label: t('blur.modeEdit') },
              { value: 'compare', label: t('blur.modeCompare') },
            ]}
            data-testid="blur-mode"
          />
          {mode === 'edit' && (
            <Button
              size="compact-sm"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() => setAdded(addRegion(sized.id, centredBox(sized.width, sized.height)))}
              data-testid="blur-add-region"
            >
              {t('blur.addRegion')}
            </Button>
          )}
          <Group gap={6} data-testid="blur-counts" ml="auto">
            <Badge color="red" variant="light" data-testid="blur-count-blurred" data-count={counts.blurred}>
              {t('blur.counts.blurred', { count: counts.blurred })}
            </Badge>
            {counts.manual > 0 && (
              <Badge color="red" variant="outline">
                {t('blur.counts.manual', { count: counts.manual })}
              </Badge>
            )}
            {counts.kept > 0 && (
              <Badge color="teal" variant="light" data-testid="blur-count-kept">
                {t('blur.counts.kept', { count: counts.kept })}
              </Badge>
            )}
            {counts.removed > 0 && (
              <Badge color="gray" variant="light">
                {t('blur.counts.removed', { count: counts.removed })}
              </Badge>
            )}
            {counts.hidden > 0 && (
              <Badge color="gray" variant="outline">
                {t('blur.counts.hidden', { count: counts.hidden })}
              </Badge>
            )}
          </Group>
        </Group>
      )}
      {sized && notRecognised.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="blur-keep-not-found">
          {t('blur.keepNotFound', {
            count: notRecognised.length,
            names: notRecognised.join(', '),
          })}
        </Text>
      )}
      <div>
        <div role="status" aria-live="polite">
          {noFace && (
            <Paper
              p="xs"
              mb="xs"
              radius="sm"
              bg="var(--mantine-color-yellow-light)"
              data-testid="blur-no-face"
              data-min-face={noFace.px}
            >
              <Text size="sm" fw={600}>
                {t('blur.noFace.title', { px: noFace.px })}
              </Text>
              <Text size="sm">
                {retry !== null
                  ? t('blur.noFace.smaller', { option: t('blur.options.minFace') })
                  : t('blur.noFace.smallest')}
              </Text>
              {retry !== null && (
                // Here as well as in the options, which a narrow window puts below the photo: the
                // option is set (for photos added from now on too) and this photo looked at again.
                <Button
                  size="compact-sm"
                  variant="default"
                  mt={6}
                  loading={item.again}
                  onClick={() => {
                    setOptions({ minFace: retry });
                    redetect([item.id]);
                  }}
                  data-testid="blur-no-face-redetect"
                >
                  {t('blur.options.redetect', { px: retry })}
                </Button>
              )}
            </Paper>
          )}
        </div>
        {item.status === 'error' ? (
          <PhotoFrame ratio={3 / 2} error>
            <Stack gap={4} align="center" maw={420}>
              <ErrorNotice error={item.error!} />
            </Stack>
          </PhotoFrame>
        ) : !sized ? (
          <PhotoFrame ratio={3 / 2}>
            <Loader size="sm" color="gray" />
            <Text size="sm">{t('blur.detecting', { name: item.name })}</Text>
          </PhotoFrame>
        ) : (
          <ZoomView
            width={sized.width}
            height={sized.height}
            maxHeight={Math.max(320, viewportH - 330)}
            key={item.id}
          >
            {mode === 'edit' ? (
              <>
                {original && (
                  <img
                    className={classes.image}
                    src={original}
                    alt={item.name}
                    draggable={false}
                    onError={() => setBrokenId(item.id)}
                    data-testid="blur-original"
                  />
                )}
                <RegionEditor item={sized} subjectName={subjectName} focusId={added} />
              </>
            ) : (
              original && (
                <Compare before={original} after={preview.data ? dataUrl(preview.data) : undefined} />
              )
            )}
          </ZoomView>
        )}
      </div>
      {sized && (
        <Group justify="space-between" gap="xs" mih={22}>
          <Text size="xs" c="dimmed">
            {mode === 'edit' ? t('blur.editHint') : t('blur.compareHint')}
          </Text>
          {mode === 'compare' && (preview.isFetching || stale) && (
            <Group gap={6}>
              <Loader size={12} />
              <Text size="xs" c="dimmed">
                {t('blur.rendering')}
              </Text>
            </Group>
          )}
        </Group>
      )}
      {sized && mode === 'compare' && preview.isError && <ErrorNotice error={preview.error} />}
      {item.exported?.result && item.exported.result.selfCheck.facesStillDetected.length > 0 && (
        <Paper p="xs" radius="sm" bg="var(--mantine-color-red-light)" data-testid="blur-leak-notice">
          <Text size="sm" c="red" fw={600}>
            {t('blur.leakNotice', { count: item.exported.result.selfCheck.facesStillDetected.length })}
          </Text>
        </Paper>
      )}
    </Stack>
  );
}
