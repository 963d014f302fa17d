import { ActionIcon, Group, Paper, Text, Tooltip } from '@mantine/core';
import { useElementSize, useHotkeys } from '@mantine/hooks';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPercent } from '../../format';
import { IconMinus, IconPlus } from '../../components/icons';
import { cx } from '../scan/PhotoView';
import classes from './Blur.module.css';

const MIN_ZOOM = 1;

/**
 * A photo fitted into the space available (at most `maxHeight` tall) that zooms with the buttons,
 * Ctrl/⌘ + wheel (or a pinch) around the pointer, and +, − and 0; zoomed in it scrolls. The stage
 * is sized, not transformed, so children placed in percentages stay sharp and hit-testable.
 */
export function ZoomView({
  width,
  height,
  maxHeight,
  children,
}: {
  /** The photo's size in pixels (full resolution): 1:1 zoom shows one photo pixel per CSS pixel. */
  width: number;
  height: number;
  maxHeight: number;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { ref: sizeRef, width: available } = useElementSize();
  const viewport = useRef<HTMLDivElement | null>(null);
  const [zoom, setZoom] = useState(1);
  const anchor = useRef<{ x: number; y: number; sx: number; sy: number; from: number } | null>(null);

  const ratio = width / height;
  const fitW = Math.max(1, Math.min(available, maxHeight * ratio));
  const fitH = fitW / ratio;
  /** Zoom at which one photo pixel is one CSS pixel. */
  const actual = width / fitW;
  const maxZoom = Math.max(4, actual * 2);

  /** Zooms keeping the photo point under (x, y) of the viewport where it is. */
  const zoomTo = useCallback(
    (next: number, at?: { x: number; y: number }) => {
      const el = viewport.current;
      const z = Math.min(maxZoom, Math.max(MIN_ZOOM, next));
      if (!el) return setZoom(z);
      const x = at?.x ?? el.clientWidth / 2;
      const y = at?.y ?? el.clientHeight / 2;
      anchor.current = { x, y, sx: el.scrollLeft, sy: el.scrollTop, from: zoom };
      setZoom(z);
    },
    [maxZoom, zoom],
  );

  useLayoutEffect(() => {
    const el = viewport.current;
    const a = anchor.current;
    if (!el || !a) return;
    anchor.current = null;
    const offset = (z: number, side: number, view: number) => Math.max(0, (view - side * z) / 2);
    const px = (a.sx + a.x - offset(a.from, fitW, el.clientWidth)) / a.from;
    const py = (a.sy + a.y - offset(a.from, fitH, el.clientHeight)) / a.from;
    el.scrollLeft = px * zoom + offset(zoom, fitW, el.clientWidth) - a.x;
    el.scrollTop = py * zoom + offset(zoom, fitH, el.clientHeight) - a.y;
  }, [zoom, fitW, fitH]);

  // React's wheel listener is passive; Ctrl + wheel must not also zoom the whole page.
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomTo(zoom * Math.exp(-e.deltaY * 0.0025), { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoom, zoomTo]);

  useHotkeys([
    ['=', () => zoomTo(zoom * 1.5)],
    ['shift+=', () => zoomTo(zoom * 1.5)],
    ['-', () => zoomTo(zoom / 1.5)],
    ['0', () => zoomTo(1)],
  ]);

  return (
    <div ref={sizeRef} style={{ position: 'relative' }}>
      <div
        ref={viewport}
        className={cx(classes.viewport, zoom > actual && classes.pixelated)}
        style={{ height: fitH }}
        data-testid="blur-viewport"
        data-zoom={zoom.toFixed(2)}
      >
        <div className={classes.stage} style={{ width: fitW * zoom, height: fitH * zoom }}>
          {children}
        </div>
      </div>
      <Paper className={classes.zoomBar} shadow="sm" radius="sm" p={2} withBorder>
        <Group gap={2} wrap="nowrap">
          <Tooltip label={t('blur.zoomOut')}>
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={() => zoomTo(zoom / 1.5)}
              disabled={zoom <= MIN_ZOOM}
              aria-label={t('blur.zoomOut')}
            >
              <IconMinus size={14} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('blur.zoomHint')}>
            <Text
              size="xs"
              ff="monospace"
              w={46}
              ta="center"
              style={{ cursor: 'pointer' }}
              onClick={() => zoomTo(1)}
              data-testid="blur-zoom-level"
            >
              {formatPercent(i18n.language, zoom / actual)}
            </Text>
          </Tooltip>
          <Tooltip label={t('blur.zoomIn')}>
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={() => zoomTo(zoom * 1.5)}
              disabled={zoom >= maxZoom}
              aria-label={t('blur.zoomIn')}
              data-testid="blur-zoom-in"
            >
              <IconPlus size={14} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('blur.zoomActual')}>
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={() => zoomTo(actual)}
              aria-label={t('blur.zoomActual')}
              data-testid="blur-zoom-actual"
            >
              <Text size="10px" fw={700}>
                1:1
              </Text>
            </ActionIcon>
          </Tooltip>
        </Group>
      </Paper>
    </div>
  );
}
