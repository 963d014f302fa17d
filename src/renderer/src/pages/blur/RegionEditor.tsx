import {
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Box } from '../../../../shared/schemas';
import { IconEye } from '../../components/icons';
import { formatPercent, formatScore } from '../../format';
import {
  boxFromPoints,
  CORNERS,
  coverageOf,
  keptSubject,
  moveBox,
  regionState,
  resizeBox,
  type Corner,
  type EditRegion,
  type RegionState,
} from '../../lib/blur-regions';
import { cx } from '../scan/PhotoView';
import classes from './Blur.module.css';
import { useBlur, type BlurItem } from './BlurProvider';

type Point = [number, number];

type Drag =
  | { kind: 'draw'; start: Point; screen: Point }
  | { kind: 'move'; id: string; start: Point; screen: Point; orig: Box; moved: boolean }
  | { kind: 'resize'; id: string; corner: Corner; start: Point; orig: Box };

/** Below this many screen pixels a press is a click, not a drag. */
const CLICK_SLOP = 4;

export function pctStyle(box: readonly number[], width: number, height: number): CSSProperties {
  return {
    left: `${(box[0]! / width) * 100}%`,
    top: `${(box[1]! / height) * 100}%`,
    width: `${(box[2]! / width) * 100}%`,
    height: `${(box[3]! / height) * 100}%`,
  };
}

/**
 * The regions of one photo over it: drag on the photo to add a region, drag a region to move it,
 * its corners to resize it, click it to remove or restore it, and the eye on its tab to keep the
 * face visible. Keyboard: Enter/Delete remove or restore, K keeps, arrows move, Ctrl + arrows
 * resize (Shift: faster); `focusId` is a region just added without a pointer, given the focus.
 */
