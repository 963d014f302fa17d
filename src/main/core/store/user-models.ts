import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { modelInputSchema } from '../../../shared/classify-schemas';
import { jsonOrNull } from '../../../shared/json';

/** Beside the copied model files: what the import found, so listing never reloads a model. */
export const DESCRIPTOR_FILE = 'vigil-model.json';

export const userModelDescriptorSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  format: z.enum(['graph', 'layers']),
  labels: z.array(z.string()).min(1),
  labelsFrom: z.enum(['metadata.json', 'labels.txt']),
  input: modelInputSchema,
  sizeBytes: z.number().int().nonnegative(),
  importedAt: z.string(),
  source: z.string(),
});
export type UserModelDescriptor = z.infer<typeof userModelDescriptorSchema>;

export interface StoredModel {
  /** The folder in the data dir holding model.json, its weights and the descriptor. */
  dir: string;
  descriptor: UserModelDescriptor;
}

/**
 * Users' models under `<data>/models/<id>/`: a copy of the files they imported plus a
 * descriptor. A model is staged in a hidden folder and renamed into place once complete, so a
 * crash mid-import leaves no half model in the list (stale staging folders go on the next open).
 */
export class UserModelStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'models');
  }

  async list(): Promise<StoredModel[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const out: StoredModel[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dir = join(this.root, e.name);
      const raw = await readFile(join(dir, DESCRIPTOR_FILE), 'utf8').catch(() => null);
      const parsed = raw === null ? null : userModelDescriptorSchema.safeParse(jsonOrNull(raw));
      if (parsed?.success) out.push({ dir, descriptor: parsed.data });
      else console.error(`[vigil] models: ${dir} has no valid ${DESCRIPTOR_FILE}; it is not listed`);
    }
    return out.sort((a, b) => a.descriptor.name.localeCompare(b.descriptor.name));
  }

  async find(name: string): Promise<StoredModel | null> {
    const key = name.trim().toLowerCase();
    return (await this.list()).find((m) => m.descriptor.name.toLowerCase() === key) ?? null;
  }

  /** A fresh staging folder; `commit` moves it into the list, `discard` removes it. */
  async stage(): Promise<{
    dir: string;
    commit(d: UserModelDescriptor): Promise<StoredModel>;
    discard(): Promise<void>;
  }> {
    await mkdir(this.root, { recursive: true });
    const id = randomUUID();
    const dir = join(this.root, `.incoming-${id}`);
    await mkdir(dir);
    return {
      dir,
      commit: async (descriptor) => {
        await writeFile(join(dir, DESCRIPTOR_FILE), JSON.stringify(descriptor, null, 2));
        const final = join(this.root, id);
        await rename(dir, final);
        return { dir: final, descriptor };
      },
      discard: () => rm(dir, { recursive: true, force: true }),
    };
  }

  async remove(model: StoredModel): Promise<void> {
    // Renamed first, so the list never shows a half-deleted model.
    const trash = join(this.root, `.removing-${randomUUID()}`);
    await rename(model.dir, trash);
    await rm(trash, { recursive: true, force: true });
  }

  /** Removes staging folders left by an import or removal that did not finish. */
  async sweep(): Promise<void> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    for (const name of entries) {
      if (name.startsWith('.incoming-') || name.startsWith('.removing-'))
        await rm(join(this.root, name), { recursive: true, force: true });
    }
  }
}

/** Copies `files` (paths relative to `from`) into `to`, creating sub-folders; returns total bytes. */
export async function copyFiles(from: string, to: string, files: string[]): Promise<number> {
  let bytes = 0;
  for (const rel of files) {
    const dst = join(to, rel);
    await mkdir(join(dst, '..'), { recursive: true });
    await copyFile(join(from, rel), dst);
    bytes += (await stat(dst)).size;
  }
  return bytes;
}
