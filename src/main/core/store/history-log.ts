import { randomUUID } from 'node:crypto';
import { VigilError, type ErrorShape } from '../../../shared/errors';
import {
  historyRecordSchema,
  type HistoryRecord,
  type JobKind,
  type JobStatus,
  type SummaryMatch,
  type SummaryMessage,
} from '../../../shared/history-schemas';
import { foldForSearch } from '../../../shared/search-text';
import { JsonLinesFile } from './jsonl';

const SHA256_HEX = /\b[0-9a-f]{64}\b/g;

/** What a job still running when its process stopped is recorded as, at the next start. */
export const INTERRUPTED: ErrorShape = {
  code: 'INTERRUPTED',
  message: 'Interrupted: Vigil stopped before this job finished',
};

/** How such a job was recorded before it had a code of its own. */
const OLD_INTERRUPTED = 'interrupted: Vigil stopped before this job finished';

/**
 * A record as it reads now: one interrupted before INTERRUPTED existed says INTERNAL with a fixed
 * English message, which the UI cannot translate; it gets the code (in memory, and on disk at the
 * next compaction). Matched on that exact message, which nothing else writes.
 */
function withStableInterruption(r: HistoryRecord): HistoryRecord {
  if (r.error?.code !== 'INTERNAL' || r.error.message !== OLD_INTERRUPTED) return r;
  return { ...r, error: INTERRUPTED };
}

/** Finished jobs are kept at most `days` days and `records` records (null: no limit). */
export interface RetentionRule {
  days: number | null;
  records: number | null;
}

export interface HistoryFilter {
  kind?: JobKind;
  status?: JobStatus;
  since?: string;
  text?: string;
  /** Summary wordings in the caller's language that contain `text`. */
  summaryKeys?: readonly SummaryMatch[];
  offset?: number;
  limit?: number;
}

/** Each record's searchable text, folded once: records are replaced, never changed, on update. */
const searchable = new WeakMap<HistoryRecord, string>();

/**
 * Whether a record matches the text filter (`text` folded): its English summary, a file name,
 * a blur's output path, its error code, a value of its summary message (names, files), or a summary the caller found
 * the text in, in its own language.
 */
function matchesText(r: HistoryRecord, text: string, said: readonly SummaryMatch[]): boolean {
  if (saysInCallersWords(r, said)) return true;
  let haystack = searchable.get(r);
  if (haystack === undefined) {
    const values = Object.values(r.summaryMessage?.values ?? {}).filter((v) => typeof v === 'string');
    // A blur's copy: found by where it was written, as by what it was made from.
    const output = (r.result as { output?: unknown } | null)?.output;
    // One line each, so a match cannot span two of them.
    haystack = foldForSearch(
      [
        r.summary,
        ...r.inputs.map((i) => i.file),
        typeof output === 'string' ? output : '',
        r.error?.code ?? '',
        ...values,
      ].join('\n'),
    );
    searchable.set(r, haystack);
  }
  return haystack.includes(text);
}

/** Whether a record's summary is one of the wordings the caller found the text in. */
function saysInCallersWords(r: HistoryRecord, said: readonly SummaryMatch[]): boolean {
  const m = r.summaryMessage;
  if (!m) return false;
  return said.some((s) =>
    typeof s === 'string'
      ? s === m.key
      : s.key === m.key && s.nonZero.every((k) => typeof m.values[k] === 'number' && m.values[k] !== 0),
  );
}

/**
 * Job history as an append-only JSON-lines log: each change appends the whole record, so a job
 * costs one small append however long the history is. Compacted on open when mostly superseded.
 * A torn last line (crash mid-append) is dropped; damage anywhere else is reported, not reset.
 */
export class HistoryLog {
  private readonly records = new Map<string, HistoryRecord>();
  private readonly log: JsonLinesFile;
  private readonly finishListeners: ((rec: HistoryRecord) => void)[] = [];
  private readonly releaseListeners: ((photos: string[]) => void | Promise<void>)[] = [];
  /** Photo digest → ids of the records that mention it (see `mentions`). */
  private readonly photoRefs = new Map<string, Set<string>>();
  private readonly photosOf = new Map<string, string[]>();

