import { existsSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

export const SAMPLES = join(process.cwd(), 'node_modules/@vladmandic/face-api/demo');
/** Third-party evaluation photos beside the checkout (never committed); benches skip them when absent. */
export const DATASETS = join(process.cwd(), '..', 'shared', 'datasets');
export const hasDatasets = () => existsSync(DATASETS);

/** Prints why a dataset benchmark is skipped and returns true when the photos are absent. */
export function skipWithoutDatasets(): boolean {
  if (hasDatasets()) return false;
  console.log(
    `skipped: ${DATASETS} is absent (evaluation photos are never committed; see docs/calibration.md)`,
  );
  return true;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (v: number[]) => percentile(v, 50);
export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.arch()}`;
}
