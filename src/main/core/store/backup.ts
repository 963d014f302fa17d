import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as tar from 'tar';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { VERSION } from '../version';
import { lockDataDir, openStore } from './store';

const MANIFEST = '.vigil-backup.json';

const manifestSchema = z.object({
  format: z.literal('vigil-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  appVersion: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
});

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file of the data dir except temp files and the manifest, as POSIX relative paths. */
async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, full)));
    else if (
      e.isFile() &&
      !e.name.endsWith('.tmp') &&
      e.name !== MANIFEST &&
      !e.name.startsWith('.vigil.lock')
    )
      out.push(relative(root, full).split(sep).join('/'));
  }
  return out.sort();
}

/** The whole data dir as one .tar.gz with a manifest of sizes and sha256 (verified on restore). */
export async function createBackup(
  dataDir: string,
  destFile: string,
): Promise<{ file: string; files: number; bytes: number }> {
  const files = await listFiles(dataDir);
  const manifest: z.infer<typeof manifestSchema> = {
    format: 'vigil-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    appVersion: VERSION,
    files: [],
  };
  for (const path of files) {
    const full = join(dataDir, path);
    manifest.files.push({ path, size: (await stat(full)).size, sha256: await sha256File(full) });
  }
  // The manifest goes in first; it is written beside the data only for the time tar reads it.
  const manifestFile = join(dataDir, MANIFEST);
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  const tmp = `${destFile}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(destFile), { recursive: true });
    await tar.c({ gzip: true, file: tmp, cwd: dataDir, portable: true }, [MANIFEST, ...files]);
    await rename(tmp, destFile);
  } finally {
    await unlink(manifestFile).catch(() => undefined);
    await rm(tmp, { force: true });
  }
  return { file: destFile, files: files.length, bytes: (await stat(destFile)).size };
}

/**
 * Restores a backup into `dataDir`: unpacks next to it, checks every file against the manifest
 * and opens the store, and only then swaps it in. A data dir that was not empty is kept beside
 * it (`<dir>.before-restore-<time>`); on any failure nothing is replaced.
 */
export async function restoreBackup(
  backupFile: string,
  dataDir: string,
): Promise<{ files: number; previous: string | null }> {
  await stat(backupFile).catch(() => {
    throw new VigilError('FILE_NOT_FOUND', `Cannot read ${backupFile}`);
  });
  const staging = `${dataDir}.restore-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await tar
      .x({ file: backupFile, cwd: staging, strict: true, preservePaths: false })
      .catch((err: Error) => {
        throw new VigilError('BAD_INPUT', `${basename(backupFile)} is not a Vigil backup (${err.message})`);
      });
    const raw = await readFile(join(staging, MANIFEST), 'utf8').catch(() => {
      throw new VigilError('BAD_INPUT', `${basename(backupFile)} has no Vigil backup manifest`);
    });
    const manifest = manifestSchema.safeParse(JSON.parse(raw));
    if (!manifest.success)
      throw new VigilError('BAD_INPUT', `${basename(backupFile)} has an unreadable manifest`);
    const present = await listFiles(staging);
    const expected = manifest.data.files.map((f) => f.path).sort();
    if (present.join('\n') !== expected.join('\n')) {
      throw new VigilError(
        'STORE_CORRUPT',
        `${basename(backupFile)} does not hold the files its manifest lists`,
      );
    }
    for (const f of manifest.data.files) {
      const full = join(staging, f.path);
      if ((await stat(full)).size !== f.size || (await sha256File(full)) !== f.sha256) {
        throw new VigilError(
          'STORE_CORRUPT',
          `${f.path} in ${basename(backupFile)} is damaged (checksum mismatch)`,
        );
      }
    }
    await unlink(join(staging, MANIFEST));
    // Opening validates every document and the vector files before anything is replaced.
    const store = await openStore(staging);
    await store.close();

    let previous: string | null = null;
    const existing = await readdir(dataDir).catch(() => null);
    if (existing) {
      // Refuse while the app, a server or another command has this data dir open.
      const unlock = await lockDataDir(dataDir);
      await unlock();
    }
    if (existing && existing.length > 0) {
      previous = `${dataDir}.before-restore-${Date.now()}`;
      await rename(dataDir, previous);
    } else if (existing) await rm(dataDir, { recursive: true });
    await rename(staging, dataDir);
    return { files: manifest.data.files.length, previous };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
