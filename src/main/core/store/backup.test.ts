import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors';
import { createTestCore, sampleImage, tempDir } from '../test-support';
import { createBackup, restoreBackup } from './backup';

async function dataWithWatchlistAndHistory(dir: string) {
  const data = join(dir, 'data');
  const core = await createTestCore(data);
  const face = join(dir, 'face.jpg');
  await sharp(sampleImage(1)).extract({ left: 250, top: 230, width: 520, height: 520 }).toFile(face);
  const s = await core.call('watchlist.create', { name: 'Alice' });
  if (!s.ok) throw new Error(s.error.message);
  const id = (s.value as { id: string }).id;
  await core.call('watchlist.enroll', { subjectId: id, source: { path: face } });
  const ident = await core.call('match.identify', { source: { path: sampleImage(1) } });
  if (!ident.ok) throw new Error(ident.error.message);
  const history = await core.call('history.list', {});
  await core.close();
  return { data, subjectId: id, identify: ident.value, history: history.ok ? history.value : null };
}

describe('backup and restore', () => {
  it('never replaces a file that took the backup’s name while it was packed', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'taken.tar.gz');
    writeFileSync(archive, 'somebody else’s file');
    await expect(createBackup(src.data, archive)).rejects.toMatchObject({
      code: 'TARGET_NOT_EMPTY',
      details: { file: archive, reason: 'exists' },
    });
    expect(readFileSync(archive, 'utf8')).toBe('somebody else’s file');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('restores into an empty data dir with the same watchlist, matches and history', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'backup.tar.gz');
    const b = await createBackup(src.data, archive);
    expect(b.files).toBeGreaterThan(5);
    if (process.platform !== 'win32') expect(statSync(archive).mode & 0o777).toBe(0o600);
    expect(readdirSync(src.data).some((f) => f.startsWith('.vigil-backup'))).toBe(false);

    const target = join(dir, 'restored');
    const r = await restoreBackup(archive, target);
    expect(r.previous).toBeNull();
    const core = await createTestCore(target);
    try {
      const wl = await core.call('watchlist.get', { id: src.subjectId });
      expect(wl.ok && (wl.value as { faces: unknown[] }).faces).toHaveLength(1);
      const hist = await core.call('history.list', {});
      expect(hist.ok && hist.value).toEqual(src.history);
      const again = await core.call('match.identify', { source: { path: sampleImage(1) } });
      if (!again.ok) throw new Error(again.error.message);
      const verdicts = (v: unknown) => (v as { faces: { verdict: string }[] }).faces.map((f) => f.verdict);
      expect(verdicts(again.value)).toEqual(verdicts(src.identify));
    } finally {
      await core.close();
    }
  });

  it('refuses a damaged archive and leaves the data dir as it was', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'backup.tar.gz');
    await createBackup(src.data, archive);
    // Re-pack with one file changed after the manifest was made.
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    await tar.x({ file: archive, cwd: unpacked });
    writeFileSync(
      join(unpacked, 'watchlist.json'),
      readFileSync(join(unpacked, 'watchlist.json'), 'utf8').replace('Alice', 'Mallory'),
    );
    const tampered = join(dir, 'tampered.tar.gz');
    await tar.c({ gzip: true, file: tampered, cwd: unpacked }, readdirSync(unpacked));

    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'precious');
    const err = await restoreBackup(tampered, target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('STORE_CORRUPT');
    expect(readdirSync(target)).toEqual(['keep.txt']);
    expect(readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([]);

    const notBackup = join(dir, 'not.tar.gz');
    writeFileSync(notBackup, 'hello');
    expect(((await restoreBackup(notBackup, target).catch((e: unknown) => e)) as VigilError).code).toBe(
      'BAD_INPUT',
    );
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('refuses an archive damaged inside its tar headers once, without a listener-leak warning', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'backup.tar.gz');
    await createBackup(src.data, archive);
    // The tar garbled from its second entry's header on (gzip intact): tar errs on the garbage,
    // header after header.
    const raw = gunzipSync(readFileSync(archive));
    const firstSize = parseInt(raw.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
    const from = 512 + Math.ceil(firstSize / 512) * 512;
    for (let i = from; i < from + 4000 && i < raw.length; i++) raw[i]! ^= 0x55;
    const damaged = join(dir, 'damaged.tar.gz');
    writeFileSync(damaged, gzipSync(raw));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const err = await restoreBackup(damaged, join(dir, 'target')).catch((e: unknown) => e);
      expect((err as VigilError).code).toMatch(/^(BAD_INPUT|STORE_CORRUPT)$/);
      await new Promise((r) => setTimeout(r, 50)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('refuses a truncated archive as damaged and leaves no unpacked file behind', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'backup.tar.gz');
    await createBackup(src.data, archive);
    const whole = readFileSync(archive);
    // Cut mid-archive: tar is still writing the entries it read (face crops among them) when
    // the gzip error comes; the cleanup must wait for those writes, not race them.
    for (const fraction of [0.25, 0.5, 0.75]) {
      const cut = join(dir, `cut-${fraction}.tar.gz`);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * fraction)));
      const target = join(dir, `target-${fraction}`);
      const err = await restoreBackup(cut, target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe('BAD_INPUT');
      expect((err as VigilError).message).toMatch(/cut-0\.\d+\.tar\.gz is truncated/);
      expect(existsSync(target)).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('keeps a non-empty data dir aside instead of overwriting it', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'b.tar.gz');
    await createBackup(src.data, archive);
    const r = await restoreBackup(archive, src.data);
    expect(r.previous).not.toBeNull();
    expect(existsSync(join(r.previous!, 'watchlist.json'))).toBe(true);
    expect(existsSync(join(src.data, 'watchlist.json'))).toBe(true);
  });

  it('says what is wrong with a backup, naming it: empty, from a newer Vigil, or holding a damaged store', async () => {
    const dir = tempDir();
    const src = await dataWithWatchlistAndHistory(dir);
    const archive = join(dir, 'backup.tar.gz');
    await createBackup(src.data, archive);
    /** The backup re-packed after `change` edits its unpacked files, checksums made to agree. */
    async function repacked(name: string, change: (folder: string) => void) {
      const folder = join(dir, `${name}-files`);
      mkdirSync(folder);
      await tar.x({ file: archive, cwd: folder });
      change(folder);
      const manifestFile = join(folder, '.vigil-backup.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
        files: { path: string; size: number; sha256: string }[];
      };
      for (const f of manifest.files) {
        const bytes = readFileSync(join(folder, f.path));
        f.size = bytes.length;
        f.sha256 = createHash('sha256').update(bytes).digest('hex');
      }
      writeFileSync(
        manifestFile,
        JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), files: manifest.files }),
      );
      const file = join(dir, name);
      await tar.c({ gzip: true, file, cwd: folder }, readdirSync(folder));
      return file;
    }
    const failure = async (file: string) => {
      const target = join(dir, `target-${basename(file)}`);
      const err = (await restoreBackup(file, target).catch((e: unknown) => e)) as VigilError;
      expect(err).toBeInstanceOf(VigilError);
      expect(existsSync(target)).toBe(false);
      return { code: err.code, message: err.message, details: err.details };
    };

    const empty = join(dir, 'empty.tar.gz');
    writeFileSync(empty, '');
    expect(await failure(empty)).toEqual({
      code: 'BAD_INPUT',
      message: 'empty.tar.gz is empty (0 bytes): not a Vigil backup',
      details: { backup: 'empty.tar.gz', problem: 'empty' },
    });

    const newer = await repacked('newer.tar.gz', (folder) => {
      const m = join(folder, '.vigil-backup.json');
      writeFileSync(m, JSON.stringify({ ...JSON.parse(readFileSync(m, 'utf8')), version: 99 }));
    });
    expect(await failure(newer)).toMatchObject({
      code: 'STORE_VERSION',
      message: expect.stringMatching(/^newer\.tar\.gz was made by a newer Vigil \(backup format 99/),
      details: { backup: 'newer.tar.gz', problem: 'newer', version: 99 },
    });

    const broken = await repacked('broken.tar.gz', (folder) =>
      writeFileSync(join(folder, 'watchlist.json'), '{oops'),
    );
    expect(await failure(broken)).toEqual({
      code: 'STORE_CORRUPT',
      message: 'broken.tar.gz holds a data folder Vigil cannot open: watchlist.json is not valid JSON',
      details: { backup: 'broken.tar.gz', problem: 'store', path: 'watchlist.json' },
    });
  });
});
