import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddingFile, rowsPointedAt } from './embeddings';
import { SeenFaceLog, type SeenFace } from './seen-faces';

/** Deleted seen faces leave zeroed rows in faces.vec; reclaimed once they outnumber this and the live ones. */
export const COMPACT_MIN_DEAD_ROWS = 10_000;

export interface SeenFiles {
  dir: string;
  dim: number;
  model: string;
}

const paths = (dir: string) => ({
  log: join(dir, 'faces.jsonl'),
  vec: join(dir, 'faces.vec'),
  legacy: join(dir, 'faces.json'),
  nextLog: join(dir, 'faces.jsonl.next'),
  nextVec: join(dir, 'faces.vec.next'),
});

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Makes renames in `dir` durable in order (where the platform can sync a directory). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}

/**
 * Opens the seen faces and their descriptor rows, first finishing or undoing a compaction a
 * crash cut short, and compacting when deleted rows dominate (retention keeps deleting faces,
 * and faces.vec would otherwise only grow). The two files change together: both new files are
 * written and synced beside the old ones (`.next`), then faces.vec is renamed over, then
 * faces.jsonl. So a `faces.jsonl.next` alone means the first rename happened (finish it), and
 * both `.next` files mean none did (drop them; the old pair is intact).
 */
export async function openSeenFaces(
  spec: SeenFiles,
  minDead = COMPACT_MIN_DEAD_ROWS,
): Promise<{ faces: SeenFaceLog; vectors: EmbeddingFile; compacted: boolean }> {
  const p = paths(spec.dir);
  if (await exists(p.nextLog)) {
    if (await exists(p.nextVec)) await Promise.all([rm(p.nextLog), rm(p.nextVec)]);
    else await rename(p.nextLog, p.log);
  }
  await rm(p.nextVec, { force: true });
  const openBoth = async () => {
    const faces = await SeenFaceLog.open(p.log, { model: spec.model, legacyJson: p.legacy });
    try {
      return { faces, vectors: await EmbeddingFile.open(p.vec, spec.dim, rowsPointedAt(faces.values())) };
    } catch (err) {
      await faces.close();
      throw err;
    }
  };
  const first = await openBoth();
  const dead = first.vectors.rows - first.faces.size;
  if (dead <= Math.max(minDead, first.faces.size)) return { ...first, compacted: false };

  // Live rows in their old order, renumbered from 0.
  const live = [...first.faces.values()].sort((a, b) => a.row - b.row);
  const next: SeenFace[] = live.map((f, i) => ({ ...f, row: i }));
  const vec = await open(p.nextVec, 'w');
  try {
    await vec.write(EmbeddingFile.header(spec.dim));
    for (const f of live) {
      const v = await first.vectors.read(f.row);
      await vec.write(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }
    await vec.datasync();
  } finally {
    await vec.close();
  }
  const log = await open(p.nextLog, 'w');
  try {
    await log.write(SeenFaceLog.lines(first.faces.model, next).join('\n') + '\n');
    await log.datasync();
  } finally {
    await log.close();
  }
  await Promise.all([first.faces.close(), first.vectors.close()]);
  await rename(p.nextVec, p.vec);
  await syncDir(spec.dir);
  await rename(p.nextLog, p.log);
  await syncDir(spec.dir);
  return { ...(await openBoth()), compacted: true };
}
