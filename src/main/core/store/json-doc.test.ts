import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { VigilError, type ErrorCode } from '../../../shared/errors';
import { tempDir } from '../test-support';
import { openJsonDoc, readJsonDoc, readRaw, type DocSpec } from './json-doc';

const v2Schema = z.object({
  version: z.literal(2),
  items: z.array(z.object({ id: z.number().int(), label: z.string() })),
  note: z.string(),
});
type V2 = z.output<typeof v2Schema>;

/** Version 1 kept `labels: string[]`; version 2 has `items` with ids and a note. */
/** A write can be made to fail at its rename, as on a full disk. */
const fault = vi.hoisted(() => ({ failRename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      if (fault.failRename) throw Object.assign(new Error('ENOSPC (test)'), { code: 'ENOSPC' });
      return fs.rename(from, to);
    },
  };
});

function spec(file: string): DocSpec<typeof v2Schema> {
  return {
    file,
    schema: v2Schema,
    version: 2,
    initial: () => ({ version: 2 as const, items: [], note: '' }),
    migrations: {
      1: (doc) => ({
        items: ((doc.labels as string[] | undefined) ?? []).map((label, id) => ({ id, label })),
        note: 'migrated',
      }),
    },
  };
}

async function openError(file: string): Promise<VigilError> {
  const err = await openJsonDoc(spec(file)).then(
    () => {
      throw new Error('openJsonDoc resolved; expected a VigilError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  return err as VigilError;
}

/** Opening `content` must fail with `code` and leave the file byte for byte as it was. */
async function expectRefused(content: string, code: ErrorCode): Promise<VigilError> {
  const dir = tempDir();
  const file = join(dir, 'doc.json');
  await writeFile(file, content);
  const err = await openError(file);
  expect(err.code).toBe(code);
  expect(await readFile(file, 'utf8')).toBe(content);
  expect(await readdir(dir)).toEqual(['doc.json']);
  return err;
}

describe('openJsonDoc', () => {
  it('starts from initial() when the file does not exist', async () => {
    const file = join(tempDir(), 'doc.json');
    const db = await openJsonDoc(spec(file));
    expect(db.data).toEqual({ version: 2, items: [], note: '' });
  });

  it('round-trips data through the file', async () => {
    const file = join(tempDir(), 'doc.json');
    const db = await openJsonDoc(spec(file));
    const data: V2 = { version: 2, items: [{ id: 7, label: 'ünïcødé "quoted" \n line' }], note: 'n' };
    await db.update((d) => Object.assign(d, data));
    expect(await readRaw(file)).toEqual(data);
    const again = await openJsonDoc(spec(file));
    expect(again.data).toEqual(data);
  });

  it('a change whose write failed is put back, so a later write does not save it after all', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    const db = await openJsonDoc(spec(file));
    await db.update((d) => d.items.push({ id: 1, label: 'kept' }));
    fault.failRename = true;
    await expect(db.update((d) => d.items.push({ id: 2, label: 'reported as failed' }))).rejects.toThrow();
    fault.failRename = false;
    expect(db.data.items.map((i) => i.id)).toEqual([1]);
    expect(await readdir(dir)).toEqual(['doc.json']);
    await db.update((d) => d.items.push({ id: 3, label: 'after' }));
    expect(((await readRaw(file)) as V2).items.map((i) => i.id)).toEqual([1, 3]);
  });

  it('writes atomically: no temp file is left and the file always parses', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    const db = await openJsonDoc(spec(file));
    for (let i = 0; i < 5; i++) {
      await db.update((d) => {
        d.items.push({ id: i, label: 'x'.repeat(1000) });
      });
      expect(await readdir(dir)).toEqual(['doc.json']);
      expect(v2Schema.parse(await readRaw(file)).items).toHaveLength(i + 1);
    }
  });

  it('keeps every one of 200 concurrent updates', async () => {
    const file = join(tempDir(), 'doc.json');
    const db = await openJsonDoc(spec(file));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db.update((d) => {
          d.items.push({ id: i, label: `item ${i}` });
        }),
      ),
    );
    expect(db.data.items).toHaveLength(200);
    const reopened = await openJsonDoc(spec(file));
    expect(reopened.data.items.map((x) => x.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  it('refuses invalid JSON with STORE_CORRUPT and leaves the file untouched', async () => {
    const err = await expectRefused('{"version": 2, "items": [', 'STORE_CORRUPT');
    expect(err.message).toMatch(/doc\.json/);
    expect(err.message).toMatch(/untouched/);
  });

  it('refuses a document without a version, or not matching its schema, with STORE_CORRUPT', async () => {
    await expectRefused('{"items": []}', 'STORE_CORRUPT');
    await expectRefused('[1, 2, 3]', 'STORE_CORRUPT');
    await expectRefused('null', 'STORE_CORRUPT');
    await expectRefused('{"version": 2, "items": [{"id": "seven"}], "note": ""}', 'STORE_CORRUPT');
  });

  it('refuses a document from a newer schema with STORE_VERSION and leaves it untouched', async () => {
    const err = await expectRefused(
      '{"version": 3, "items": [], "note": "", "future": true}',
      'STORE_VERSION',
    );
    expect(err.message).toMatch(/newer/);
  });

  it('migrates version 1 to 2 after backing up the original', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    const original = JSON.stringify({ version: 1, labels: ['alice', 'bob'] });
    await writeFile(file, original);
    const db = await openJsonDoc(spec(file));
    expect(db.data).toEqual({
      version: 2,
      items: [
        { id: 0, label: 'alice' },
        { id: 1, label: 'bob' },
      ],
      note: 'migrated',
    });
    expect(await readFile(`${file}.v1.bak`, 'utf8')).toBe(original);
    expect(await readRaw(file)).toEqual(db.data);
    expect((await readdir(dir)).sort()).toEqual(['doc.json', 'doc.json.v1.bak']);
    // A second open finds version 2 and migrates nothing.
    const again = await openJsonDoc(spec(file));
    expect(again.data).toEqual(db.data);
  });

  it('refuses a version with no migration path with STORE_VERSION, without rewriting the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    const original = JSON.stringify({ version: 0, stuff: [] });
    await writeFile(file, original);
    const err = await openError(file);
    expect(err.code).toBe('STORE_VERSION');
    expect(await readFile(file, 'utf8')).toBe(original);
  });
});

describe('readJsonDoc (a reader without the lock)', () => {
  it('migrates an older document in memory only: no backup, the file as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    const original = JSON.stringify({ version: 1, labels: ['alice'] });
    await writeFile(file, original);
    expect(await readJsonDoc(spec(file))).toEqual({
      version: 2,
      items: [{ id: 0, label: 'alice' }],
      note: 'migrated',
    });
    expect(await readFile(file, 'utf8')).toBe(original);
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it("gives openJsonDoc's errors and null for a missing file, writing nothing", async () => {
    const dir = tempDir();
    const file = join(dir, 'doc.json');
    expect(await readJsonDoc(spec(file))).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    for (const [content, code] of [
      ['{"version": 2, "items": [', 'STORE_CORRUPT'],
      ['{"items": []}', 'STORE_CORRUPT'],
      ['{"version": 2, "items": [{"id": "seven"}], "note": ""}', 'STORE_CORRUPT'],
      ['{"version": 3, "items": [], "note": ""}', 'STORE_VERSION'],
      ['{"version": 0}', 'STORE_VERSION'],
    ] as const) {
      await writeFile(file, content);
      const read = await readJsonDoc(spec(file)).catch((e: unknown) => e);
      const opened = await openError(file);
      expect(read).toBeInstanceOf(VigilError);
      expect([(read as VigilError).code, (read as VigilError).message]).toEqual([code, opened.message]);
      expect(await readFile(file, 'utf8')).toBe(content);
      await rm(`${file}.v0.bak`, { force: true });
    }
  });
});
