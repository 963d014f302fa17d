/**
 * File name extensions of the photos a folder walk takes (the CLI's and the pages'): what sharp
 * decodes here as a photo. A file named on its own is always tried, whatever its extension.
 */
export const IMAGE_EXTENSIONS = [
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'png',
  'webp',
  'gif',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
  'bmp',
] as const;
