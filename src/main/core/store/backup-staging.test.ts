import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support';
import { createBackup, restoreBackup } from './backup';
import { openStore } from './store';

/** A folder as a killed restore leaves it, marked by `owner` ("<pid> <host>"), or unmarked. */
function leftStaging(dir: string, owner: string | null): string {
  mkdirSync(dir);
  writeFileSync(join(dir, 'faces.vec'), 'biometric');
  if (owner !== null) writeFileSync(join(dir, '.vigil-staging.pid'), owner);
  return dir;
}

describe('restoreBackup and the staging folders of killed restores', () => {
  it('removes only its data dir’s staging folders whose marked owner is gone', async () => {
    const root = tempDir();
    const archive = join(root, 'b.tar.gz');
    const src = join(root, 'src');
    await (await openStore(src)).close();
    await createBackup(src, archive);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const here = hostname();
    const data = join(root, 'data');

    const stale = leftStaging(`${data}.restore-1`, `${gone} ${here}`);
    const kept = [
      leftStaging(`${data}.restore-2`, `${process.pid} ${here}`), // its owner still runs
      leftStaging(`${data}.restore-3`, null), // not marked: maybe not Vigil's
      leftStaging(`${data}.restore-4`, `${gone} another-host`), // a process elsewhere
      leftStaging(`${data}.restore-5x`, `${gone} ${here}`), // not the exact name
      leftStaging(`${data}.before-restore-6`, `${gone} ${here}`), // the user's previous data
      leftStaging(join(root, 'other.restore-7'), `${gone} ${here}`), // another data dir's
    ];
    // A link by the name is never followed.
    mkdirSync(join(root, 'elsewhere'));
    leftStaging(join(root, 'elsewhere', 'target'), `${gone} ${here}`);
    symlinkSync(join(root, 'elsewhere', 'target'), `${data}.restore-8`);

    await restoreBackup(archive, data);
    expect(existsSync(stale)).toBe(false);
    for (const dir of kept) expect(existsSync(join(dir, 'faces.vec')), dir).toBe(true);
    expect(existsSync(join(root, 'elsewhere', 'target', 'faces.vec'))).toBe(true);
    // The marker never reaches the restored data dir.
    expect(readdirSync(data)).not.toContain('.vigil-staging.pid');
  });
});
