import { readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

export const MODEL_SCHEME = 'vigil-model://';

/** The slice of tfjs-core's io API this module needs (human exposes it as `human.tf.io`). */
interface TfIo {
  registerLoadRouter(router: (url: string | string[]) => unknown): void;
}

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

/** Resolves `rel` under `root`, refusing anything that escapes it. */
function within(root: string, rel: string): string {
  const full = resolve(root, rel);
  if (full !== root && !full.startsWith(root + sep)) throw new Error(`model path escapes models dir: ${rel}`);
  return full;
}

/** Reads a graph model (model.json with its signature, plus weight shards) from disk. */
export async function loadModelArtifacts(modelsDir: string, rel: string) {
  const root = resolve(modelsDir);
  const file = within(root, rel);
  const json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  const weightSpecs: unknown[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(await readFile(within(dirname(file), p)));
  }
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    // Without the signature, faceres loses its named 1024-d descriptor output.
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

/**
 * Serves `vigil-model://name.json` from `modelsDir`. The WASM build of human cannot load
 * file:// URLs, and nothing may be fetched from a network, so every model goes through here.
 */
export function registerDiskModelRouter(io: TfIo, modelsDir: string): void {
  io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(MODEL_SCHEME)) return null;
    return { load: () => loadModelArtifacts(modelsDir, url.slice(MODEL_SCHEME.length)) };
  });
}
