import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { VigilError } from '../../../shared/errors';
import { join } from 'node:path';
import { z } from 'zod';
import { boxSchema } from '../../../shared/schemas';
import { modelChangeSchema, subjectFieldsSchema, poseSchema } from '../../../shared/watchlist-schemas';
import { thresholdsSchema } from '../../../shared/match-schemas';
import { storedBlurScaleSchema } from '../../../shared/blur-schemas';
import { blurSettingsSchema, detectionSettingsSchema } from '../../../shared/settings-schemas';
import { makeDirs, whereNotWritable, whyNotWritable } from './files';
import { HistoryLog } from './history-log';
import { EmbeddingFile, rowsPointedAt } from './embeddings';
import { openJsonDoc, readJsonDoc, type DocSpec, type JsonDoc } from './json-doc';
import { MediaStore, nameOfKey } from './media';
import type { SeenFaceLog } from './seen-faces';
import { openSeenFaces } from './seen-compact';
import { DEFAULT_CALIBRATION } from '../match/calibration';

/** Stored descriptors: unit faceres (1024) ++ unit aligned mobileface (256); see engine/runtime.ts. */
export const DESCRIPTOR_DIM = 1280;
/**
 * Which model makes the stored descriptors (the calibration's). Faces a data dir holds from
 * another model are described again from their kept photos when it opens (reembed.ts).
 */
export const DESCRIPTOR_MODEL = DEFAULT_CALIBRATION.modelId;
/** Earlier Vigil models: a watchlist file exported by one is described again on import, not refused. */
export const EARLIER_MODELS: readonly string[] = ['human/faceres+mobileface-aligned'];

export { seenFaceSchema, type SeenFace } from './seen-faces';

/** An enrolled face: its descriptor is row `row` of watchlist.vec. */
export const storedFaceSchema = z.object({
  id: z.string(),
  row: z.number().int().nonnegative(),
  sourceFile: z.string(),
  sourceSha256: z.string(),
  /** Original bytes of the source photo, kept so a model change can re-embed. */
  sourceKey: z.string(),
  previewKey: z.string(),
  cropKey: z.string(),
  box: boxSchema,
  detectorScore: z.number(),
  faceSize: z.number(),
  sharpness: z.number(),
  pose: poseSchema.nullable(),
  enrolledAt: z.string(),
});
export type StoredFace = z.infer<typeof storedFaceSchema>;

export const storedSubjectSchema = subjectFieldsSchema.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  faces: z.array(storedFaceSchema),
});
export type StoredSubject = z.infer<typeof storedSubjectSchema>;

export const watchlistDocSchema = z.object({
  version: z.literal(1),
  model: z.string(),
  subjects: z.array(storedSubjectSchema),
  /** Written with `model` when the stored faces were described again for it (reembed.ts). */
  modelChange: modelChangeSchema.optional(),
  /**
   * Ids of faces the user removed from a subject, so that importing a file again does not bring
   * them back. Absent from documents written before removals were recorded.
   */
  removedFaceIds: z.array(z.string()).default([]),
});

export const retentionSchema = z.object({
  /** Keep finished jobs this many days (null: forever). */
  days: z.number().int().min(1).max(36_500).nullable(),
  /** Keep at most this many finished jobs (null: no limit). */
  records: z.number().int().min(1).max(10_000_000).nullable(),
});

export const settingsDocSchema = z.object({
  version: z.literal(1),
  /** null: the calibrated defaults (docs/calibration.md). */
  thresholds: thresholdsSchema.nullable(),
  retention: retentionSchema.default({ days: null, records: null }),
  /** null: the built-in detection threshold (DEFAULT_BLUR.thresh). */
  detection: detectionSettingsSchema.nullable().default(null),
  /** null: the built-in blur defaults (DEFAULT_BLUR). */
  blur: blurSettingsSchema.extend({ scale: storedBlurScaleSchema }).nullable().default(null),
  /** Classify's default model (null: the built-in default). */
  classify: z.object({ defaultModel: z.string().nullable() }).optional(),
});

