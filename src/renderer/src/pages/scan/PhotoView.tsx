import type { CSSProperties, ReactNode } from 'react';
import type { Box } from '../../../../shared/schemas';
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
  /** Shown after the label and never shortened (a score). */
  suffix?: string;
  /** Tooltip and accessible name. */
  title: string;
  tone: BoxTone;
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

/** Face boxes over the preview. Boxes are in original pixels; percentages make them scale with it. */
function FaceBoxes({
  image,
  boxes,
  onBoxClick,
  boxTestId,
}: {
  image: PhotoImage;
  boxes: readonly BoxSpec[];
  onBoxClick?: (key: string) => void;
  boxTestId: string;
}) {
  return boxes.map((spec) => {
    const [x, y, w, h] = spec.box;
    const style: CSSProperties = {
      left: pct(x, image.width),
      top: pct(y, image.height),
      width: pct(w, image.width),
      height: pct(h, image.height),
    };
    const labelInside = y / image.height < 0.06;
    // A box near the right edge hangs its label leftwards, so the label stays on the photo.
    const labelEnd = (x + w / 2) / image.width > 0.6;
    const className = cx(classes.box, TONE_CLASS[spec.tone], onBoxClick && classes.boxButton);
    const label = spec.label ? (
      <span className={cx(classes.label, labelInside && classes.labelInside, labelEnd && classes.labelEnd)}>
        <span className={classes.labelText}>{spec.label}</span>
        {spec.suffix && <span className={classes.labelSuffix}>{spec.suffix}</span>}
      </span>
    ) : null;
    if (onBoxClick) {
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
        </button>
      );
    }
    return (
      <div
        key={spec.key}
        className={className}
        style={style}
        title={spec.title}
        data-testid={boxTestId}
        {...spec.data}
      >
        {label}
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
  return (
    <div className={cx(classes.frame, large && classes.large)} style={{ aspectRatio: `${frame}`, ...style }}>
      <div
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
        <FaceBoxes image={image} boxes={boxes} onBoxClick={onBoxClick} boxTestId={boxTestId} />
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
