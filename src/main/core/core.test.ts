import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorShapeSchema, type ErrorShape } from '../../shared/errors';
import {
  engineInfoSchema,
  healthSchema,
  inspectResultSchema,
  type InspectResult,
} from '../../shared/schemas';
import type { Core } from './core';
import { dispatch, httpStatusOf, type CallResult } from './dispatch';
import {
  callOk,
  createTestCore,
  hasStackFrame,
  SAMPLE_FACES,
  sampleImage,
  seenFacesOnDisk,
  tempDir,
} from './test-support';
import { VERSION } from './version';

function ok(result: CallResult): unknown {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The call failed with a clean boundary error: only code/message/details, no stack anywhere. */
function failure(result: CallResult): ErrorShape {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value).slice(0, 200)}`);
  const shape = errorShapeSchema.strict().parse(result.error);
  expect(hasStackFrame(shape.message), shape.message).toBe(false);
  expect(hasStackFrame(JSON.stringify(shape)), JSON.stringify(shape)).toBe(false);
  expect(JSON.stringify(shape)).not.toMatch(/"stack"/);
  return shape;
}

describe('core', () => {
  let dataDir: string;
  let core: Core;

  beforeAll(async () => {
    dataDir = tempDir();
    core = await createTestCore(dataDir);
    await core.engine.whenReady();
  });

  afterAll(async () => {
    await core?.close();
  });

  const facesOnDisk = async () => seenFacesOnDisk(dataDir);

  it('answers app.health with the package version', async () => {
    const value = healthSchema.parse(ok(await core.call('app.health', {})));
    expect(value).toEqual({ status: 'ok', version: VERSION });
    const pkg = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(value.version).toBe(pkg.version);
    // No input at all is the same as {}.
    expect(ok(await core.call('app.health', undefined))).toEqual(value);
  });

  it('answers engine.info with a ready engine', async () => {
    const info = engineInfoSchema.parse(ok(await core.call('engine.info', {})));
    expect(info.state).toBe('ready');
    expect(info.models.map((m) => m.name).sort()).toEqual([
      'blazeface',
      'blazeface-multiscale',
      'centernet',
      'emotion',
      'facemesh',
      'faceres',
      'mobileface',
      'nanodet',
      'retinaface-mnet025',
    ]);
  });

  describe('image.inspect', () => {
    let first: InspectResult;

    beforeAll(async () => {
      first = inspectResultSchema.parse(
        ok(await core.call('image.inspect', { source: { path: sampleImage(4) } })),
      );
    });

    it('finds the faces with boxes inside the photo and stored descriptors', async () => {
      expect(first.file).toBe(sampleImage(4));
      expect(first.format).toBe('jpeg');
      expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect([first.width, first.height]).toEqual([1920, 1448]);
      expect(first.faces).toHaveLength(SAMPLE_FACES[4]!);
      const stored = await facesOnDisk();
      for (const face of first.faces) {
        expect(face.box).toHaveLength(4);
        expect(face.box.every(Number.isFinite)).toBe(true);
        const [x, y, w, h] = face.box;
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(w).toBeGreaterThan(0);
        expect(h).toBeGreaterThan(0);
        expect(x + w).toBeLessThanOrEqual(first.width);
        expect(y + h).toBeLessThanOrEqual(first.height);
        expect(face.descriptorId).not.toBe('');
        expect(face.descriptorLength).toBe(1024);
        const record = stored.find((s) => s.id === face.descriptorId);
        expect(record, face.descriptorId).toBeDefined();
        expect(record!.box).toEqual(face.box);
        expect(record!.photoSha256).toBe(first.sha256);
        const vector = await core.store.vectors.read(record!.row);
        // Stored for matching: unit faceres (1024) ++ unit mobileface (256).
        expect(vector).toHaveLength(1280);
        const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
        expect(norm(vector.subarray(0, 1024))).toBeCloseTo(1, 4);
        expect(norm(vector.subarray(1024))).toBeCloseTo(1, 4);
        expect(vector.every(Number.isFinite)).toBe(true);
      }
      expect(new Set(first.faces.map((f) => f.descriptorId)).size).toBe(first.faces.length);
    });

    it('writes the preview and thumbnail under dataDir/media and links them by media URL', async () => {
      expect(first.previewUrl).toBe(`/media/previews/${first.sha256}.jpg`);
      expect(first.thumbnailUrl).toBe(`/media/thumbs/${first.sha256}.jpg`);
      const preview = join(dataDir, 'media', 'previews', `${first.sha256}.jpg`);
      const thumb = join(dataDir, 'media', 'thumbs', `${first.sha256}.jpg`);
      expect((await stat(preview)).size).toBeGreaterThan(1000);
      expect((await stat(thumb)).size).toBeGreaterThan(100);
      const pm = await sharp(preview).metadata();
      expect(pm.format).toBe('jpeg');
      expect([pm.width, pm.height]).toEqual([first.previewWidth, first.previewHeight]);
      expect(Math.max(pm.width, pm.height)).toBeLessThanOrEqual(1600);
      // Same aspect as the photo.
      expect(pm.width / pm.height).toBeCloseTo(first.width / first.height, 2);
      const tm = await sharp(thumb).metadata();
      expect(Math.max(tm.width, tm.height)).toBeLessThanOrEqual(320);
      // Nothing copied from the original: no EXIF, no GPS.
      expect(pm.exif).toBeUndefined();
    });

    it('remembers a photo once: inspecting it again keeps the faces and their ids', async () => {
      const before = await facesOnDisk();
      const rows = core.store.vectors.rows;
      const again = inspectResultSchema.parse(
        ok(await core.call('image.inspect', { source: { path: sampleImage(4) } })),
      );
      expect(again.faces.map((f) => f.descriptorId)).toEqual(first.faces.map((f) => f.descriptorId));
      expect(again.faces.map((f) => f.box)).toEqual(first.faces.map((f) => f.box));
      expect(await facesOnDisk()).toEqual(before);
      expect(core.store.vectors.rows).toBe(rows);
    });

    it('treats { name, bytes } like the same file by path', async () => {
      const bytes = (await readFile(sampleImage(4))).toString('base64');
      const byBytes = inspectResultSchema.parse(
        ok(await core.call('image.inspect', { source: { name: 'group.jpg', bytes } })),
      );
      expect(byBytes.file).toBe('group.jpg');
      expect(byBytes.sha256).toBe(first.sha256);
      expect(byBytes.faces.map((f) => f.descriptorId)).toEqual(first.faces.map((f) => f.descriptorId));
    });

    it('adds a different photo’s faces beside the first’s', async () => {
      const before = (await facesOnDisk()).length;
      const other = inspectResultSchema.parse(
        ok(await core.call('image.inspect', { source: { path: sampleImage(2) } })),
      );
      expect(other.sha256).not.toBe(first.sha256);
      expect(other.faces).toHaveLength(SAMPLE_FACES[2]!);
      const after = await facesOnDisk();
      expect(after).toHaveLength(before + other.faces.length);
      const ids = new Set(after.map((f) => f.id));
      for (const f of [...first.faces, ...other.faces]) expect(ids.has(f.descriptorId)).toBe(true);
      expect(existsSync(join(dataDir, 'media', 'previews', `${other.sha256}.jpg`))).toBe(true);
    });
  });

  describe('errors', () => {
    it.each([
      ['an empty path', { source: { path: '' } }],
      ['no source', {}],
      ['null', null],
      ['a string', 'photo.jpg'],
      ['an extra key', { source: { path: sampleImage(1) }, extra: true }],
      ['an extra source key', { source: { path: sampleImage(1), name: 'x.jpg' } }],
      ['bytes that are not base64', { source: { name: 'x.jpg', bytes: '<<not base64>>' } }],
      ['a number as path', { source: { path: 42 } }],
    ])('rejects %s with BAD_INPUT', async (_label, input) => {
      const err = failure(await core.call('image.inspect', input));
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toMatch(/image\.inspect/);
      expect(httpStatusOf(err.code)).toBe(400);
    });

    it('rejects extra input on a channel that takes none', async () => {
      expect(failure(await core.call('app.health', { x: 1 })).code).toBe('BAD_INPUT');
    });

    it('rejects summary keys that name no summary, or too many', async () => {
      const bad = await core.call('history.list', { text: 'x', summaryKeys: ['nope'] });
      expect(failure(bad).code).toBe('BAD_INPUT');
      const many = await core.call('history.export', {
        format: 'csv',
        text: 'x',
        summaryKeys: Array.from({ length: 41 }, () => 'enroll'),
      });
      expect(failure(many).code).toBe('BAD_INPUT');
    });

    it('filters history from an instant written with any offset, and refuses a since that is no date', async () => {
      await callOk(core, 'image.inspect', { source: { path: sampleImage(2) } });
      const newest = (
        await callOk<{ records: { id: string; createdAt: string }[] }>(core, 'history.list', {})
      ).records[0]!;
      const at = new Date(newest.createdAt).getTime();
      // The same instant, and one millisecond later, written an hour ahead of UTC.
      const plusOneHour = (ms: number) => new Date(ms + 3_600_000).toISOString().replace('Z', '+01:00');
      const ids = async (since: string) =>
        (await callOk<{ records: { id: string }[] }>(core, 'history.list', { since })).records.map(
          (r) => r.id,
        );
      expect(await ids(plusOneHour(at))).toContain(newest.id);
      expect(await ids(plusOneHour(at + 1))).not.toContain(newest.id);
      expect(await ids(newest.createdAt.slice(0, 10))).toContain(newest.id);
      for (const since of ['garbage', '2026-13-01', 'yesterday'])
        expect(failure(await core.call('history.list', { since })).code).toBe('BAD_INPUT');
    });

    it.each(['no.such.channel', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
      'answers the unknown channel %j with NOT_FOUND',
      async (channel) => {
        const err = failure(await core.call(channel, {}));
        expect(err.code).toBe('NOT_FOUND');
        expect(httpStatusOf(err.code)).toBe(404);
      },
    );

    it('answers bytes that are not an image with NOT_AN_IMAGE', async () => {
      const bytes = Buffer.from('%PDF-1.4 definitely not a photo').toString('base64');
      const err = failure(await core.call('image.inspect', { source: { name: 'report.pdf', bytes } }));
      expect(err.code).toBe('NOT_AN_IMAGE');
      expect(err.message).toMatch(/report\.pdf/);
    });

    it('answers a missing file with FILE_NOT_FOUND and a folder with BAD_INPUT', async () => {
      const missing = failure(
        await core.call('image.inspect', { source: { path: join(dataDir, 'nope.jpg') } }),
      );
      expect(missing.code).toBe('FILE_NOT_FOUND');
      const folder = failure(await core.call('image.inspect', { source: { path: dataDir } }));
      expect(folder.code).toBe('BAD_INPUT');
    });

    it('writes nothing for a photo it could not read', async () => {
      const before = await facesOnDisk();
      const rows = core.store.vectors.rows;
      failure(
        await core.call('image.inspect', {
          source: { name: 'x.jpg', bytes: Buffer.from('nope').toString('base64') },
        }),
      );
      expect(await facesOnDisk()).toEqual(before);
      expect(core.store.vectors.rows).toBe(rows);
    });
  });
});

describe('dispatch', () => {
  const handlers = {
    'app.health': async () => {
      throw new Error('ENOENT: /home/alice/secret.txt\n    at Object.<anonymous> (/work/x.ts:1:2)');
    },
    'engine.info': async () => {
      throw { code: 'ENGINE_FAILED', message: 'worker exited' };
    },
    'image.inspect': async (input: unknown) => ({ echoed: input }),
  } as never;

  it('hides an unexpected error behind INTERNAL with a generic message', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const err = failure(await dispatch(handlers, 'app.health', {}));
      expect(err).toEqual({ code: 'INTERNAL', message: 'Unexpected internal error' });
      expect(httpStatusOf(err.code)).toBe(500);
      // The details go to the log, not across the boundary.
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it('passes a thrown error shape through', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const err = failure(await dispatch(handlers, 'engine.info', {}));
      expect(err).toEqual({ code: 'ENGINE_FAILED', message: 'worker exited' });
    } finally {
      log.mockRestore();
    }
  });

  it('says in the message what is wrong with an invalid input, each issue in details', async () => {
    const err = failure(await dispatch(handlers, 'image.inspect', { source: { path: '' }, extra: 1 }));
    expect(err.code).toBe('BAD_INPUT');
    const issues = (err.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues.length).toBe(2);
    expect(err.message).toBe(
      `Invalid input for image.inspect: ${issues[0]!.path}: ${issues[0]!.message} (and 1 more)`,
    );
    expect(issues[0]!.path).not.toBe('');
    const one = failure(await dispatch(handlers, 'match.search', { query: { descriptorId: 'x' }, k: 0 }));
    expect(one.message).toMatch(/^Invalid input for match\.search: k: .*>=1$/);
  });

  it('hands the handler the parsed input, and refuses output outside the contract', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const source = { path: '/photos/a.jpg' };
      // The fake inspect handler echoes its input, which is not an InspectResult.
      expect(await dispatch(handlers, 'image.inspect', { source })).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'image.inspect produced an invalid result' },
      });
      expect(log.mock.calls.some((c) => String(c[0]).includes('outside its contract'))).toBe(true);
    } finally {
      log.mockRestore();
    }
  });
});
