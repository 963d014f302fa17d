import { useEffect, useState } from 'react';

type Measured = { url: string; width: number; height: number } | { url: string; failed: true };

/**
 * A local photo's size as the browser shows it (EXIF orientation applied, as the core applies
 * it), to show the file before the core has returned its own preview; `failed` when this window
 * cannot show the format (TIFF, HEIC).
 */
export function useImageSize(url: string | null): {
  size: { width: number; height: number } | null;
  failed: boolean;
} {
  const [measured, setMeasured] = useState<Measured | null>(null);
  useEffect(() => {
    if (!url) return;
    let live = true;
    const img = new Image();
    img.onload = () => {
      if (live) setMeasured({ url, width: img.naturalWidth, height: img.naturalHeight });
    };
    img.onerror = () => {
      if (live) setMeasured({ url, failed: true });
    };
    img.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  // A measure of the previous photo is not this one's.
  const current = measured && measured.url === url ? measured : null;
  return {
    size: current && !('failed' in current) ? { width: current.width, height: current.height } : null,
    failed: Boolean(current && 'failed' in current),
  };
}
