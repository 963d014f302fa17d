import { spawnSync } from 'node:child_process';
import sharp from 'sharp';

/** The red/blue Teachable Machine model of the unit tests, made with TensorFlow.js in a child process. */
export function makeModel(dir: string, opts: Record<string, unknown> = {}): void {
  const code = `const m = await import('./src/main/core/test-model.ts');
await m.writeRedBlueModel(${JSON.stringify(dir)}, ${JSON.stringify(opts)});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`could not make the test model: ${r.stderr}`);
}

/** A solid-colour PNG, the test model's input. */
export const solid = (file: string, rgb: { r: number; g: number; b: number }) =>
  sharp({ create: { width: 96, height: 72, channels: 3, background: rgb } })
    .png()
    .toFile(file);
