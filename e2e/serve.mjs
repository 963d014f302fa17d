// Starts `vigil serve` on a fresh temporary data directory for the browser e2e tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const data = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
const child = spawn(
  process.execPath,
  ['bin/vigil.js', 'serve', '--port', process.env.E2E_PORT ?? '7461', '--data', data],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
const stop = () => {
  child.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  rmSync(data, { recursive: true, force: true });
  // Folders a restore keeps beside the data (`<data>.before-restore-<time>`) go with it.
  for (const name of readdirSync(tmpdir()))
    if (name.startsWith(`${basename(data)}.`)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  process.exit(code ?? 0);
});
