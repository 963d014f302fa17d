import { expect, type APIRequestContext, type Page } from '@playwright/test';
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
