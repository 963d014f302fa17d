/** macOS shows ⌘ for the "mod" key that Mantine's hotkeys map to Cmd there and Ctrl elsewhere. */
export function isMac(): boolean {
  const platform = window.vigil?.platform ?? navigator.platform;
  return /^(darwin|mac)/i.test(platform);
}

/** Human-readable shortcut, e.g. `Ctrl+O` or `⌘O`. */
export function shortcutLabel(key: string): string {
  return isMac() ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}
