import { ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES } from '../shared/contract';
import { IPC_PREFIX, type IpcResult } from '../shared/client';
import { toErrorShape } from '../shared/errors';
import { SHELL_OPEN_DATA_DIR } from '../shared/shell';
import type { Core } from './core/core';

/**
 * Registers every contract channel. Each call is checked for its sender (our own renderer
 * only), waits for the core to open, and is validated against the contract's schema by the
 * core's dispatcher.
 */
export function registerIpc(
  core: Promise<Core>,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(IPC_PREFIX + name, async (event, input: unknown): Promise<IpcResult> => {
      if (!isTrustedSender(event))
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Untrusted sender' } };
      try {
        return (await core).call(name, input);
      } catch (err) {
        return { ok: false, error: toErrorShape(err) };
      }
    });
  }
}

/**
 * Opens the data folder in the system file manager. The path is the core's, never one the
 * renderer sends. Resolves to '' or the reason it failed (shell.openPath's convention).
 */
export function registerShellIpc(
  core: Promise<Core>,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(SHELL_OPEN_DATA_DIR, async (event): Promise<string> => {
    if (!isTrustedSender(event)) return 'Untrusted sender';
    return shell.openPath((await core).store.dir);
  });
}
