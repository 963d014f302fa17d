import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { CHANNEL_NAMES } from '../shared/contract';
import { IPC_PREFIX, type IpcResult } from '../shared/client';
import { SHELL_OPEN_DATA_DIR } from '../shared/shell';
import type { VigilBridge } from './bridge';

const allowed = new Set<string>(CHANNEL_NAMES);

// Only contract channels cross, through one function; the renderer never sees ipcRenderer.
const bridge: VigilBridge = {
  invoke: (channel, input): Promise<IpcResult> =>
    allowed.has(channel)
      ? ipcRenderer.invoke(IPC_PREFIX + channel, input)
      : Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel ${channel}` } }),
  pathForFile: (file) => webUtils.getPathForFile(file),
  platform: process.platform,
  openDataDir: () => ipcRenderer.invoke(SHELL_OPEN_DATA_DIR) as Promise<string>,
};

contextBridge.exposeInMainWorld('vigil', bridge);
