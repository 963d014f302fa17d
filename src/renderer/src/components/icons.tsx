import type { SVGProps } from 'react';

/** Small stroke icons (24×24 grid, drawn in currentColor) so the app ships no icon font. */
type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };

function icon(paths: string[]) {
  return function Icon({ size = 18, ...props }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.75}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...props}
      >
        {paths.map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    );
  };
}

export const IconScan = icon([
  'M4 8V6a2 2 0 0 1 2-2h2',
  'M4 16v2a2 2 0 0 0 2 2h2',
  'M16 4h2a2 2 0 0 1 2 2v2',
  'M16 20h2a2 2 0 0 0 2-2v-2',
  'M9 10h.01',
  'M15 10h.01',
  'M9.5 15a3.5 3.5 0 0 0 5 0',
]);
export const IconWatchlist = icon([
  'M5 7a4 4 0 1 0 8 0a4 4 0 1 0-8 0',
  'M3 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2',
  'M16 3.13a4 4 0 0 1 0 7.75',
  'M21 21v-2a4 4 0 0 0-3-3.85',
]);
export const IconBlur = icon([
  'M10.585 10.587a2 2 0 0 0 2.829 2.828',
  'M16.681 16.673a8.717 8.717 0 0 1-4.681 1.327c-3.6 0-6.6-2-9-6c1.272-2.12 2.712-3.678 4.32-4.674',
  'M9.18 6.18a9.055 9.055 0 0 1 2.82-.18c3.6 0 6.6 2 9 6c-.666 1.11-1.379 2.067-2.138 2.87',
  'M3 3l18 18',
]);
export const IconClassify = icon([
  'M7.5 7.5h.01',
  'M3 6v5.172a2 2 0 0 0 .586 1.414l7.71 7.71a2.41 2.41 0 0 0 3.408 0l5.592-5.592a2.41 2.41 0 0 0 0-3.408l-7.71-7.71a2 2 0 0 0-1.414-.586h-5.172a3 3 0 0 0-3 3z',
]);
export const IconHistory = icon(['M12 8v4l2 2', 'M3.05 11a9 9 0 1 1 .5 4', 'M3 20v-5h5']);
export const IconDiagnostics = icon(['M3 12h4l3 8l4-16l3 8h4']);
export const IconSettings = icon([
  'M4 10a2 2 0 1 0 4 0a2 2 0 0 0-4 0',
  'M6 4v4',
  'M6 12v8',
  'M10 16a2 2 0 1 0 4 0a2 2 0 0 0-4 0',
  'M12 4v10',
  'M12 18v2',
  'M16 7a2 2 0 1 0 4 0a2 2 0 0 0-4 0',
  'M18 4v1',
  'M18 9v11',
]);
export const IconSun = icon([
  'M8 12a4 4 0 1 0 8 0a4 4 0 1 0-8 0',
  'M3 12h1',
  'M12 3v1',
  'M20 12h1',
  'M12 20v1',
  'M5.6 5.6l.7.7',
  'M18.4 5.6l-.7.7',
  'M17.7 17.7l.7.7',
  'M6.3 17.7l-.7.7',
]);
export const IconMoon = icon(['M12 3h.393a7.5 7.5 0 0 0 7.92 12.446a9 9 0 1 1-8.313-12.454z']);
export const IconUpload = icon(['M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2', 'M7 9l5-5l5 5', 'M12 4v12']);
export const IconFolder = icon([
  'M5 4h4l3 3h7a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-14a2 2 0 0 1-2-2v-11a2 2 0 0 1 2-2',
]);
export const IconPhoto = icon([
  'M15 8h.01',
  'M3 6a3 3 0 0 1 3-3h12a3 3 0 0 1 3 3v12a3 3 0 0 1-3 3h-12a3 3 0 0 1-3-3v-12z',
  'M3 16l5-5c.928-.893 2.072-.893 3 0l5 5',
  'M14 14l1-1c.928-.893 2.072-.893 3 0l3 3',
]);
export const IconRefresh = icon([
  'M20 11a8.1 8.1 0 0 0-15.5-2',
  'M4 5v4h4',
  'M4 13a8.1 8.1 0 0 0 15.5 2',
  'M20 19v-4h-4',
]);
export const IconAlert = icon(['M3 12a9 9 0 1 0 18 0a9 9 0 0 0-18 0', 'M12 8v4', 'M12 16h.01']);
export const IconTrash = icon([
  'M4 7h16',
  'M10 11v6',
  'M14 11v6',
  'M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12',
  'M9 7v-3a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v3',
]);
export const IconCalendar = icon([
  'M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-12a2 2 0 0 1-2-2z',
  'M16 3v4',
  'M8 3v4',
  'M4 11h16',
]);
export const IconX = icon(['M18 6l-12 12', 'M6 6l12 12']);
export const IconLanguage = icon([
  'M4 5h7',
  'M9 3v2c0 4.418-2.239 8-5 8',
  'M5 9c0 2.144 2.952 3.908 6.7 4',
  'M12 20l4-9l4 9',
  'M19.1 18h-6.2',
]);
export const IconCheck = icon(['M5 12l5 5l10-10']);
export const IconStar = icon([
  'M12 17.75l-6.172 3.245l1.179-6.873l-5-4.867l6.9-1l3.086-6.253l3.086 6.253l6.9 1l-5 4.867l1.179 6.873z',
]);
export const IconPlus = icon(['M12 5v14', 'M5 12h14']);
export const IconPencil = icon(['M4 20h4l10.5-10.5a2.828 2.828 0 1 0-4-4l-10.5 10.5v4', 'M13.5 6.5l4 4']);
export const IconSearch = icon(['M3 10a7 7 0 1 0 14 0a7 7 0 1 0-14 0', 'M21 21l-6-6']);
export const IconDownload = icon(['M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2', 'M7 11l5 5l5-5', 'M12 4v12']);
export const IconFileImport = icon([
  'M14 3v4a1 1 0 0 0 1 1h4',
  'M5 13v-8a2 2 0 0 1 2-2h7l5 5v11a2 2 0 0 1-2 2h-5.5m-9.5-2h7m-3-3l3 3l-3 3',
]);
export const IconArrowRight = icon(['M5 12h14', 'M13 18l6-6', 'M13 6l6 6']);
export const IconUser = icon([
  'M8 7a4 4 0 1 0 8 0a4 4 0 0 0-8 0',
  'M6 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2',
]);
export const IconRestore = icon(['M3.06 13a9 9 0 1 0 .49-4.087', 'M3 4.001v5h5']);
export const IconMinus = icon(['M5 12h14']);
export const IconEye = icon([
  'M10 12a2 2 0 1 0 4 0a2 2 0 0 0-4 0',
  'M21 12c-2.4 4-5.4 6-9 6c-3.6 0-6.6-2-9-6c2.4-4 5.4-6 9-6c3.6 0 6.6 2 9 6',
]);
export const IconArrowsLeftRight = icon(['M21 17H3', 'M6 10L3 7l3-3', 'M3 7h18', 'M18 20l3-3l-3-3']);
/** Two faces side by side: comparing one photo with another. */
export const IconCompare = icon([
  'M4 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
  'M16 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
  'M11 6h5a2 2 0 0 1 2 2v8',
  'M14 9l-3-3l3-3',
  'M13 18H8a2 2 0 0 1-2-2V8',
  'M10 15l3 3l-3 3',
]);
