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
