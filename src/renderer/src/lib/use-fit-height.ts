import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The height that lets `inner` end `gap` px above the window's bottom where it sits when the page
 * is not scrolled (at least `min`), for a panel that should scroll itself rather than the page.
 * `panel` is the (possibly sticky) box holding `inner`: its parent gives the unstuck position.
 * Follows window resizes and anything above that changes size (a notice, a wrapping header).
 */
export function useFitHeight(
  inner: RefObject<HTMLElement | null>,
  panel: RefObject<HTMLElement | null>,
  gap: number,
  min: number,
): number | undefined {
  const [height, setHeight] = useState<number>();
  useLayoutEffect(() => {
    const box = panel.current;
    const el = inner.current;
    const anchor = box?.parentElement;
    if (!box || !el || !anchor) return;
    const measure = () => {
      const offset = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
      const top = anchor.getBoundingClientRect().top + window.scrollY + offset;
      setHeight(Math.max(min, Math.floor(window.innerHeight - top - gap)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    for (let a: HTMLElement | null = anchor; a && a !== document.body; a = a.parentElement)
      observer.observe(a);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [inner, panel, gap, min]);
  return height;
}
