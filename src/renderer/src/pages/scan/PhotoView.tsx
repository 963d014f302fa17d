import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { InspectResult } from '../../../../shared/schemas';
import { formatPercent } from '../../format';
import classes from './PhotoView.module.css';

/** Joins class names, skipping falsy ones. */
function cx(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(' ');
}

function pct(value: number, of: number): string {
  return `${(value / of) * 100}%`;
}

/** Face boxes over the preview. Boxes are in original pixels; percentages make them scale with it. */
function FaceBoxes({ result, lang }: { result: InspectResult; lang: string }) {
  const { t } = useTranslation();
  return result.faces.map((face, index) => {
    const [x, y, w, h] = face.box;
    const score = formatPercent(lang, face.score);
    const style: CSSProperties = {
      left: pct(x, result.width),
      top: pct(y, result.height),
      width: pct(w, result.width),
      height: pct(h, result.height),
    };
    const labelInside = y / result.height < 0.06;
    return (
      <div
        key={face.descriptorId || index}
        className={classes.box}
        style={style}
        data-testid="face-box"
        data-score={face.score}
        title={t('scan.faceLabel', { index: index + 1, score })}
      >
        <span className={cx(classes.label, labelInside && classes.labelInside)}>{score}</span>
      </div>
    );
  });
}

/**
 * The photo fitted inside a frame of the given aspect ratio (letterboxed), with its face boxes.
 * `frameRatio` defaults to the photo's own ratio (no letterbox).
 */
export function PhotoView({
  result,
  frameRatio,
  large,
  style,
}: {
  result: InspectResult;
  frameRatio?: number;
  large?: boolean;
  style?: CSSProperties;
}) {
  const { i18n } = useTranslation();
  const photoRatio = result.width / result.height;
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
          src={result.previewUrl}
          width={result.previewWidth}
          height={result.previewHeight}
          alt={result.file}
          loading="lazy"
          decoding="async"
          draggable={false}
        />
        <FaceBoxes result={result} lang={i18n.language} />
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