export function RegionEditor({
  item,
  subjectName,
  focusId,
}: {
  item: BlurItem & { width: number; height: number };
  subjectName: (id: string) => string | undefined;
  focusId?: string | null;
}) {
  const { t, i18n } = useTranslation();
  const { options, keepIds, addRegion, setRegionBox, toggleRemoved, toggleKeep, deleteRegion } = useBlur();
  const overlay = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | null>(null);
  const [draft, setDraft] = useState<{ id?: string; box: Box } | null>(null);
  const { width: W, height: H } = item;

  useEffect(() => {
    if (!focusId) return;
    overlay.current?.querySelector<HTMLElement>(`[data-region-id="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId]);

  const toImage = (e: { clientX: number; clientY: number }): Point => {
    const r = overlay.current!.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * W, ((e.clientY - r.top) / r.height) * H];
  };
  const screenScale = () => overlay.current!.getBoundingClientRect().width / W;

  const begin = (e: PointerEvent, next: Drag) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    overlay.current?.setPointerCapture(e.pointerId);
    drag.current = next;
  };

  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = toImage(e);
    if (d.kind === 'draw') {
      setDraft({ box: boxFromPoints(d.start, p, W, H) });
    } else if (d.kind === 'move') {
      d.moved ||= Math.hypot(e.clientX - d.screen[0], e.clientY - d.screen[1]) > CLICK_SLOP;
      if (d.moved) setDraft({ id: d.id, box: moveBox(d.orig, p[0] - d.start[0], p[1] - d.start[1], W, H) });
    } else {
      setDraft({ id: d.id, box: resizeBox(d.orig, d.corner, p[0] - d.start[0], p[1] - d.start[1], W, H) });
    }
  };

  const onUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    overlay.current?.releasePointerCapture(e.pointerId);
    const box = draft?.box;
    setDraft(null);
    if (d.kind === 'draw') {
      const s = screenScale();
      if (box && box[2] * s >= CLICK_SLOP * 2 && box[3] * s >= CLICK_SLOP * 2) addRegion(item.id, box);
    } else if (d.kind === 'move' && !d.moved) {
      toggleRemoved(item.id, d.id);
    } else if (box) {
      setRegionBox(item.id, d.id, box);
    }
  };

  const onKey = (e: KeyboardEvent, r: EditRegion) => {
    const step = Math.max(1, Math.round(W / (e.shiftKey ? 40 : 200)));
    const arrows: Record<string, Point> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const arrow = arrows[e.key];
    // Ctrl + arrows move the bottom-right corner: right/down grow the region, left/up shrink it.
    // (Not Alt: Alt + Left is the browser's Back.)
    if (arrow && (e.ctrlKey || e.metaKey))
      setRegionBox(item.id, r.id, resizeBox(r.box, 'se', arrow[0], arrow[1], W, H));
    else if (arrow) setRegionBox(item.id, r.id, moveBox(r.box, arrow[0], arrow[1], W, H));
    else if (e.key === 'Enter' || e.key === ' ') toggleRemoved(item.id, r.id);
    else if (e.key === 'Delete' || e.key === 'Backspace') {
      if (r.origin === 'manual') {
        // The focused region goes away: the keyboard goes on from its neighbour, or the photo.
        const all = [...(overlay.current?.querySelectorAll<HTMLElement>('[data-region-id]') ?? [])];
        const at = all.findIndex((el) => el.dataset.regionId === r.id);
        const next = all[at + 1] ?? all[at - 1] ?? overlay.current;
        deleteRegion(item.id, r.id);
        requestAnimationFrame(() => next?.focus());
      } else toggleRemoved(item.id, r.id);
    } else if (e.key.toLowerCase() === 'k' && r.origin === 'detected') toggleKeep(item.id, r.id);
    else return;
    e.preventDefault();
  };

  const labelOf = (r: EditRegion, state: RegionState) => {
    const score = r.score === null ? t('blur.region.manual') : formatPercent(i18n.language, r.score);
    if (state === 'kept') {
      const name = keptSubject(r, keepIds);
      return name ? t('blur.region.keptAs', { name: subjectName(name) ?? '?' }) : t('blur.region.kept');
    }
    return score;
  };
  const titleOf = (r: EditRegion, state: RegionState) =>
    t(`blur.region.title.${state === 'hidden' ? 'blurred' : state}`, {
      what:
        r.score === null
          ? t('blur.region.manualWhat')
          : t('blur.region.faceWhat', { score: formatPercent(i18n.language, r.score) }),
    });

  const leaks = item.exported?.result?.selfCheck.facesStillDetected ?? [];

  return (
    <div
      ref={overlay}
      tabIndex={-1}
      className={cx(classes.overlay, draft && classes.dragging)}
      onPointerDown={(e) => {
        const p = toImage(e);
        begin(e, { kind: 'draw', start: p, screen: [e.clientX, e.clientY] });
      }}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => {
        drag.current = null;
        setDraft(null);
      }}
      data-testid="blur-editor"
    >
      {item.regions.map((r) => {
        const state = regionState(r, options.thresh, keepIds);
        // Under the threshold: not blurred, but shown faintly, so a raised threshold does not make
        // faces vanish from view without a trace.
        if (state === 'hidden')
          return (
            <div
              key={r.id}
              className={classes.under}
              style={pctStyle(r.box, W, H)}
              title={t('blur.region.under', { score: formatPercent(i18n.language, r.score ?? 0) })}
              data-testid="blur-region-under"
            />
          );
        const box = draft?.id === r.id ? draft.box : r.box;
        const shown = { ...r, box };
        const coverage = coverageOf(shown, options.scale, W, H);
        const tagBelow = box[1] / H < 0.06;
        return (
          <div key={r.id}>
            {state === 'blurred' && (
              <div
                className={classes.coverage}
                style={{
                  ...pctStyle(coverage.box, W, H),
                  ...(options.shape === 'ellipse' && { borderRadius: coverage.radius }),
                }}
                data-testid="blur-coverage"
              />
            )}
            <div
              className={cx(
                classes.region,
                r.origin === 'manual' && classes.manual,
                state === 'kept' && classes.kept,
                state === 'removed' && classes.removed,
              )}
              style={pctStyle(box, W, H)}
              role="button"
              tabIndex={0}
              aria-label={titleOf(r, state)}
              title={titleOf(r, state)}
              aria-pressed={state !== 'removed'}
              onPointerDown={(e) =>
                begin(e, {
                  kind: 'move',
                  id: r.id,
                  start: toImage(e),
                  screen: [e.clientX, e.clientY],
                  orig: r.box,
                  moved: false,
                })
              }
              onKeyDown={(e) => onKey(e, r)}
              data-testid="blur-region"
              data-region-id={r.id}
              data-origin={r.origin}
              data-state={state}
              data-score={r.score ?? ''}
            >
              <span className={cx(classes.tag, tagBelow && classes.tagBelow)}>
                {labelOf(r, state)}
                {r.origin === 'detected' && state !== 'removed' && (
                  <button
                    type="button"
                    className={classes.tagButton}
                    title={state === 'kept' ? t('blur.region.unkeep') : t('blur.region.keep')}
                    aria-label={state === 'kept' ? t('blur.region.unkeep') : t('blur.region.keep')}
                    aria-pressed={state === 'kept'}
                    onPointerDown={(e) => e.stopPropagation()}
                    onClick={(e) => {
                      e.stopPropagation();
                      toggleKeep(item.id, r.id);
                    }}
                    data-testid="blur-region-keep"
                  >
                    <IconEye size={13} />
                  </button>
                )}
              </span>
              {CORNERS.map((c) => (
                <span
                  key={c}
                  className={cx(classes.handle, classes[c])}
                  onPointerDown={(e) =>
                    begin(e, { kind: 'resize', id: r.id, corner: c, start: toImage(e), orig: r.box })
                  }
                  data-testid={`blur-handle-${c}`}
                />
              ))}
            </div>
          </div>
        );
      })}
      {leaks.map((f, i) => (
        <div
          key={i}
          className={classes.leak}
          style={pctStyle(f.box, W, H)}
          title={t('blur.leakTitle', { score: formatScore(i18n.language, f.score) })}
          data-testid="blur-leak"
          data-score={f.score}
        >
          {/* Its own label, with the score the self-check found it at (0.21 can be a shoulder). */}
          <span className={cx(classes.tag, f.box[1] / H < 0.06 && classes.tagBelow)}>
            ⚠ {formatPercent(i18n.language, f.score)}
          </span>
        </div>
      ))}
      {draft && !draft.id && <div className={classes.draft} style={pctStyle(draft.box, W, H)} />}
    </div>
  );
}
