/** macOS shows ⌘ for the "mod" key that Mantine's hotkeys map to Cmd there and Ctrl elsewhere. */
export function isMac(): boolean {
  const platform = window.vigil?.platform ?? navigator.platform;
  return /^(darwin|mac)/i.test(platform);
}

/** The desktop shell can open the data folder in the file manager; a browser tab cannot. */
export function canOpenDataDir(): boolean {
  return typeof window.vigil?.openDataDir === 'function';
}

/** Opens the data folder (desktop only): '' on success, else the reason it failed. */
export async function openDataDir(): Promise<string> {
  const open = window.vigil?.openDataDir;
  return open ? open() : 'Not available in a browser';
}

/** Human-readable shortcut, e.g. `Ctrl+O` or `⌘O`. */
export function shortcutLabel(key: string): string {
  return isMac() ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}
