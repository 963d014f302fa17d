import { createTheme, localStorageColorSchemeManager, Modal, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shades dark enough for white text on filled buttons and badges, and for the light variant's
  // text on its tint, to reach WCAG AA (4.5:1) for red, indigo and gray (a QA probe measured
  // 2.8-3.8 with 7 and 5).
  primaryShade: { light: 9, dark: 8 },
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

/** Secondary ("dimmed") text at 4.5:1 or more on the app's backgrounds; Mantine's gives 3.2-3.5. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5c636a' },
  dark: { '--mantine-color-dimmed': '#a3a3a3' },
});