export interface Store {
  dir: string;
  /** Faces seen in scanned photos (searchable as `seen`); descriptors are rows of `vectors`. */
  faces: SeenFaceLog;
  vectors: EmbeddingFile;
  watchlist: JsonDoc<WatchlistDoc>;
  watchlistVectors: EmbeddingFile;
  settings: JsonDoc<z.output<typeof settingsDocSchema>>;
  history: HistoryLog;
  media: MediaStore;
  /** Runs read-modify-write steps that span the JSON and the vector file one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs changes to the watchlist's subjects and faces one at a time (enrolment's last step,
   * deletions, import), so two enrolments of one photo cannot both pass the duplicate check and
   * a face cannot be added to a subject being deleted. Taken before `exclusive`, never inside it.
   */
  watchlistChange<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One process at a time owns a data dir: the documents live in memory between writes, so a
 * second writer (the CLI beside the app) would silently overwrite the first one's changes.
 * The owner's pid sits beside the lock, so a lock left by a crashed process is taken over at
 * once instead of after the 15-second staleness window.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = join(dir, '.vigil.lock');
  const pidFile = join(dir, '.vigil.lock.pid');
  // proper-lockfile calls the lock compromised when its 5-second refresh fails or comes too late
  // (a stalled event loop, a lock dir deleted by hand); its default throws from a timer and kills
  // the process. Take the lock back instead, or say it is lost, and never release it twice.
  let held = true;
  const take = (): Promise<() => Promise<void>> =>
    lockfile.lock(dir, { lockfilePath: lockPath, stale: 15_000, update: 5_000, onCompromised });
  function onCompromised(err: Error): void {
    held = false;
    take().then(
      (again) => {
        release = again;
        held = true;
      },
      () => console.warn(`vigil: the lock on ${dir} was lost (${err.message}); another Vigil may use it now`),
    );
  }
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const owner = await ownerIn(pidFile);
    if (owner?.gone) {
      await rm(lockPath, { recursive: true, force: true });
      release = await take();
    } else {
      throw new VigilError('STORE_LOCKED', lockedMessage(dir, owner), {
        dir,
        ...(owner ? { pid: owner.pid, ...(owner.role && { role: owner.role }) } : {}),
      });
    }
  }
  await writeFile(pidFile, ownerMark());
  return async () => {
    await rm(pidFile, { force: true });
    if (held) await release();
  };
}

/** Who holds the data dir, and what the user can do about it. */
function lockedMessage(dir: string, owner: { pid: number; role: string | null } | null): string {
  const pid = owner ? ` (pid ${owner.pid})` : '';
  if (owner?.role === 'app')
    return `The Vigil app${pid} is using ${dir}: close it first, or choose another data folder`;
  if (owner?.role === 'server')
    return `A Vigil server${pid} is using ${dir}: stop it first, or send the request to its local API (docs/api.md)`;
  if (owner?.role === 'cli') return `Another vigil command${pid} is using ${dir}: wait for it to finish`;
  return `Another Vigil (the app, a server or a CLI command) is using ${dir}`;
}

/** What this process is, written beside its lock: a CLI command waits for another's, not for the app. */
let lockRole: 'cli' | 'server' | 'app' = 'app';
export function setLockRole(role: typeof lockRole): void {
  lockRole = role;
}

/**
 * `<pid> <host> <role>`: the process that owns a lock or a staging folder, as its owner file
 * says (files written before roles were recorded have none).
 */
export const ownerMark = () => `${process.pid} ${hostname()} ${lockRole}`;

/**
 * The process an owner file (written with ownerMark) names, or null when it names none; `gone`
 * when it was another process of this host and no longer runs (what it held may be taken over).
 */
export async function ownerIn(
  file: string,
): Promise<{ pid: number; gone: boolean; role: string | null } | null> {
  const [pidText, host, role] = (await readFile(file, 'utf8').catch(() => '')).trim().split(' ');
  const pid = Number(pidText);
  if (!(pid > 0)) return null;
  return { pid, gone: pid !== process.pid && host === hostname() && !isAlive(pid), role: role ?? null };
}

/** Whether process `pid` of this host still runs. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The data folder holds faces, photos and descriptors of real people: other accounts on the
 * machine may not enter it (a umask of 022 had made it and everything in it world-readable).
 */
async function restrictToOwner(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const info = await stat(dir);
  // A file system without POSIX modes (FAT on a USB drive) refuses chmod: it has no others to shut out.
  if ((info.mode & 0o077) !== 0 && info.uid === process.getuid?.())
    await chmod(dir, info.mode & 0o700).catch(() => undefined);
}

/** Errnos that say the data folder cannot be made or written, as opposed to a fault in Vigil. */
const UNUSABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'ENOENT', 'EEXIST']);

