#!/usr/bin/env node
// Fills resources/models from installed npm packages and checks every file against the sha256
// manifest. Nothing is downloaded. `--update` rewrites the manifest's hashes (after a deliberate bump).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const manifestPath = join(root, 'resources/models/manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const update = process.argv.includes('--update');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
// Walk Node's lookup paths: some packages (human) do not export their package.json.
const packageDir = (name) => {
  const dir = require.resolve
    .paths(name)
    ?.map((p) => join(p, name))
    .find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`models: package ${name} is not installed (run npm ci)`);
  return dir;
};

let failed = 0;
for (const model of manifest.models) {
  for (const file of model.files) {
    const src = join(packageDir(model.package), model.packagePath, file.name);
    const dst = join(root, 'resources/models', file.name);
    mkdirSync(dirname(dst), { recursive: true });
    if (!existsSync(dst) || sha256(dst) !== file.sha256) copyFileSync(src, dst);
    const actual = sha256(dst);
    if (update) file.sha256 = actual;
    else if (actual !== file.sha256) {
      console.error(
        `models: ${file.name} from ${model.package}: sha256 ${actual} != manifest ${file.sha256}`,
      );
      failed++;
    }
  }
}
if (update) writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
if (failed) process.exit(1);
console.error(`models: ${manifest.models.length} models ready in resources/models`);
