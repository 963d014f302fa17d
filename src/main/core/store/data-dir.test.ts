import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('prefers an explicit directory, then VIGIL_DATA_DIR', () => {
    expect(resolveDataDir('rel/dir', { VIGIL_DATA_DIR: '/env' })).toBe(resolve('rel/dir'));
    expect(resolveDataDir(undefined, { VIGIL_DATA_DIR: '/env/vigil' })).toBe(resolve('/env/vigil'));
  });

  it.runIf(process.platform === 'linux')('falls back to the XDG config folder Electron uses', () => {
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(join('/xdg', 'Vigil'));
    expect(resolveDataDir(undefined, {})).toBe(join(homedir(), '.config', 'Vigil'));
  });
});