  private constructor(
    readonly file: string,
    private readonly readOnly: boolean,
  ) {
    this.log = new JsonLinesFile(file);
  }

  /**
   * `readOnly` reads without marking interrupted jobs, compacting or appending: for a second
   * process (the CLI) looking at a data dir the app may have open.
   */
  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<HistoryLog> {
    const log = new HistoryLog(file, opts.readOnly ?? false);
    await log.load();
    return log;
  }

  private async load(): Promise<void> {
    const { torn } = await this.log.read((rec, lineNo, line) => {
      // A deletion is a tombstone line: { id, deleted: true }.
      const tomb = rec as { id?: unknown; deleted?: unknown };
      if (tomb && tomb.deleted === true && typeof tomb.id === 'string') {
        this.records.delete(tomb.id);
        this.untrack(tomb.id);
        return;
      }
      const parsed = historyRecordSchema.safeParse(rec);
      if (!parsed.success) throw this.log.corrupt(lineNo, 'does not match its schema');
      this.records.set(parsed.data.id, withStableInterruption(parsed.data));
      this.track(parsed.data.id, line);
    });
    if (this.readOnly) return;
    // Jobs that were running when the app stopped did not finish: say so.
    const now = new Date().toISOString();
    const interrupted: HistoryRecord[] = [];
    for (const r of this.records.values()) {
      if (r.status === 'RUNNING' || r.status === 'PENDING') {
        const next: HistoryRecord = {
          ...r,
          status: 'ERROR',
          finishedAt: now,
          error: INTERRUPTED,
        };
        this.records.set(r.id, next);
        interrupted.push(next);
      }
    }
    // Compacted when mostly superseded: one line per live record.
    if (torn || this.log.mostlySuperseded(this.records.size))
      await this.log.rewrite([...this.records.values()].map((r) => JSON.stringify(r)));
    for (const r of interrupted) await this.append(r);
  }

  private append(rec: HistoryRecord | { id: string; deleted: true }): Promise<void> {
    if (this.readOnly) return Promise.reject(new VigilError('BAD_INPUT', 'history opened read-only'));
    const line = JSON.stringify(rec);
    if (!('deleted' in rec)) this.track(rec.id, line);
    return this.log.append(line);
  }

  /**
   * Which photos a record mentions: any SHA-256 digest in its line (inputs, previews, results).
   * Read from the text rather than from known fields so records of every kind and age count.
   */
  private track(id: string, line: string): void {
    const photos = [...new Set(line.match(SHA256_HEX) ?? [])];
    const before = this.photosOf.get(id);
    if (before && before.length === photos.length && before.every((p, i) => p === photos[i])) return;
    this.untrack(id);
    if (photos.length === 0) return;
    this.photosOf.set(id, photos);
    for (const p of photos) {
      let ids = this.photoRefs.get(p);
      if (!ids) this.photoRefs.set(p, (ids = new Set()));
      ids.add(id);
    }
  }

  /** Forgets what `id` mentioned; returns the photos no record mentions any more. */
  private untrack(id: string): string[] {
    const released: string[] = [];
    for (const p of this.photosOf.get(id) ?? []) {
      const ids = this.photoRefs.get(p)!;
      ids.delete(id);
      if (ids.size === 0) {
        this.photoRefs.delete(p);
        released.push(p);
      }
    }
    this.photosOf.delete(id);
    return released;
  }

  /** Whether any record (of any status) mentions the photo with this SHA-256 digest. */
  mentions(sha256: string): boolean {
    return this.photoRefs.has(sha256);
  }

