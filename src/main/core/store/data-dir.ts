import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { replaceFileDurably } from './files';
import { jsonOrNull } from '../../../shared/json';

/** Where the data dir in use came from; only `config` and `default` follow a move on next start. */
export type DataDirSource = 'flag' | 'env' | 'config' | 'default';

export interface DataDirLocation {
  dir: string;
  source: DataDirSource;
  /** The file that records a data dir chosen in Settings (it may not exist yet). */
  configFile: string;
}

/** The OS folder for per-user settings (the parent of Electron's userData). */
export function osConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  if (process.platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME ?? join(home, '.config');
}

/**
 * The small config file that remembers a data dir moved in Settings. It sits beside the default
 * data dir, not inside it, so it survives the old folder being removed; a file rather than a
 * `vigil/` folder because on macOS and Windows that name is the same folder as `Vigil/`.
 */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_CONFIG_FILE ? resolve(env.VIGIL_CONFIG_FILE) : join(osConfigDir(env), 'vigil.json');
}

const configSchema = z.object({ version: z.literal(1), dataDir: z.string().min(1) });

function readConfiguredDir(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = configSchema.safeParse(jsonOrNull(text));
  if (!parsed.success || !isAbsolute(parsed.data.dataDir)) {
    throw new VigilError(
      'BAD_INPUT',
      `${file} is not a valid Vigil config (expected {"version":1,"dataDir":"/absolute/path"}); fix or delete it`,
    );
  }
  return parsed.data.dataDir;
}

/**
 * Where the user's data lives and why: an explicit directory (`--data`), else VIGIL_DATA_DIR,
 * else the folder chosen in Settings (config file), else the same folder Electron's userData uses
 * for "Vigil", so the CLI, the server and the desktop app share it. A chosen folder that is gone
 * (an unplugged drive) is an error, never silently replaced by a fresh empty store.
 */
export function locateDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): DataDirLocation {
  const configFile = configFilePath(env);
  if (explicit) return { dir: resolve(explicit), source: 'flag', configFile };
  if (env.VIGIL_DATA_DIR) return { dir: resolve(env.VIGIL_DATA_DIR), source: 'env', configFile };
  const chosen = readConfiguredDir(configFile);
  if (chosen) {
    if (!existsSync(chosen)) {
      throw new VigilError(
        'FILE_NOT_FOUND',
        `The data directory ${chosen} (chosen in Settings, recorded in ${configFile}) is not there. ` +
          'Connect the drive it is on, pass --data DIR, or delete that file to use the default folder.',
        { dir: chosen, configFile },
      );
    }
    return { dir: chosen, source: 'config', configFile };
  }
  return { dir: join(osConfigDir(env), 'Vigil'), source: 'default', configFile };
}

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return locateDataDir(explicit, env).dir;
}

/** Records the data dir for the next start (atomic and durable). */
export async function saveDataDirChoice(configFile: string, dataDir: string): Promise<void> {
  await mkdir(dirname(configFile), { recursive: true });
  await replaceFileDurably(configFile, JSON.stringify({ version: 1, dataDir }, null, 2) + '\n');
}
