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
 * The server prints a link with `?token=…`. Keep the token in this origin's storage (which, unlike
 * a cookie, no other port of 127.0.0.1 can read), so that another tab opened on the bare address
 * works too, and take it out of the address bar so it does not end up in history, bookmarks or
 * screenshots. The API takes it only as a bearer header.
 */
export function takeToken(win: Window): string {
  // Getters: reading either property throws where the browser blocks storage.
  const storages = [() => win.sessionStorage, () => win.localStorage];
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    for (const storage of storages) {
      try {
        storage().setItem(TOKEN_STORAGE_KEY, fromUrl);
      } catch {
        // Without storage the token still works until the tab is reloaded.
      }
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  for (const storage of storages) {
    try {
      const kept = storage().getItem(TOKEN_STORAGE_KEY);
      if (kept) return kept;
    } catch {
      // Storage blocked: try the next, else no token.
    }
  }
  return '';
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
    client: createClient(httpTransport({ baseUrl: win.location.origin, token })),
    shell: 'browser',
  };
}
