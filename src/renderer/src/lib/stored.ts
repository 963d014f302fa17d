/**
 * UI choices kept in the browser's storage (a page's mode, its options, where the window was).
 * What is read back is checked against a schema: a value from an older version, a hand edit or
 * another app's key reads as the fallback instead of reaching the page.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { z } from 'zod';

/** Which storage: `local` outlives the window, `session` lasts as long as the window does. */
export type StorageArea = () => Pick<Storage, 'getItem' | 'setItem'>;
export const local: StorageArea = () => window.localStorage;
export const session: StorageArea = () => window.sessionStorage;

/**
 * The stored value if it passes `schema`, else `fallback`. Stored text that is not JSON is read as
 * the string itself (how Mantine's storage hooks read, and how earlier versions stored a mode).
 * Blocked storage (a privacy setting) reads as nothing stored.
 */
export function readStored<T>(area: StorageArea, key: string, schema: z.ZodType<T>, fallback: T): T {
  let raw: string | null;
  try {
    raw = area().getItem(key);
  } catch {
    return fallback;
  }
  if (raw === null) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/** Stores `value` as JSON; without storage (blocked or full) the choice lasts for this page's life. */
export function writeStored(area: StorageArea, key: string, value: unknown): void {
  try {
    area().setItem(key, JSON.stringify(value));
  } catch {
    // Nothing to do: the page keeps the value in its own state.
  }
}

/** State kept in storage under `key`: read once when the component mounts, written on each change. */
export function useStored<T>(
  area: StorageArea,
  key: string,
  schema: z.ZodType<T>,
  fallback: T,
): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState(() => readStored(area, key, schema, fallback));
  useEffect(() => writeStored(area, key, value), [area, key, value]);
  return [value, setValue];
}
