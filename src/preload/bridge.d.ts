import type { IpcResult } from '../shared/client';

/** What the preload exposes as `window.vigil` (desktop shell only). */
export interface VigilBridge {
  invoke(channel: string, input: unknown): Promise<IpcResult>;
  /** Absolute path of a dropped file; '' when the file has none (e.g. made in memory). */
  pathForFile(file: File): string;
  platform: string;
  /** Opens the data folder in the file manager: '' on success, else why not. */
  openDataDir?(): Promise<string>;
}

declare global {
  interface Window {
    vigil?: VigilBridge;
  }
}
