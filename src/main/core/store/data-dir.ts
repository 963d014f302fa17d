import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the user's data lives: an explicit directory, else VIGIL_DATA_DIR, else the same folder
 * Electron's userData uses for "Vigil", so the CLI, the server and the desktop app share it.
 */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.VIGIL_DATA_DIR) return resolve(env.VIGIL_DATA_DIR);
  const home = homedir();
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Vigil');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Vigil');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Vigil');
}
