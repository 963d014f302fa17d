import { createClient, type Transport, type VigilClient } from '../../../shared/client';
import { httpTransport } from '../../../shared/http-transport';
import type { VigilBridge } from '../../../preload/bridge';

/** Which shell the renderer runs in: the Electron window (IPC) or a browser tab (local HTTP server). */
export type Shell = 'desktop' | 'browser';

export const TOKEN_STORAGE_KEY = 'vigil.token';

/** The contract over the preload bridge; the bridge returns errors as values, so rethrow them here. */
export function ipcTransport(bridge: VigilBridge): Transport {
  return async (channel, input) => {
    const result = await bridge.invoke(channel, input);
    if (result.ok) return result.value;
    throw result.error;
  };
}

/**
 * The server prints a link with `?token=…`. Keep the token for this tab only (sessionStorage) and
 * take it out of the address bar so it does not end up in history, bookmarks or screenshots.
 */
export function takeToken(win: Window): string {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Without storage the token still works until the tab is reloaded.
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export interface RendererClient {
  client: VigilClient;
  shell: Shell;
}

/** Desktop preload present: IPC. Otherwise the page was served by `vigil serve`: HTTP with its token. */
export function createRendererClient(win: Window = window): RendererClient {
  const bridge = win.vigil;
  if (bridge) return { client: createClient(ipcTransport(bridge)), shell: 'desktop' };
  const token = takeToken(win);
  return {
    client: createClient(
      httpTransport({ baseUrl: win.location.origin, token, fetch: token ? undefined : withoutEmptyBearer }),
    ),
    shell: 'browser',
  };
}

/**
 * With no token in this tab (a second tab opened on the bare address), send no `Authorization`
 * header at all, so the server can fall back to the session cookie it set on the page load.
 */
const withoutEmptyBearer: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.delete('authorization');
  return fetch(input, { ...init, headers });
};
