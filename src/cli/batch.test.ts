import { afterEach, describe, expect, it, vi } from 'vitest';
import { perFile } from './batch';
import { CliFailure } from './output';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs perFile with --json and returns what it printed on stdout, parsed. */
async function jsonOf(run: () => Promise<void>): Promise<unknown> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return JSON.parse(out.join(''));
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('perFile', () => {
  it('runs up to `jobs` files at once and reports them in input order', async () => {
    let inFlight = 0;
    let most = 0;
    // Later files finish first.
    const delays: Record<string, number> = { a: 60, b: 40, c: 20, d: 5, e: 1 };
    const doc = await jsonOf(() =>
      perFile(
        Object.keys(delays),
        'test',
        true,
        async (file) => {
          most = Math.max(most, ++inFlight);
          await sleep(delays[file]!);
          inFlight--;
          if (file === 'c') throw new CliFailure({ code: 'NOT_AN_IMAGE', message: 'c is not an image' });
          return { file };
        },
        () => {},
        { jobs: 2 },
      ),
    );
    expect(most).toBe(2);
    expect(doc).toEqual({
      code: 'NOT_AN_IMAGE',
      message: '1 of 5 files failed',
      results: [
        { file: 'a' },
        { file: 'b' },
        { file: 'c', error: { code: 'NOT_AN_IMAGE', message: 'c is not an image' } },
        { file: 'd' },
        { file: 'e' },
      ],
    });
    expect(process.exitCode).toBe(1);
  });

  it('prints each line without --json in input order, failures on stderr in their place', async () => {
    const lines: string[] = [];
    const err = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((s) => (lines.push(`err ${String(s)}`), true));
    const delays: Record<string, number> = { a: 60, b: 40, c: 20, d: 5, e: 1 };
    try {
      await perFile(
        Object.keys(delays),
        'test',
        false,
        async (file) => {
          await sleep(delays[file]!);
          if (file === 'c') throw new CliFailure({ code: 'NOT_AN_IMAGE', message: 'not an image' });
          return { file };
        },
        (r) => lines.push(`out ${r.file}`),
        { jobs: 3 },
      );
    } finally {
      err.mockRestore();
    }
    expect(lines.filter((l) => l.startsWith('out ') || l.startsWith('err vigil:'))).toEqual([
      'out a',
      'out b',
      'err vigil: c: NOT_AN_IMAGE: not an image\n',
      'out d',
      'out e',
    ]);
  });

  it('starts no file after a fatal error, and fails once the files in flight are done', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const failure = await perFile(
        ['a', 'b', 'c', 'd'],
        'test',
        true,
        async (file) => {
          started.push(file);
          if (file === 'a') {
            await sleep(5);
            throw new CliFailure({ code: 'OUTPUT_NOT_WRITABLE', message: 'no' });
          }
          await sleep(30);
          finished.push(file);
          return { file };
        },
        () => {},
        { fatal: (shape) => shape.code === 'OUTPUT_NOT_WRITABLE', jobs: 2 },
      ).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(CliFailure);
      expect((failure as CliFailure).exitCode).toBe(2);
      expect(started).toEqual(['a', 'b']);
      // b was already running: it was let finish before the command failed.
      expect(finished).toEqual(['b']);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  describe('a warned result (written, but not to be trusted as is)', () => {
    const leaky = (r: { file: string; leaks: number }) =>
      r.leaks
        ? { code: 'FACES_STILL_DETECTED' as const, message: `${r.file}: ${r.leaks} still detectable` }
        : undefined;
    const warning = { of: leaky, summary: (n: number, t: number) => `${n} of ${t} leak` };
    const run = async (file: string) => {
      if (file === 'bad') throw new CliFailure({ code: 'NOT_AN_IMAGE', message: 'bad' });
      return { file, leaks: file === 'leak' ? 2 : 0 };
    };

    it('exits 3 (over a failure’s 1) and names the code in the result and the document', async () => {
      const doc = await jsonOf(() =>
        perFile(['ok', 'leak', 'bad'], 'test', true, run, () => {}, { warning }),
      );
      expect(doc).toEqual({
        code: 'FACES_STILL_DETECTED',
        message: '1 of 3 leak; 1 of 3 files failed',
        results: [
          { file: 'ok', leaks: 0 },
          {
            file: 'leak',
            leaks: 2,
            warning: { code: 'FACES_STILL_DETECTED', message: 'leak: 2 still detectable' },
          },
          { file: 'bad', error: { code: 'NOT_AN_IMAGE', message: 'bad' } },
        ],
      });
      expect(process.exitCode).toBe(3);
      process.exitCode = undefined;
      await jsonOf(() => perFile(['ok', 'leak'], 'test', true, run, () => {}, { warning }));
      expect(process.exitCode).toBe(3);
      process.exitCode = undefined;
      expect(await jsonOf(() => perFile(['ok'], 'test', true, run, () => {}, { warning }))).toEqual({
        results: [{ file: 'ok', leaks: 0 }],
      });
      expect(process.exitCode).toBeUndefined();
    });

    it('without --json keeps the result line on stdout and says the warning on stderr', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
      try {
        await perFile(['ok', 'leak'], 'test', false, run, (r) => out.push(r.file), { warning });
      } finally {
        e.mockRestore();
      }
      expect(out).toEqual(['ok', 'leak']);
      expect(err.filter((l) => l.startsWith('vigil:'))).toEqual([
        'vigil: FACES_STILL_DETECTED: leak: 2 still detectable\n',
      ]);
      expect(process.exitCode).toBe(3);
    });
  });

  it("an `after` step's failure (the export could not be written) is part of the one JSON document, exit 1", async () => {
    const doc = await jsonOf(() =>
      perFile(
        ['a'],
        'test',
        true,
        async (file) => ({ file }),
        () => {},
        {
          after: async () => {
            throw new CliFailure({
              code: 'OUTPUT_NOT_WRITABLE',
              message: 'Cannot write x.csv: the disk is full',
            });
          },
        },
      ),
    );
    expect(doc).toEqual({
      code: 'OUTPUT_NOT_WRITABLE',
      message: 'Cannot write x.csv: the disk is full',
      results: [{ file: 'a' }],
    });
    expect(process.exitCode).toBe(1);
  });
});
