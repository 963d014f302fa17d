import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry';
import { VERSION } from '../version';

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(full);
    else if (e.isFile()) total += (await stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

export async function diagnostics(store: Store, engine: Engine, telemetry: Telemetry) {
  const subjects = store.watchlist.data.subjects;
  return {
    version: VERSION,
    startedAt: telemetry.startedAt,
    platform: {
      os: process.platform,
      arch: process.arch,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
    },
    engine: engine.info(),
    dataDir: store.dir,
    dataBytes: await dirBytes(store.dir),
    counts: {
      subjects: subjects.length,
      enrolledFaces: subjects.reduce((n, s) => n + s.faces.length, 0),
      seenFaces: store.faces.size,
      history: store.history.size,
    },
    latency: telemetry.latency(),
    recentErrors: telemetry.recentErrors(),
    modelChange: store.watchlist.data.modelChange ?? null,
  };
}
