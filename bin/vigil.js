#!/usr/bin/env node
// `npx vigil …` runs the CLI bundled by `npm run build` (out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  const msg = 'Vigil is not built yet: run `npm run build` first.';
  if (process.argv.includes('--json'))
    process.stdout.write(JSON.stringify({ code: 'INTERNAL', message: msg }) + '\n');
  else process.stderr.write(`vigil: ${msg}\n`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
