import { app, BrowserWindow, dialog, Menu, type IpcMainInvokeEvent } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './core/core';
import { locateDataDir, type DataDirLocation } from './core/store/data-dir';
import { toErrorShape } from '../shared/errors';
import { registerIpc, registerShellIpc } from './ipc';
import { handleMediaProtocol, mediaUrl, registerMediaScheme } from './media-protocol';
import { createMainWindow, isOwnRendererUrl, rendererIndex, type RendererLocation } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const dataFlag = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length);
// A data folder chosen in Settings that is gone (an unplugged drive) is reported once ready.
let location: DataDirLocation | null = null;
let locateError: unknown = null;
try {
  location = locateDataDir(dataFlag);
  // Chromium's profile (caches, local storage, the single-instance lock) lives outside the data
  // folder, so moving, backing up or restoring the data never touches files Chromium holds open.
  app.setPath('userData', join(app.getPath('appData'), 'Vigil Shell'));
} catch (err) {
  locateError = err;
}
registerMediaScheme();

const loc: RendererLocation = {
  devUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
  indexHtml: rendererIndex(here),
};
let core: Core | null = null;
const openCore = ({ dir: dataDir, ...origin }: DataDirLocation) =>
  createCore({ dataDir, mediaUrl, location: origin });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(async () => {
    // The window opens at once and its calls wait for the core: opening can take minutes (after
    // a descriptor model change every enrolled face is described again; reembed.ts).
    const opening = location ? openCore(location) : Promise.reject(locateError);
    const trusted = (event: IpcMainInvokeEvent) => isOwnRendererUrl(loc, event.senderFrame?.url ?? '');
    registerIpc(opening, trusted);
    registerShellIpc(opening, trusted);
    // Media URLs come only from the core's answers, so none is asked for before it is open.
    handleMediaProtocol(() => {
      if (!core) throw new Error('the data folder is not open yet');
      return core.store.media;
    });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate([
        { role: 'fileMenu' },
        { role: 'editMenu' },
        { role: 'viewMenu' },
        { role: 'windowMenu' },
      ]),
    );
    createMainWindow(loc, join(here, '..', 'preload', 'index.cjs'));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0)
        createMainWindow(loc, join(here, '..', 'preload', 'index.cjs'));
    });
    try {
      core = await opening;
    } catch (err) {
      // A corrupt store is the user's evidence: say so and stop, never reset it.
      const shape = toErrorShape(err);
      dialog.showErrorBox('Vigil cannot open its data', `${shape.message}\n\n${location?.dir ?? ''}`);
      app.exit(1);
    }
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    void core?.close();
  });
}
