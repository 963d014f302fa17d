import { z } from 'zod';
import {
  blurFormatSchema,
  blurMinFaceSchema,
  blurQualitySchema,
  blurScaleSchema,
  blurShapeSchema,
  blurStyleSchema,
  blurThreshSchema,
  DEFAULT_BLUR,
} from './blur-schemas';

/**
 * The detector score a face needs to count (blur hides faces at or above it), and the smallest
 * face blur looks for (absent in settings saved before it existed: the built-in value).
 */
export const detectionSettingsSchema = z.object({
  minScore: blurThreshSchema,
  minFace: blurMinFaceSchema.optional(),
});
export type DetectionSettings = z.infer<typeof detectionSettingsSchema>;

/** How blur hides faces when a job does not say (the CLI's flags, the Blur page's controls). */
export const blurSettingsSchema = z.object({
  style: blurStyleSchema,
  shape: blurShapeSchema,
  /** Region size relative to the face box. */
  scale: blurScaleSchema,
  format: blurFormatSchema,
  /** JPEG / WebP quality (PNG is lossless). */
  quality: blurQualitySchema,
});
export type BlurSettings = z.infer<typeof blurSettingsSchema>;

/** The built-in values, all from DEFAULT_BLUR (the one place they are written down). */
export const BUILT_IN_DETECTION = { minScore: DEFAULT_BLUR.thresh, minFace: DEFAULT_BLUR.minFace };
export const BUILT_IN_BLUR: BlurSettings = {
  style: DEFAULT_BLUR.style,
  shape: DEFAULT_BLUR.shape,
  scale: DEFAULT_BLUR.scale,
  format: DEFAULT_BLUR.format,
  quality: DEFAULT_BLUR.quality,
};
