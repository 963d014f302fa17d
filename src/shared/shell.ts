/**
 * Desktop-only actions that are not contract channels because only the Electron shell can do
 * them (the core never imports electron): the preload exposes each as one bridge function.
 */
export const SHELL_OPEN_DATA_DIR = 'vigil-shell:open-data-dir';
