import {
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
  type RefObject,
} from 'react';
import type { Box } from '../../../../shared/schemas';
import { fitLabel, labelWidth, placeLabels } from '../../lib/label-layout';
import classes from './PhotoView.module.css';

/** Joins class names, skipping falsy ones. */
export function cx(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}

function pct(value: number, of: number): string {
  return `${(value / of) * 100}%`;
}

/** A photo as the core describes it: original size (boxes are in these pixels) and a preview. */
export interface PhotoImage {
  file: string;
  width: number;
  height: number;
  previewUrl: string;
  previewWidth: number;
  previewHeight: number;
}

/**
 * How a box is drawn: `detect` a found face (Find faces), `match` / `possible` / `none` the
 * verdict of an identified face, `choice` a face the user may pick, `selected` the picked one.
 */
export type BoxTone = 'detect' | 'match' | 'possible' | 'none' | 'choice' | 'selected';

export interface BoxSpec {
  key: string;
  box: Box;
  /** Short text on the box's tab ('' for none); shortened with an ellipsis when long. */
  label: string;
  /**
   * What the tab shows instead of `label` when too little of the rest would fit to say anything
   * (the face's number, for "2 · Alice"): see fitLabel.
   */
  shortLabel?: string;
  /** Shown after the label and never shortened (a score). */
  suffix?: string;
  /**
   * Always shown in the box's corner, whether or not its label found room: the number that
   * matches the box to a numbered list beside the photo.
   */
  badge?: string;
  /** Tooltip and accessible name. */
  title: string;
  tone: BoxTone;
  /** With `onBoxClick`: shown, but not a button to press (e.g. a face already enrolled). */
  disabled?: boolean;
  /** Extra data-* attributes (for tests and styling). */
  data?: Record<`data-${string}`, string | number>;
}

const TONE_CLASS: Record<BoxTone, string | undefined> = {
  detect: undefined,
  match: classes.toneMatch,
  possible: classes.tonePossible,
  none: classes.toneNone,
  choice: classes.toneChoice,
  selected: classes.toneSelected,
};

/** Label font per size (match PhotoView.module.css: `.label`, `.large .label`). */
const LABEL_FONT = {
  normal: { size: 10, height: 15, padding: 4, maxChars: 18, suffixGap: 0.6 },
  large: { size: 12, height: 18, padding: 4, maxChars: 36, suffixGap: 0.6 },
};

/** Matches and the picked face get the first pick of label spots, then possible ones, then the rest. */
const TONE_PRIORITY: Record<BoxTone, number> = {
  match: 0,
  selected: 0,
  possible: 1,
  choice: 2,
  detect: 2,
  none: 2,
};