  async create(kind: JobKind, inputs: HistoryRecord['inputs']): Promise<HistoryRecord> {
    const rec: HistoryRecord = {
      id: randomUUID(),
      kind,
      status: 'PENDING',
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      inputs,
      summary: '',
      error: null,
      feedback: [],
    };
    this.records.set(rec.id, rec);
    await this.append(rec).catch((err: unknown) => {
      // Not on disk (a full disk): not in memory either, where History would list it until a restart.
      if (this.records.get(rec.id) === rec) {
        this.records.delete(rec.id);
        this.untrack(rec.id);
      }
      throw err;
    });
    return rec;
  }

  async update(id: string, patch: Partial<Omit<HistoryRecord, 'id'>>): Promise<HistoryRecord> {
    const cur = this.get(id);
    const next = { ...cur, ...patch };
    this.records.set(id, next);
    await this.append(next).catch((err: unknown) => {
      // The record stays as the file has it, unless a later update has replaced it since.
      if (this.records.get(id) === next) {
        this.records.set(id, cur);
        this.track(id, JSON.stringify(cur));
      }
      throw err;
    });
    if (patch.status && patch.status !== cur.status && !['PENDING', 'RUNNING'].includes(patch.status)) {
      for (const listener of this.finishListeners) listener(next);
    }
    return next;
  }

  /**
   * Ends every job still PENDING or RUNNING as CANCELLED with `error`, for a process about to stop
   * without waiting for them (a second Ctrl+C): none is then left RUNNING, to be called
   * interrupted at the next start. Resolves once their lines are written.
   */
  async cancelRunning(error: ErrorShape): Promise<number> {
    const running = [...this.records.values()].filter(
      (r) => r.status === 'RUNNING' || r.status === 'PENDING',
    );
    const finishedAt = new Date().toISOString();
    await Promise.all(
      running.map((r) =>
        this.update(r.id, { status: 'CANCELLED', finishedAt, summary: error.message, error }),
      ),
    );
    return running.length;
  }

  /**
   * Changes a record in memory only (what `mentions` sees included); the change is written with
   * the record's next update. For a running job's inputs: one line fewer per job, and a job cut
   * off by a crash mentions nothing, so what it kept is swept at the next start.
   */
  amend(id: string, patch: Partial<Pick<HistoryRecord, 'inputs'>>): void {
    const next = { ...this.get(id), ...patch };
    this.records.set(id, next);
    this.track(id, JSON.stringify(next));
  }

  /** Called once per job when it reaches FINISHED, ERROR or CANCELLED (metrics). */
  onFinish(listener: (rec: HistoryRecord) => void): void {
    this.finishListeners.push(listener);
  }

  /**
   * Called after a deletion with the photos that no record mentions any more, so what was kept
   * of them (previews, seen faces) can go too; awaited before `remove` returns.
   */
  onRelease(listener: (photos: string[]) => void | Promise<void>): void {
    this.releaseListeners.push(listener);
  }

  /** Hands the listeners to the log that replaces this one (data dir moved or restored). */
  moveListenersTo(next: HistoryLog): void {
    for (const listener of this.finishListeners.splice(0)) next.onFinish(listener);
    for (const listener of this.releaseListeners.splice(0)) next.onRelease(listener);
  }

  get(id: string): HistoryRecord {
    const rec = this.records.get(id);
    if (!rec) throw new VigilError('NOT_FOUND', `No history record ${id}`);
    return rec;
  }

