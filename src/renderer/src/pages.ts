import type { ComponentType } from 'react';
import type { SVGProps } from 'react';
import {
  IconBlur,
  IconClassify,
  IconDiagnostics,
  IconHistory,
  IconScan,
  IconSettings,
  IconWatchlist,
} from './components/icons';

export type PageId = 'scan' | 'watchlist' | 'blur' | 'classify' | 'history' | 'diagnostics' | 'settings';

export interface PageDef {
  id: PageId;
  icon: ComponentType<SVGProps<SVGSVGElement> & { size?: number }>;
  /** Built pages; the others are listed, disabled, so the layout does not move when they arrive. */
  available: boolean;
}

/** In navigation order; Ctrl/Cmd+1…7 follow this order. */
export const PAGES: readonly PageDef[] = [
  { id: 'scan', icon: IconScan, available: true },
  { id: 'watchlist', icon: IconWatchlist, available: true },
  { id: 'blur', icon: IconBlur, available: true },
  { id: 'classify', icon: IconClassify, available: true },
  { id: 'history', icon: IconHistory, available: true },
  { id: 'diagnostics', icon: IconDiagnostics, available: true },
  { id: 'settings', icon: IconSettings, available: true },
];
