import {
  createTheme,
  localStorageColorSchemeManager,
  Modal,
  Slider,
  type CSSVariablesResolver,
} from '@mantine/core';

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
    // Mark labels ("×2", "default") in Mantine's gray-6 measured 3.3-3.5:1.
    Slider: Slider.extend({ styles: { markLabel: { color: 'var(--mantine-color-dimmed)' } } }),
  },
});

/** Light or dark is remembered per machine; until the user picks one, the system setting applies. */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'vigil.color-scheme' });

/** Secondary ("dimmed") text at 4.5:1 or more on the app's backgrounds; Mantine's gives 3.2-3.5. */
/**
 * Shade 9 of the bright colours darkened to a luminance of 0.12: white text on them is 6:1, and
 * they are 5:1 or more on their own 10 % tint. Mantine's shades measured below 4.5:1 here:
 * white on filled teal 3.9 (dark theme) and yellow 3.0; light-variant teal text on a tinted
 * table row 4.2 (light theme). Used for filled backgrounds, and for light-variant text in the
 * light theme (the dark theme's light-variant text is a pale shade on a dark tint, and passes).
 */
const DARK_ENOUGH: Record<string, string> = {
  teal: '#076e4f',
  orange: '#ab390c',
  yellow: '#954d00',
  green: '#226e32',
  cyan: '#0a6a7c',
  lime: '#436c09',
  red: '#b92727',
};

const colourVars = (suffix: string) =>
  Object.fromEntries(
    Object.entries(DARK_ENOUGH).map(([name, hex]) => [`--mantine-color-${name}-${suffix}`, hex]),
  );

/** Secondary ("dimmed") text at 4.5:1 or more on the app's backgrounds; Mantine's gives 3.2-3.5. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5c636a', ...colourVars('filled'), ...colourVars('light-color') },
  dark: { '--mantine-color-dimmed': '#a3a3a3', ...colourVars('filled') },
});
