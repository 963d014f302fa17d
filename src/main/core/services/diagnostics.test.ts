import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../core';
import { HistoryLog } from '../store/history-log';
import { createTestCore, sampleImage, tempDir } from '../test-support';

let core: Core;

beforeAll(async () => {
  core = await createTestCore(join(tempDir(), 'data'));
});
afterAll(async () => {
  await core?.close();
});

describe('diagnostics, retention and history export', () => {
  it('reports counts, data size, latency per channel and recent errors', async () => {
    await core.call('image.inspect', { source: { path: sampleImage(2) } });
    await core.call('image.inspect', {
      source: { name: 'x.jpg', bytes: Buffer.from('nope').toString('base64') },
    });
    await core.call('app.health', {});
    const r = await core.call('app.diagnostics', {});
    if (!r.ok) throw new Error(r.error.message);
    const d = r.value as {
      engine: { state: string; backend: string };
      dataBytes: number;
      counts: { seenFaces: number };
      latency: { channel: string; count: number; p95: number }[];
      recentErrors: { channel: string; code: string }[];
    };
    expect(d.engine.state).toBe('ready');
    expect(d.counts.seenFaces).toBe(3);
    expect(d.dataBytes).toBeGreaterThan(10_000);
    const inspect = d.latency.find((l) => l.channel === 'image.inspect');
    expect(inspect?.count).toBe(2);
    expect(inspect!.p95).toBeGreaterThan(0);
    expect(d.recentErrors[0]).toMatchObject({ channel: 'image.inspect', code: 'NOT_AN_IMAGE' });
  });

  it('exports history as CSV and JSON with filters', async () => {
    // A file name a spreadsheet would run as a formula is written as text.
    const formula = '=HYPERLINK("http://example.invalid","open").jpg';
    await core.call('image.inspect', {
      source: { name: formula, bytes: Buffer.from('not an image').toString('base64') },
    });
    const csv = await core.call('history.export', { format: 'csv' });
    if (!csv.ok) throw new Error(csv.error.message);
    const text = Buffer.from((csv.value as { data: string }).data, 'base64').toString('utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'id,kind,status,created,started,finished,inputs,summary,error_code,error_message,feedback',
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`"'=HYPERLINK(""http://example.invalid"",""open"").jpg"`);
    expect(lines.some((l) => l.split(',').some((cell) => /^"?[=+@]/.test(cell)))).toBe(false);
    const json = await core.call('history.export', { format: 'json', status: 'ERROR' });
    if (!json.ok) throw new Error(json.error.message);
    const records = JSON.parse(Buffer.from((json.value as { data: string }).data, 'base64').toString('utf8'));
    expect(records.every((r: { status: string }) => r.status === 'ERROR')).toBe(true);
  });

  it('applies retention by record count when it is set', async () => {
    for (let i = 0; i < 3; i++) {
      await core.call('match.compare', { a: { path: sampleImage(1) }, b: { path: sampleImage(1) } });
    }
    const before = await core.call('history.list', {});
    const total = before.ok ? (before.value as { total: number }).total : 0;
    expect(total).toBeGreaterThan(2);
    // The count a confirmation shows comes first, and deletes nothing.
    const preview = await core.call('history.pruneCount', { retention: { days: null, records: 2 } });
    expect(preview.ok && preview.value).toEqual({ count: total - 2, total });
    const still = await core.call('history.list', {});
    expect(still.ok && (still.value as { total: number }).total).toBe(total);
    // Below 1 is refused, as settings.update refuses it.
    for (const retention of [
      { days: null, records: 0 },
      { days: -5, records: null },
    ]) {
      const bad = await core.call('history.pruneCount', { retention });
      expect(!bad.ok && bad.error.code).toBe('BAD_INPUT');
      const refused = await core.call('settings.update', { retention });
      expect(!refused.ok && refused.error.code).toBe('BAD_INPUT');
    }
    const s = await core.call('settings.update', { retention: { days: null, records: 2 } });
    expect(s.ok && (s.value as { retention: unknown }).retention).toEqual({ days: null, records: 2 });
    const after = await core.call('history.list', {});
    expect(after.ok && (after.value as { total: number }).total).toBe(2);
  });
});

describe('HistoryLog.prune', () => {
  it('drops finished jobs older than the day limit and keeps running ones', async () => {
    const log = await HistoryLog.open(join(tempDir(), 'h.jsonl'));
    const old = await log.create('inspect', []);
    await log.update(old.id, { status: 'FINISHED', createdAt: '2020-01-01T00:00:00.000Z' });
    const running = await log.create('identify', []);
    await log.update(running.id, { status: 'RUNNING', createdAt: '2020-01-01T00:00:00.000Z' });
    const fresh = await log.create('inspect', []);
    await log.update(fresh.id, { status: 'FINISHED' });
    // What a confirmation counts is what prune then deletes.
    expect(log.pruneTargets({ days: 30, records: null })).toEqual([old.id]);
    expect(log.pruneTargets({ days: null, records: 1 })).toEqual([old.id]);
    expect(log.size).toBe(3);
    expect(await log.prune({ days: 30, records: null })).toBe(1);
    expect(
      log
        .list()
        .records.map((r) => r.id)
        .sort(),
    ).toEqual([running.id, fresh.id].sort());
    await log.close();
  });
});