/** A path mistake, not a permission to fix: what opening or reading says of a data folder that is a file. */
const dataDirIsFile = (dir: string) =>
  new VigilError('BAD_INPUT', `The data folder ${dir} is a file, not a folder`, { dir });

/** A data folder that cannot be made or locked, in words naming it (a file, read-only, …). */
function unusableDataDir(dir: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof VigilError || !UNUSABLE.has(code)) return err;
  // makeDirs' EEXIST: the folder itself is a file. A path mistake, not a permission to fix.
  if (code === 'EEXIST') return dataDirIsFile(dir);
  return new VigilError(
    code === 'ENOTDIR' ? 'BAD_INPUT' : 'TARGET_NOT_WRITABLE',
    `The data folder ${dir} cannot be used: ${whyNotWritable(err, dir)} (${code})`,
    { dir, errno: code, reason: 'unusable', ...whereNotWritable(err, dir) },
  );
}

export async function openStore(dir: string): Promise<Store> {
  const unlock = await makeDirs(dir, 0o700)
    .then(() => restrictToOwner(dir))
    .then(() => lockDataDir(dir))
    .catch((err: unknown) => Promise.reject(unusableDataDir(dir, err)));
  try {
    return await openLockedStore(dir, unlock);
  } catch (err) {
    await unlock();
    throw err;
  }
}

async function openLockedStore(dir: string, unlock: () => Promise<void>): Promise<Store> {
  const empty = await emptyDocuments(dir);
  const media = new MediaStore(dir);
  const watchlist = await openJsonDoc(watchlistSpec(dir));
  const subjects = watchlist.data.subjects;
  // Before anything is written: opening creates the files of a fresh data dir.
  if (empty.watchlist) await refuseLostWatchlist(dir, media);
  if (empty.faces) {
    const rows = await EmbeddingFile.rowsIn(join(dir, 'faces.vec'), DESCRIPTOR_DIM);
    if (rows) throw lostDocument(dir, 'faces.jsonl', `faces.vec holds ${rows} face descriptors`);
    const enrolled = new Set(subjects.flatMap((s) => s.faces.map((f) => f.cropKey)));
    const crops = (await media.keys('crops')).filter((k) => !enrolled.has(k)).length;
    if (crops) throw lostDocument(dir, 'faces.jsonl', `${crops} crops of seen faces are kept`);
  }
  const { faces, vectors } = await openSeenFaces({ dir, dim: DESCRIPTOR_DIM, model: DESCRIPTOR_MODEL });
  // Closed again if a later step fails.
  const opened: { close(): Promise<void> }[] = [faces, vectors];
  try {
    if (empty.history) {
      if (faces.size)
        throw lostDocument(dir, 'history.jsonl', `${faces.size} seen faces of its jobs are kept`);
      const enrolled = new Set(subjects.flatMap((s) => s.faces.map((f) => f.sourceSha256)));
      const photos = [...(await media.keys('previews')), ...(await media.keys('thumbs'))].filter(
        (k) => !enrolled.has(nameOfKey(k)),
      ).length;
      if (photos) throw lostDocument(dir, 'history.jsonl', `${photos} previews of its photos are kept`);
    }
    const watchlistVectors = await EmbeddingFile.open(
      join(dir, 'watchlist.vec'),
      DESCRIPTOR_DIM,
      rowsPointedAt(subjects.flatMap((s) => s.faces)),
    );
    opened.push(watchlistVectors);
    // Written at once, so a crash in the first enrolment (descriptor appended, list not yet
    // written) does not look like a lost watchlist.json at the next start.
    if (empty.watchlist) await watchlist.write();
    const settings = await openJsonDoc({
      file: join(dir, 'settings.json'),
      schema: settingsDocSchema,
      version: 1,
      initial: () => ({
        version: 1 as const,
        thresholds: null,
        retention: { days: null, records: null },
        detection: null,
        blur: null,
      }),
    });
    const history = await HistoryLog.open(join(dir, 'history.jsonl'));
    return {
      dir,
      faces,
      vectors,
      watchlist,
      watchlistVectors,
      settings,
      history,
      media,
      exclusive: oneAtATime(),
      watchlistChange: oneAtATime(),
      async close() {
        await Promise.all([faces.close(), vectors.close(), watchlistVectors.close(), history.close()]);
        await unlock();
      },
    };
  } catch (err) {
    await Promise.all(opened.map((f) => f.close()));
    throw err;
  }
}

export type WatchlistDoc = z.output<typeof watchlistDocSchema>;

