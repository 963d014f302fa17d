import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import type { MediaStore } from './core/store/media';

export const MEDIA_SCHEME = 'vigil-media';

/** Must run before app 'ready'. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

export const mediaUrl = (key: string) => `${MEDIA_SCHEME}://media/${key}`;

/**
 * Serves media keys only; MediaStore.pathOf refuses anything outside the media folder. The store
 * is looked up per request: it changes when the data folder moves or a backup is restored.
 */
export function handleMediaProtocol(media: () => MediaStore): void {
  protocol.handle(MEDIA_SCHEME, async (req) => {
    try {
      const url = new URL(req.url);
      if (url.host !== 'media') return new Response('Not found', { status: 404 });
      const file = await media().servedPathOf(decodeURIComponent(url.pathname.slice(1)));
      const res = await net.fetch(pathToFileURL(file).href);
      // Faces and photos the user can delete: no copy of them stays in Chromium's cache.
      const headers = new Headers(res.headers);
      headers.set('cache-control', 'no-store');
      return new Response(res.body, { status: res.status, headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