  /**
   * Newest first. The map keeps creation order (updates keep a record's place, compaction
   * writes in that order), so walking it backwards needs no sort of the whole history.
   */
  list(filter: HistoryFilter = {}): { total: number; records: HistoryRecord[] } {
    const text = filter.text ? foldForSearch(filter.text) : undefined;
    const said = filter.summaryKeys ?? [];
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? 50;
    // Records carry UTC ISO times; a `since` with an offset compares as the same instant.
    const since = filter.since ? new Date(filter.since).toISOString() : undefined;
    const all = [...this.records.values()];
    const page: HistoryRecord[] = [];
    let total = 0;
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i]!;
      if (filter.kind && r.kind !== filter.kind) continue;
      if (filter.status && r.status !== filter.status) continue;
      if (since && r.createdAt < since) continue;
      if (text && !matchesText(r, text, said)) continue;
      if (total >= offset && page.length < limit) page.push(r);
      total++;
    }
    return { total, records: page };
  }

  async remove(ids: string[]): Promise<number> {
    let n = 0;
    const released: string[] = [];
    try {
      for (const id of ids) {
        if (!this.records.has(id)) continue;
        // Forgotten only once its tombstone is written: a record whose deletion failed stays
        // listed (and keeps its place, which a Map re-insert would lose).
        await this.append({ id, deleted: true });
        if (this.records.delete(id)) {
          released.push(...this.untrack(id));
          n++;
        }
      }
    } finally {
      // What the records deleted before a failure mentioned goes all the same.
      if (released.length) for (const listener of this.releaseListeners) await listener(released);
    }
    return n;
  }

  /** The ids `prune(rule)` would delete now: what a retention change is asked to confirm. */
  pruneTargets(rule: RetentionRule, now = Date.now()): string[] {
    const done = [...this.records.values()]
      .filter((r) => r.status !== 'PENDING' && r.status !== 'RUNNING')
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    const cutoff = rule.days === null ? null : new Date(now - rule.days * 86_400_000).toISOString();
    const drop = done.filter(
      (r, i) => (rule.records !== null && i >= rule.records) || (cutoff !== null && r.createdAt < cutoff),
    );
    return drop.map((r) => r.id);
  }

  /** Deletes finished jobs older than `days` or beyond the newest `records`; running jobs stay. */
  async prune(rule: RetentionRule, now = Date.now()): Promise<number> {
    return this.remove(this.pruneTargets(rule, now));
  }

  get size(): number {
    return this.records.size;
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}

/**
 * Records that the running job looked at the photo with this digest (the first input still
 * without one gets it), before anything of the photo is kept: the photo's preview and seen faces
 * then live as long as a record mentions it.
 */
export type NotePhoto = (sha256: string, file: string) => Promise<void>;

export interface JobOutcome<T> {
  value: T;
  /** One line in English (CSV exports, logs). */
  summary: string;
  /** The same line as a message key and values, for the UI's language. */
  message?: SummaryMessage;
  result?: unknown;
}

/** Runs one job with its history life cycle: PENDING → RUNNING → FINISHED | ERROR | CANCELLED. */
export async function runJob<T>(
  history: HistoryLog,
  kind: JobKind,
  inputs: HistoryRecord['inputs'],
  work: (historyId: string, notePhoto: NotePhoto) => Promise<JobOutcome<T>>,
): Promise<T> {
  const rec = await history.create(kind, inputs);
  await history.update(rec.id, { status: 'RUNNING', startedAt: new Date().toISOString() });
  const notePhoto: NotePhoto = async (sha256, file) => {
    const cur = history.get(rec.id).inputs;
    const i = cur.findIndex((inp) => inp.sha256 === null);
    if (cur.some((inp) => inp.sha256 === sha256)) return;
    const next =
      i < 0 ? [...cur, { file, sha256 }] : cur.map((inp, k) => (k === i ? { ...inp, sha256 } : inp));
    history.amend(rec.id, { inputs: next });
  };
  try {
    const { value, summary, message, result } = await work(rec.id, notePhoto);
    await history.update(rec.id, {
      status: 'FINISHED',
      finishedAt: new Date().toISOString(),
      summary,
      ...(message ? { summaryMessage: message } : {}),
      result,
    });
    return value;
  } catch (err) {
    const error: ErrorShape =
      err instanceof VigilError ? err.toShape() : { code: 'INTERNAL', message: 'Unexpected internal error' };
    await history.update(rec.id, {
      status: error.code === 'CANCELLED' ? 'CANCELLED' : 'ERROR',
      finishedAt: new Date().toISOString(),
      summary: error.message,
      error,
    });
    throw err;
  }
}
