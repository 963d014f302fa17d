import { afterEach, describe, expect, it, vi } from 'vitest';
import { VigilError } from '../../../shared/errors';
import type { IpcResult } from '../../../shared/client';
import type { VigilBridge } from '../../../preload/bridge';
import { createRendererClient, ipcTransport, takeToken, TOKEN_STORAGE_KEY } from './transport';

function fakeWindow(href: string, opts: { vigil?: VigilBridge; stored?: string; shared?: string } = {}) {
  const storage = new Map<string, string>(opts.stored ? [[TOKEN_STORAGE_KEY, opts.stored]] : []);
  const shared = new Map<string, string>(opts.shared ? [[TOKEN_STORAGE_KEY, opts.shared]] : []);
  const replaced: string[] = [];
  const store = (m: Map<string, string>) => ({
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
  });
  const win = {
    location: { href, origin: new URL(href).origin },
    vigil: opts.vigil,
    sessionStorage: store(storage),
    localStorage: store(shared),
    history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) },
  };
  return { win: win as unknown as Window, storage, shared, replaced };
}

function bridge(result: IpcResult): VigilBridge & { calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  return {
    calls,
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      return result;
    },
    pathForFile: () => '',
    platform: 'linux',
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('token handling', () => {
  it('takes ?token= from the address, keeps it for the tab and removes it from the address bar', () => {
    const { win, storage, shared, replaced } = fakeWindow('http://127.0.0.1:7000/?token=abc&x=1#top');
    expect(takeToken(win)).toBe('abc');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(shared.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(replaced).toEqual(['/?x=1#top']);
  });

  it('falls back to the token stored for this tab', () => {
    const { win, replaced } = fakeWindow('http://127.0.0.1:7000/', { stored: 'kept' });
    expect(takeToken(win)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it("a second tab on the bare address takes the token this origin's storage keeps", () => {
    const { win } = fakeWindow('http://127.0.0.1:7000/', { shared: 'from-first-tab' });
    expect(takeToken(win)).toBe('from-first-tab');
  });
});

describe('transport choice', () => {
  it('uses IPC when the preload bridge exists and unwraps results', async () => {
    const b = bridge({ ok: true, value: { status: 'ok', version: '1.2.3' } });
    const { win } = fakeWindow('file:///app/index.html', { vigil: b });
    const { client, shell } = createRendererClient(win);
    expect(shell).toBe('desktop');
    await expect(client.invoke('app.health', {})).resolves.toEqual({ status: 'ok', version: '1.2.3' });
    expect(b.calls).toEqual([['app.health', {}]]);
  });

  it('turns an IPC error value into a VigilError with its code', async () => {
    const b = bridge({ ok: false, error: { code: 'NOT_AN_IMAGE', message: 'nope' } });
    const { win } = fakeWindow('file:///app/index.html', { vigil: b });
    const err = await createRendererClient(win)
      .client.invoke('image.inspect', { source: { path: '/x.txt' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'NOT_AN_IMAGE', message: 'nope' });
  });

  it('ipcTransport rethrows the error shape as is', async () => {
    const t = ipcTransport(bridge({ ok: false, error: { code: 'INTERNAL', message: 'x' } }));
    await expect(t('app.health', {})).rejects.toEqual({ code: 'INTERNAL', message: 'x' });
  });

  it('uses HTTP with the bearer token in a browser', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
      Response.json({ status: 'ok', version: '0.1.0' }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const { win } = fakeWindow('http://127.0.0.1:7000/?token=secret');
    const { client, shell } = createRendererClient(win);
    expect(shell).toBe('browser');
    await client.invoke('app.health', {});
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('http://127.0.0.1:7000/api/call/app.health');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer secret');
  });
});
