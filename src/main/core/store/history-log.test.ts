import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { tempDir } from '../test-support';
import { HistoryLog, runJob } from './history-log';
import type { JsonLinesFile } from './jsonl';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** A history file holding one FINISHED job, closed: what the damage tests start from. */
async function closedWithOneFinishedJob() {
  const file = join(tempDir(), 'history.jsonl');
  const log = await HistoryLog.open(file);
  const rec = await log.create('inspect', []);
  await log.update(rec.id, { status: 'FINISHED' });
  await log.close();
  return { file, rec };
}

describe('HistoryLog', () => {
  it('keeps records across reopen, newest first, with filters', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    const a = await log.create('inspect', [{ file: 'a.jpg', sha256: null }]);
    await log.update(a.id, { status: 'FINISHED', summary: 'two faces' });
    await new Promise((r) => setTimeout(r, 5));
    const b = await log.create('identify', [{ file: 'b.jpg', sha256: null }]);
    await log.update(b.id, { status: 'FINISHED', summary: 'one match: Alice' });
    await log.close();

    const again = await HistoryLog.open(file);
    expect(again.size).toBe(2);
    expect(again.list().records.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(again.list({ kind: 'inspect' }).records.map((r) => r.id)).toEqual([a.id]);
    expect(again.list({ text: 'alice' }).records.map((r) => r.id)).toEqual([b.id]);
    expect(again.list({ text: 'A.JPG' }).records.map((r) => r.id)).toEqual([a.id]);
    expect(again.list({ limit: 1, offset: 1 })).toMatchObject({ total: 2, records: [{ id: a.id }] });
    await again.close();
  });

  it('matches text in summary values, error codes, blur outputs and the caller’s summary keys, accents aside', async () => {
    const log = await HistoryLog.open(join(tempDir(), 'history.jsonl'));
    const enrol = await log.create('enroll', [{ file: 'x.jpg', sha256: null }]);
    await log.update(enrol.id, {
      status: 'FINISHED',
      summary: 'Enrolled a face of x.jpg as Zoë',
      summaryMessage: { key: 'enroll', values: { file: 'x.jpg', name: 'João' } },
    });
    const failed = await log.create('inspect', [{ file: 'y.jpg', sha256: null }]);
    await log.update(failed.id, {
      status: 'ERROR',
      summary: 'y.jpg is not an image',
      error: { code: 'NOT_AN_IMAGE', message: 'y.jpg is not an image' },
    });
    const blurred = await log.create('blur', [{ file: '/in/party.jpg', sha256: null }]);
    await log.update(blurred.id, {
      status: 'FINISHED',
      summary: '3 faces blurred',
      result: { output: '/exports/out7/party.blurred.jpg' },
    });
    const ids = (filter: Parameters<HistoryLog['list']>[0]) => log.list(filter).records.map((r) => r.id);
    // A blurred copy is found by the folder it was written to.
    expect(ids({ text: 'out7' })).toEqual([blurred.id]);
    expect(ids({ text: 'joao' })).toEqual([enrol.id]);
    expect(ids({ text: 'zoe' })).toEqual([enrol.id]);
    expect(ids({ text: 'not_an' })).toEqual([failed.id]);
    // "cadastrado" is in no stored text; the UI found it in the Portuguese wording of `enroll`.
    expect(ids({ text: 'cadastrado' })).toEqual([]);
    expect(ids({ text: 'cadastrado', summaryKeys: ['enroll'] })).toEqual([enrol.id]);
    // Keys widen the text match only: the other filters still apply.
    expect(ids({ text: 'cadastrado', summaryKeys: ['enroll'], kind: 'inspect' })).toEqual([]);
    await log.close();
  });

  it('a summary wording that needs counts above zero matches only the records that have them', async () => {
    const log = await HistoryLog.open(join(tempDir(), 'history.jsonl'));
    const blur = async (leaks: number) => {
      const rec = await log.create('blur', [{ file: 'x.jpg', sha256: null }]);
      await log.update(rec.id, {
        status: 'FINISHED',
        summary: 'summary',
        summaryMessage: { key: 'blur', values: { count: 2, manual: 0, kept: 0, leaks } },
      });
      return rec.id;
    };
    const clean = await blur(0);
    const leaky = await blur(1);
    const ids = (filter: Parameters<HistoryLog['list']>[0]) => log.list(filter).records.map((r) => r.id);
    expect(ids({ text: 'detectaveis', summaryKeys: [{ key: 'blur', nonZero: ['leaks'] }] })).toEqual([leaky]);
    expect(ids({ text: 'detectaveis', summaryKeys: [{ key: 'blur', nonZero: ['leaks', 'kept'] }] })).toEqual(
      [],
    );
    expect(ids({ text: 'desfocad', summaryKeys: ['blur'] })).toEqual([leaky, clean]);
    await log.close();
  });

  it('marks a job left running by a crash as interrupted on the next open', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    const rec = await log.create('identify', [{ file: 'x.jpg', sha256: null }]);
    await log.update(rec.id, { status: 'RUNNING', startedAt: new Date().toISOString() });
    await log.close(); // the process "dies" here

    const after = await HistoryLog.open(file);
    const r = after.get(rec.id);
    expect(r.status).toBe('ERROR');
    // A code of its own, which the UI words in its language (INTERNAL it could not).
    expect(r.error).toEqual({
      code: 'INTERRUPTED',
      message: 'Interrupted: Vigil stopped before this job finished',
    });
    expect(r.finishedAt).not.toBeNull();
    await after.close();
    // The interruption itself is persisted.
    const reopened = await HistoryLog.open(file);
    expect(reopened.get(rec.id).status).toBe('ERROR');
    await reopened.close();
  });

  it('cancels the jobs in progress for a process stopping at once, and only those', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    const done = await log.create('identify', [{ file: 'a.jpg', sha256: null }]);
    await log.update(done.id, { status: 'FINISHED', finishedAt: new Date().toISOString() });
    const running = await log.create('identify', [{ file: 'b.jpg', sha256: null }]);
    await log.update(running.id, { status: 'RUNNING', startedAt: new Date().toISOString() });
    const pending = await log.create('blur', [{ file: 'c.jpg', sha256: null }]);
    const error = { code: 'CANCELLED' as const, message: 'Cancelled: stopped at once' };
    expect(await log.cancelRunning(error)).toBe(2);
    // Written before it resolves: the process exits right after, without closing the log.
    const onDisk = await HistoryLog.open(file, { readOnly: true });
    expect(onDisk.get(done.id).status).toBe('FINISHED');
    for (const id of [running.id, pending.id]) {
      expect(onDisk.get(id)).toMatchObject({ status: 'CANCELLED', error });
      expect(onDisk.get(id).finishedAt).not.toBeNull();
    }
    await onDisk.close();
    await log.close();
  });

  it('reads a job recorded as interrupted before INTERRUPTED existed with that code', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const base = {
      kind: 'identify',
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:01.000Z',
      inputs: [{ file: 'x.jpg', sha256: null }],
      summary: '',
      feedback: [],
      status: 'ERROR',
    };
    const old = { code: 'INTERNAL', message: 'interrupted: Vigil stopped before this job finished' };
    // A real internal error keeps its code: only the old interruption's exact message maps.
    const other = { code: 'INTERNAL', message: 'Unexpected internal error' };
    writeFileSync(
      file,
      [
        JSON.stringify({ ...base, id: 'old', error: old }),
        JSON.stringify({ ...base, id: 'other', error: other }),
        '',
      ].join('\n'),
    );
    for (const readOnly of [false, true]) {
      const log = await HistoryLog.open(file, { readOnly });
      expect(log.get('old').error?.code).toBe('INTERRUPTED');
      expect(log.get('other').error).toEqual(other);
      expect(log.list({ text: 'interrupted' }).records.map((r) => r.id)).toEqual(['old']);
      await log.close();
    }
  });

  it('drops a torn last line and keeps everything before it', async () => {
    const { file, rec } = await closedWithOneFinishedJob();
    appendFileSync(file, '{"id":"half-writ');
    const after = await HistoryLog.open(file);
    expect(after.get(rec.id).status).toBe('FINISHED');
    await after.close();
    expect(lines(file).every((l) => JSON.parse(l))).toBeTruthy();
  });

  it('refuses a complete last line that is damaged, instead of dropping it as torn', async () => {
    const { file } = await closedWithOneFinishedJob();
    // As `sed -i '$s/.*/{garbage/'` leaves it: the finished record's line replaced, newline kept.
    const damaged = `${lines(file)[0]}\n{garbage\n`;
    writeFileSync(file, damaged);
    await expect(HistoryLog.open(file)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('reports damage in the middle of the file and leaves it untouched', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    await log.create('inspect', []);
    await log.create('inspect', []);
    await log.close();
    const [first, second] = lines(file);
    const damaged = `${first}\nnot json at all\n${second}\n${second}\n`;
    writeFileSync(file, damaged);
    const err = await HistoryLog.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('STORE_CORRUPT');
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('persists deletions and compacts superseded lines on open', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    const keep = await log.create('inspect', []);
    const drop = await log.create('inspect', []);
    for (let i = 0; i < 1100; i++) await log.update(keep.id, { status: 'FINISHED', summary: `step ${i}` });
    expect(await log.remove([drop.id, 'unknown'])).toBe(1);
    await log.close();
    expect(lines(file).length).toBeGreaterThan(1100);

    const after = await HistoryLog.open(file);
    expect(after.size).toBe(1);
    expect(after.get(keep.id).summary).toBe('step 1099');
    expect(() => after.get(drop.id)).toThrow(VigilError);
    await after.close();
    expect(lines(file)).toHaveLength(1);
  });

  it('knows which photos its records mention, across reopen, and says which a deletion lets go', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const [p, q] = ['a'.repeat(64), 'b'.repeat(64)];
    const log = await HistoryLog.open(file);
    const released: string[][] = [];
    log.onRelease((photos) => void released.push(photos));
    let noted = '';
    const a = await runJob(
      log,
      'compare',
      [
        { file: 'p.jpg', sha256: null },
        { file: 'q.jpg', sha256: null },
      ],
      async (id, note) => {
        await note(p, 'p.jpg');
        await note(q, 'q.jpg');
        noted = id;
        return { value: id, summary: '', result: { previewUrl: `/media/previews/${q}.jpg` } };
      },
    );
    expect(log.get(a).inputs.map((i) => i.sha256)).toEqual([p, q]);
    // Any digest in a record counts, e.g. an older record's preview URL with inputs left null.
    const b = await log.create('inspect', [{ file: 'q.jpg', sha256: null }]);
    await log.update(b.id, { result: { preview: `previews/${q}.jpg` } });
    // A running job's note is in memory until its next update: cut off by a crash, it mentions nothing.
    const c = await log.create('inspect', [{ file: 'r.jpg', sha256: null }]);
    log.amend(c.id, { inputs: [{ file: 'r.jpg', sha256: 'c'.repeat(64) }] });
    expect(log.mentions('c'.repeat(64))).toBe(true);
    await log.close();

    const again = await HistoryLog.open(file);
    again.onRelease((photos) => void released.push(photos));
    expect([again.mentions(p), again.mentions(q), again.mentions('c'.repeat(64))]).toEqual([
      true,
      true,
      false,
    ]);
    await again.remove([noted]);
    expect(released).toEqual([[p]]);
    expect([again.mentions(p), again.mentions(q)]).toEqual([false, true]);
    await again.remove([b.id]);
    expect(released).toEqual([[p], [q]]);
    await again.close();
  });

  it('a change whose append failed (a full disk) is not kept in memory either', async () => {
    const file = join(tempDir(), 'history.jsonl');
    const log = await HistoryLog.open(file);
    const a = await log.create('inspect', [{ file: 'a.jpg', sha256: 'a'.repeat(64) }]);
    const b = await log.create('inspect', []);
    const released: string[][] = [];
    log.onRelease((photos) => void released.push(photos));
    const full = () =>
      vi
        .spyOn((log as unknown as { log: JsonLinesFile }).log, 'append')
        .mockRejectedValueOnce(Object.assign(new Error('ENOSPC (test)'), { code: 'ENOSPC' }));
    const ids = () => log.list().records.map((r) => r.id);

    full();
    await expect(log.create('identify', [])).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(ids()).toEqual([b.id, a.id]);

    full();
    await expect(log.update(a.id, { status: 'FINISHED' })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(log.get(a.id).status).toBe('PENDING');

    full();
    await expect(log.remove([a.id])).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(ids()).toEqual([b.id, a.id]);
    expect(log.mentions('a'.repeat(64))).toBe(true);
    expect(released).toEqual([]);

    // What memory says is what the file says.
    await log.close();
    const again = await HistoryLog.open(file, { readOnly: true });
    expect(again.list().records.map((r) => [r.id, r.status])).toEqual([
      [b.id, 'PENDING'],
      [a.id, 'PENDING'],
    ]);
  });

  it('runJob records the life cycle, success and failure', async () => {
    const log = await HistoryLog.open(join(tempDir(), 'history.jsonl'));
    const value = await runJob(log, 'compare', [{ file: 'a.jpg', sha256: null }], async (id) => ({
      value: id,
      summary: 'match',
      result: { score: 0.9 },
    }));
    expect(log.get(value)).toMatchObject({ status: 'FINISHED', summary: 'match', result: { score: 0.9 } });
    expect(log.get(value).startedAt).not.toBeNull();

    const failed = runJob(log, 'verify', [], async () => {
      throw new VigilError('NO_FACE', 'No face found in x.jpg');
    });
    await expect(failed).rejects.toMatchObject({ code: 'NO_FACE' });
    const rec = log.list({ kind: 'verify' }).records[0]!;
    expect(rec).toMatchObject({
      status: 'ERROR',
      error: { code: 'NO_FACE', message: 'No face found in x.jpg' },
    });

    await expect(
      runJob(log, 'identify', [], async () => {
        throw new Error('boom with /secret/path');
      }),
    ).rejects.toThrow('boom');
    expect(log.list({ kind: 'identify' }).records[0]!.error).toEqual({
      code: 'INTERNAL',
      message: 'Unexpected internal error',
    });
    await log.close();
  });
});
