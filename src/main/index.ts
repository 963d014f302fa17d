import { app, BrowserWindow, dialog, Menu } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './core/core';
import { resolveDataDir } from './core/store/data-dir';
import { toErrorShape } from '../shared/errors';
import { registerIpc } from './ipc';
import { handleMediaProtocol, mediaUrl, registerMediaScheme } from './media-protocol';
import { createMainWindow, isOwnRendererUrl, rendererIndex, type RendererLocation } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const dataFlag = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length);
const dataDir = resolveDataDir(dataFlag);
app.setPath('userData', dataDir);
registerMediaScheme();

const loc: RendererLocation = {
  devUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
  indexHtml: rendererIndex(here),
};
let core: Core | null = null;

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
    try {
      core = await createCore({ dataDir, mediaUrl });
    } catch (err) {
      // A corrupt store is the user's evidence: say so and stop, never reset it.
      const shape = toErrorShape(err);
      dialog.showErrorBox('Vigil cannot open its data', `${shape.message}\n\n${dataDir}`);
      app.exit(1);
      return;
    }
    handleMediaProtocol(core.store.media);
    registerIpc(core, (event) => isOwnRendererUrl(loc, event.senderFrame?.url ?? ''));
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
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    void core?.close();
  });
}
