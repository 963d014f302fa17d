import type { DropzoneProps } from '@mantine/dropzone';
import { IMAGE_EXTENSIONS } from '../../../shared/image-files';
import type { ImageSource } from '../../../shared/schemas';

/** A file the user gave us, and whether it was found by walking a folder (those are filtered). */
export interface PickedFile {
  file: File;
  /** Path shown to the user: the name, or `folder/sub/name` for files found inside a folder. */
  relativePath: string;
  fromFolder: boolean;
}

const IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/tiff',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/bmp',
]);

/** Value for the file dialog's `accept`: the system dialog then lists photos first. */
export const IMAGE_ACCEPT = [...IMAGE_TYPES, ...IMAGE_EXTENSIONS.map((e) => `.${e}`)].join(',');

/** The file name at the end of a path the core gives (POSIX or Windows separators). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isImageLike(file: Pick<File, 'name' | 'type'>): boolean {
  const ext = extensionOf(file.name);
  if (ext) return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
  return IMAGE_TYPES.has(file.type);
}

/**
 * Files found inside folders keep only images (and skip hidden files such as macOS `._x.jpg`);
 * files the user picked one by one are all sent, so a wrong file gets the core's clear error.
 */
export function selectForInspection(picked: readonly PickedFile[]): { keep: PickedFile[]; skipped: number } {
  const keep = picked.filter((p) => !p.fromFolder || (!p.file.name.startsWith('.') && isImageLike(p.file)));
  keep.sort((a, b) =>
    a.fromFolder && b.fromFolder
      ? a.relativePath.localeCompare(b.relativePath, undefined, { numeric: true, sensitivity: 'base' })
      : 0,
  );
  return { keep, skipped: picked.length - keep.length };
}

/**
 * Bytes to base64 in 24 KiB slices (a multiple of 3, so the encoded pieces concatenate into valid
 * base64): no giant argument list, no giant intermediate binary string.
 */
export function bytesToBase64Chunked(bytes: Uint8Array): string {
  const CHUNK = 3 * 8192;
  const parts: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(offset, offset + CHUNK))));
  }
  return parts.join('');
}

/** Uses the engine's native `Uint8Array.prototype.toBase64` where it exists (Chromium 140+). */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  return typeof native === 'function' ? native.call(bytes) : bytesToBase64Chunked(bytes);
}

/** Desktop: the file's path when the shell can give it. Otherwise (browser, in-memory file): its bytes. */
export async function toImageSource(file: File): Promise<ImageSource> {
  const path = window.vigil?.pathForFile(file) ?? '';
  if (path) return { path };
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name || 'image', bytes: bytesToBase64(bytes) };
}

// ---------------------------------------------------------------------------------------------
// Reading what was dropped or chosen
// ---------------------------------------------------------------------------------------------

/** Where each File came from; kept beside the File instead of mutating it. */
const origins = new WeakMap<File, { relativePath: string; fromFolder: boolean }>();

export function toPicked(file: File): PickedFile {
  const origin = origins.get(file);
  const rel = file.webkitRelativePath;
  if (origin) return { file, ...origin };
  if (rel) return { file, relativePath: rel, fromFolder: true };
  return { file, relativePath: file.name, fromFolder: false };
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

async function walkDirectory(dir: FileSystemDirectoryEntry, out: File[]): Promise<void> {
  const reader = dir.createReader();
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await readBatch(reader);
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (isDirectory(entry)) {
        await walkDirectory(entry, out);
      } else if (isFile(entry)) {
        try {
          const file = await entryFile(entry);
          origins.set(file, { relativePath: entry.fullPath.replace(/^\/+/, ''), fromFolder: true });
          out.push(file);
        } catch {
          // Unreadable entry (permissions, vanished): skip it; the rest of the folder still counts.
        }
      }
    }
  }
}

/**
 * Files from a drop, walking dropped folders. Top-level files come from `getAsFile()`, which keeps
 * the original File that Electron's `webUtils.getPathForFile` recognises (a File re-read through
 * a FileSystemHandle loses its path). Entries must be taken synchronously, before any await:
 * the DataTransfer is emptied once the drop event returns.
 */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<File[]> {
  const roots: Array<{ file: File | null; entry: FileSystemEntry | null }> = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    roots.push({ entry: item.webkitGetAsEntry(), file: item.getAsFile() });
  }
  if (roots.length === 0) return Array.from(dt.files);
  const out: File[] = [];
  for (const { file, entry } of roots) {
    if (entry && isDirectory(entry)) {
      await walkDirectory(entry, out);
    } else if (file) {
      out.push(file);
    }
  }
  return out;
}

type DropEvent = Parameters<NonNullable<DropzoneProps['getFilesFromEvent']>>[0];

function hasDataTransfer(event: object): event is { dataTransfer: DataTransfer | null; type: string } {
  return 'dataTransfer' in event;
}

/** `getFilesFromEvent` for the Mantine Dropzone: folders are walked, chosen files kept as they are. */
export async function getFilesFromEvent(event: DropEvent): Promise<Array<File | DataTransferItem>> {
  if (Array.isArray(event)) {
    // File System Access handles (not used: useFsAccessApi is off) - read them anyway.
    return Promise.all(event.map((handle) => handle.getFile()));
  }
  if (hasDataTransfer(event)) {
    const dt = event.dataTransfer;
    if (!dt) return [];
    // While dragging only the item kinds are visible; the files themselves arrive on drop.
    if (event.type !== 'drop') return Array.from(dt.items).filter((item) => item.kind === 'file');
    return filesFromDataTransfer(dt);
  }
  const target = event.target;
  if (target instanceof HTMLInputElement && target.files) return Array.from(target.files);
  return [];
}
