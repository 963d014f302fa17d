import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { E2E_TOKEN } from '../env';

/** A contract call through the local API, as a script would make it; fails the test if refused. */
export async function call<T>(request: APIRequestContext, channel: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/call/${channel}`, {
    data: input,
    headers: { authorization: `Bearer ${E2E_TOKEN}` },
  });
  expect(res.ok(), `${channel}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** Opens the app with the token in the URL, as the address `vigil serve` prints. */
export const open = (page: Page) => page.goto(`/?token=${E2E_TOKEN}`);

/**
 * Watches the page's calls on `channel` and returns how many were in flight at once at most so
 * far (the pages send one photo per engine worker at a time).
 */
export function mostInFlight(page: Page, channel: string): () => number {
  const mine = (url: string) => new URL(url).pathname === `/api/call/${channel}`;
  let now = 0;
  let most = 0;
  page.on('request', (req) => {
    if (mine(req.url())) most = Math.max(most, ++now);
  });
  const done = (req: { url(): string }) => {
    if (mine(req.url())) now--;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => most;
}

/**
 * WCAG's contrast ratio of an element's text colour against what is behind it: its own
 * background, or its ancestors' where that is transparent, tints composited in turn.
 */
export function contrastRatio(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const rgba = (c: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (c.match(/[\d.]+/g) ?? []).map(Number);
      return { r, g, b, a };
    };
    // The colour behind `e`: its background over what is behind its parent (white at the top).
    const behind = (e: Element | null): { r: number; g: number; b: number } => {
      if (!e) return { r: 255, g: 255, b: 255 };
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.a === 1) return c;
      const p = behind(e.parentElement);
      return {
        r: c.r * c.a + p.r * (1 - c.a),
        g: c.g * c.a + p.g * (1 - c.a),
        b: c.b * c.a + p.b * (1 - c.a),
      };
    };
    const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const [hi = 0, lo = 0] = [lum(rgba(getComputedStyle(node).color)), lum(behind(node))].sort(
      (x, y) => y - x,
    );
    return (hi + 0.05) / (lo + 0.05);
  });
}