/** The element's layout size in CSS pixels (transforms ignored), or null before it is laid out. */
function useLayoutSize(ref: RefObject<HTMLElement | null>): { w: number; h: number } | null {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = (w: number, h: number) =>
      setSize((prev) => (prev && prev.w === w && prev.h === h ? prev : { w, h }));
    update(el.offsetWidth, el.offsetHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) update(entry.contentRect.width, entry.contentRect.height);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * Face boxes over the preview. Boxes are in original pixels; percentages make them scale with it.
 * Labels are laid out in displayed pixels (`size`) so that none covers another box or label; a
 * label with no free spot is left out (its text stays in the box's tooltip and accessible name).
 */
function FaceBoxes({
  image,
  boxes,
  size,
  large,
  onBoxClick,
  boxTestId,
}: {
  image: PhotoImage;
  boxes: readonly BoxSpec[];
  size: { w: number; h: number } | null;
  large: boolean;
  onBoxClick?: (key: string) => void;
  boxTestId: string;
}) {
  const font = large ? LABEL_FONT.large : LABEL_FONT.normal;
  const placements = useMemo(() => {
    if (!size || size.w <= 0 || size.h <= 0) return null;
    const sx = size.w / image.width;
    const sy = size.h / image.height;
    const spots = placeLabels(
      size,
      boxes.map((spec) => {
        const [x, y, w, h] = spec.box;
        return {
          box: { x: x * sx, y: y * sy, w: w * sx, h: h * sy },
          // A box without a label asks for no room but still keeps other labels off.
          ...(spec.label
            ? labelWidth(spec.label, spec.suffix, font, spec.shortLabel)
            : { width: 0, minWidth: 0 }),
          priority: TONE_PRIORITY[spec.tone],
        };
      }),
      { height: font.height },
    );
    return spots;
  }, [boxes, size, image.width, image.height, font]);

  return boxes.map((spec, index) => {
    const [x, y, w, h] = spec.box;
    const style: CSSProperties = {
      left: pct(x, image.width),
      top: pct(y, image.height),
      width: pct(w, image.width),
      height: pct(h, image.height),
    };
    const className = cx(classes.box, TONE_CLASS[spec.tone], onBoxClick && classes.boxButton);
    const spot = placements?.[index] ?? null;
    const sx = size ? size.w / image.width : 0;
    const sy = size ? size.h / image.height : 0;
    // The label is a child of the box, positioned from its padding edge (inside the border).
    const fitted =
      spec.label && spot ? fitLabel(spec.label, spec.suffix, font, spot.w, spec.shortLabel) : null;
    const label =
      fitted && spot ? (
        <span
          className={classes.label}
          style={{
            left: `calc(${spot.x - x * sx}px - var(--box-border))`,
            top: `calc(${spot.y - y * sy}px - var(--box-border))`,
            width: fitted.w,
            height: spot.h,
          }}
          data-label-side={spot.side}
        >
          <span className={classes.labelText}>{fitted.text}</span>
          {spec.suffix && <span className={classes.labelSuffix}>{spec.suffix}</span>}
        </span>
      ) : null;
    const badge = spec.badge ? (
      <span className={classes.badge} aria-hidden="true" data-testid="box-badge">
        {spec.badge}
      </span>
    ) : null;
    if (onBoxClick && !spec.disabled) {
      return (
        <button
          key={spec.key}
          type="button"
          className={className}
          style={style}
          title={spec.title}
          aria-label={spec.title}
          aria-pressed={spec.tone === 'selected'}
          onClick={() => onBoxClick(spec.key)}
          data-testid={boxTestId}
          {...spec.data}
        >
          {label}
          {badge}
        </button>
      );
    }
    return (
      <div
        key={spec.key}
        className={className}
        style={style}
        title={spec.title}
        role="img"
        aria-label={spec.title}
        data-testid={boxTestId}
        {...spec.data}
      >
        {label}
        {badge}
      </div>
    );
  });
}

/**
 * The photo fitted inside a frame of the given aspect ratio (letterboxed), with its face boxes.
 * `frameRatio` defaults to the photo's own ratio (no letterbox). With `onBoxClick` the boxes are
 * buttons (reachable with Tab) that report their key.
 */
export function PhotoView({
  image,
  boxes,
  frameRatio,
  large,
  style,
  onBoxClick,
  boxTestId = 'face-box',
}: {
  image: PhotoImage;
  boxes: readonly BoxSpec[];
  frameRatio?: number;
  large?: boolean;
  style?: CSSProperties;
  onBoxClick?: (key: string) => void;
  boxTestId?: string;
}) {
  const photoRatio = image.width / image.height;
  const frame = frameRatio ?? photoRatio;
  // Fraction of the frame the photo covers on each axis (contain fit).
  const wFrac = photoRatio >= frame ? 1 : photoRatio / frame;
  const hFrac = photoRatio >= frame ? frame / photoRatio : 1;
  const photoRef = useRef<HTMLDivElement>(null);
  const size = useLayoutSize(photoRef);
  return (
    <div className={cx(classes.frame, large && classes.large)} style={{ aspectRatio: `${frame}`, ...style }}>
      <div
        ref={photoRef}
        className={classes.photo}
        style={{
          left: `${((1 - wFrac) / 2) * 100}%`,
          top: `${((1 - hFrac) / 2) * 100}%`,
          width: `${wFrac * 100}%`,
          height: `${hFrac * 100}%`,
        }}
      >
        <img
          className={classes.image}
          src={image.previewUrl}
          width={image.previewWidth}
          height={image.previewHeight}
          alt={image.file}
          loading="lazy"
          decoding="async"
          draggable={false}
        />
        <FaceBoxes
          image={image}
          boxes={boxes}
          size={size}
          large={Boolean(large)}
          onBoxClick={onBoxClick}
          boxTestId={boxTestId}
        />
      </div>
    </div>
  );
}

/** An empty frame with centred content, for the pending and error states. */
export function PhotoFrame({
  ratio,
  error,
  children,
}: {
  ratio: number;
  error?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={cx(classes.frame, error && classes.frameError)} style={{ aspectRatio: `${ratio}` }}>
      <div className={classes.center}>{children}</div>
    </div>
  );
}

export { classes as photoViewClasses };
