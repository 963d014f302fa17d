import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLeaveWarning } from '../../lib/use-leave-warning';

/** The Settings sections that edit a draft and save it with their own button. */
export type DraftSection = 'thresholds' | 'defaults' | 'retention';

interface Drafts {
  drafts: Partial<Record<DraftSection, unknown>>;
  unsaved: Partial<Record<DraftSection, boolean>>;
  setDraft: (section: DraftSection, draft: unknown) => void;
  setUnsaved: (section: DraftSection, unsaved: boolean) => void;
}

const DraftsContext = createContext<Drafts | null>(null);

/**
 * Holds the Settings sections' unsaved edits above the pages, so that a page switch and back
 * finds them as left (the sections unmount with their page), and says when any is unsaved.
 */
export function SettingsDraftsProvider({ children }: { children: ReactNode }) {
  const [drafts, setDrafts] = useState<Drafts['drafts']>({});
  const [unsaved, setUnsavedMap] = useState<Drafts['unsaved']>({});
  const setDraft = useCallback(
    (section: DraftSection, draft: unknown) => setDrafts((all) => ({ ...all, [section]: draft })),
    [],
  );
  const setUnsaved = useCallback(
    (section: DraftSection, value: boolean) =>
      setUnsavedMap((all) => (!!all[section] === value ? all : { ...all, [section]: value })),
    [],
  );
  const any = Object.values(unsaved).some(Boolean);
  useLeaveWarning(any);
  const value = useMemo(
    () => ({ drafts, unsaved, setDraft, setUnsaved }),
    [drafts, unsaved, setDraft, setUnsaved],
  );
  return <DraftsContext.Provider value={value}>{children}</DraftsContext.Provider>;
}

function useDrafts(): Drafts {
  const drafts = useContext(DraftsContext);
  if (!drafts) throw new Error('useSettingsDraft outside SettingsDraftsProvider');
  return drafts;
}

/** A section's draft (null: showing the saved values), kept across page switches. */
export function useSettingsDraft<T>(section: DraftSection): [T | null, (draft: T | null) => void] {
  const { drafts, setDraft } = useDrafts();
  // Each section stores only its own type under its own key.
  const draft = (drafts[section] ?? null) as T | null;
  const set = useCallback((next: T | null) => setDraft(section, next), [section, setDraft]);
  return [draft, set];
}

/**
 * Records whether a section has unsaved changes. Not cleared when the section unmounts: its
 * draft outlives the page, and so does the mark on the navigation.
 */
export function useReportUnsaved(section: DraftSection, unsaved: boolean): void {
  const { setUnsaved } = useDrafts();
  useEffect(() => setUnsaved(section, unsaved), [section, unsaved, setUnsaved]);
}

/** Whether any Settings section holds unsaved changes. */
export function useUnsavedSettings(): boolean {
  return Object.values(useDrafts().unsaved).some(Boolean);
}