/** watchlist.json: what openStore opens and readWatchlist reads. */
function watchlistSpec(dir: string): DocSpec<typeof watchlistDocSchema> {
  return {
    file: join(dir, 'watchlist.json'),
    schema: watchlistDocSchema,
    version: 1,
    initial: () => ({ version: 1 as const, model: DESCRIPTOR_MODEL, subjects: [], removedFaceIds: [] }),
  };
}

/** A watchlist.json missing or empty while descriptors or enrolled photos are kept: STORE_CORRUPT. */
async function refuseLostWatchlist(dir: string, media: MediaStore): Promise<void> {
  const rows = await EmbeddingFile.rowsIn(join(dir, 'watchlist.vec'), DESCRIPTOR_DIM);
  if (rows) throw lostDocument(dir, 'watchlist.json', `watchlist.vec holds ${rows} face descriptors`);
  const sources = (await media.keys('sources')).length;
  if (sources) throw lostDocument(dir, 'watchlist.json', `${sources} enrolled photos are kept`);
}

/**
 * The watchlist of a data dir as it is on disk, read without its lock, for a process that only
 * reads it while the app, a server or a command may own the folder (`vigil watchlist list|show`).
 * Nothing is written or created: no lock or temp file, no migration, no repair, and a folder that
 * does not exist reads as an empty watchlist. Consistent with a concurrent writer: watchlist.json
 * is read once, and writers replace it by rename (the whole old or the whole new document);
 * watchlist.vec is checked after it, and descriptors are appended there before the document
 * names them. The errors are openStore's for these files: a document corrupt, of a newer schema,
 * or lost while its descriptors or photos are kept; descriptors missing. An older schema is
 * migrated in memory. The document's `model` may not be DESCRIPTOR_MODEL: opening the folder
 * would describe its faces again first (reembed.ts), which a reader cannot; the caller decides.
 */
export async function readWatchlist(dir: string): Promise<WatchlistDoc> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw unreadableDataDir(dir, err);
  });
  if (!info) return watchlistSpec(dir).initial();
  if (!info.isDirectory()) throw dataDirIsFile(dir);
  try {
    const spec = watchlistSpec(dir);
    const doc = await readJsonDoc(spec);
    if (!doc) await refuseLostWatchlist(dir, new MediaStore(dir));
    const read = doc ?? spec.initial();
    await EmbeddingFile.check(
      join(dir, 'watchlist.vec'),
      DESCRIPTOR_DIM,
      rowsPointedAt(read.subjects.flatMap((s) => s.faces)),
    );
    return read;
  } catch (err) {
    throw unreadableDataDir(dir, err);
  }
}

/** A data folder this process may not read, or a path through a file, in words naming it. */
function unreadableDataDir(dir: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof VigilError) return err;
  if (code === 'ENOTDIR')
    return new VigilError(
      'BAD_INPUT',
      `The data folder ${dir} cannot be used: ${whyNotWritable(err, dir)} (${code})`,
      { dir, errno: code },
    );
  if (code !== 'EACCES' && code !== 'EPERM') return err;
  const path = (err as NodeJS.ErrnoException).path ?? dir;
  return new VigilError('FILE_NOT_READABLE', `Cannot read ${path}: no permission (${code})`, {
    dir,
    errno: code,
  });
}

/**
 * Which documents that own data are missing or empty. A fresh data dir has none of them yet;
 * in one that still holds their data they were lost (deleted, cut to zero bytes), and read as
 * empty, the start-up sweep would delete what they owned (photo-data.ts).
 */
async function emptyDocuments(dir: string): Promise<Record<'watchlist' | 'faces' | 'history', boolean>> {
  const empty = (name: string) =>
    stat(join(dir, name)).then(
      (s) => s.size === 0,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return true;
        throw err;
      },
    );
  return {
    watchlist: await empty('watchlist.json'),
    // Seen faces may still be in an older dir's faces.json, or in a compaction's faces.jsonl.next.
    faces: (await empty('faces.jsonl')) && (await empty('faces.json')) && (await empty('faces.jsonl.next')),
    history: await empty('history.jsonl'),
  };
}

/** A document found missing or empty while data it owns (`held`) is still there. */
function lostDocument(dir: string, name: string, held: string): VigilError {
  return new VigilError('STORE_CORRUPT', `${name} is missing or empty, but ${held}; nothing was changed`, {
    file: join(dir, name),
  });
}

/** A lock as a function: each call's `fn` starts once every earlier call's has settled. */
function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
