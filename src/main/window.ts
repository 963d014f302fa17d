import { BrowserWindow, shell, type WebContents } from 'electron';
import { join } from 'node:path';

export interface RendererLocation {
  /** Dev server URL (electron-vite dev) or undefined for the built file. */
  devUrl?: string;
  indexHtml: string;
}

/** True for URLs of our own renderer: the built index.html or the dev server. */
export function isOwnRendererUrl(loc: RendererLocation, url: string): boolean {
  if (loc.devUrl) return url.startsWith(loc.devUrl);
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && decodeURIComponent(u.pathname) === loc.indexHtml.replace(/\\/g, '/');
  } catch {
    return false;
  }
}

function lockDown(contents: WebContents, loc: RendererLocation): void {
  // No navigation away from the app, no new windows, no webviews, no permissions.
  contents.on('will-navigate', (event, url) => {
    if (!isOwnRendererUrl(loc, url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnRendererUrl(loc, url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
}

export function createMainWindow(loc: RendererLocation, preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Vigil',
    autoHideMenuBar: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  lockDown(win.webContents, loc);
  win.once('ready-to-show', () => win.show());
  if (loc.devUrl) void win.loadURL(loc.devUrl);
  else void win.loadFile(loc.indexHtml);
  return win;
}

export const rendererIndex = (outMainDir: string) => join(outMainDir, '..', 'renderer', 'index.html');
