import { createTheme, localStorageColorSchemeManager, Modal } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'sm',
  cursorType: 'pointer',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif',
  fontFamilyMonospace:
    'ui-monospace, "SF Mono", "Cascadia Mono", "Segoe UI Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  headings: { fontWeight: '650' },
  components: {
    // Titles name subjects and files, which can be one long word: wrap it inside the dialog.
    Modal: Modal.extend({ styles: { title: { overflowWrap: 'anywhere', minWidth: 0 } } }),
  },
});

/** Light or dark is remembered per machine; until the user picks one, the system setting applies. */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'vigil.color-scheme' });
