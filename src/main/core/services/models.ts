import { lstat, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import {
  BUILTIN_MODELS,
  DEFAULT_BUILTIN_MODEL,
  modelNameSchema,
  type ModelEntry,
  type ModelInput,
  type Normalization,
  type modelImportInputSchema,
} from '../../../shared/classify-schemas';
import { COCO_LABELS } from '../../../shared/coco-labels';
import { VigilError, type ModelInvalidKind } from '../../../shared/errors';
import type { ObjectModelName, UserModelSpec } from '../engine/classify-protocol';
import type { Engine } from '../engine/engine';
import type { Store } from '../store/store';
import { copyFiles, UserModelStore, type StoredModel, type UserModelDescriptor } from '../store/user-models';

/** Largest model folder accepted (weights included). */
const MAX_MODEL_BYTES = 1024 ** 3;
/** Input size when neither the model, its metadata nor the user says. */
const FALLBACK_SIZE = 224;

/** Pixel (0…255) × scale + offset for each normalisation. */
export const NORMALIZATION_AFFINE: Record<Normalization, { scale: number; offset: number }> = {
  teachable: { scale: 1 / 127, offset: -1 },
  symmetric: { scale: 1 / 127.5, offset: -1 },
  unit: { scale: 1 / 255, offset: 0 },
  raw: { scale: 1, offset: 0 },
};

const BUILTIN_INPUT: Record<ObjectModelName, ModelInput> = {
  centernet: { width: 512, height: 512, channels: 3, normalization: 'raw', fit: 'fill' },
  nanodet: { width: 416, height: 416, channels: 3, normalization: 'unit', fit: 'fill' },
};

export type ResolvedModel =
  | { kind: 'builtin'; name: ObjectModelName }
  | { kind: 'user'; name: string; labels: string[]; spec: UserModelSpec };

export interface ModelsDeps {
  engine: Engine;
  store: Store;
  /** resources/models, for the built-in models' sizes. */
  modelsDir: string;
}

type ImportInput = z.output<typeof modelImportInputSchema>;

/** MODEL_INVALID: `kind` for the UI to word, `reason` the English words the message ends with. */
const invalid = (dir: string, kind: ModelInvalidKind, reason: string, extra: Record<string, unknown> = {}) =>
  new VigilError('MODEL_INVALID', `${basename(dir)} is not a usable model: ${reason}`, {
    dir,
    reason,
    kind,
    ...extra,
  });

export const isBuiltin = (name: string): name is ObjectModelName =>
  (BUILTIN_MODELS as readonly string[]).includes(name.toLowerCase());

/** The built-in default, the user's models and the choice between them (`classify.defaultModel`). */
export class ModelRegistry {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ModelsDeps) {}

  private get files(): UserModelStore {
    return new UserModelStore(this.deps.store.dir);
  }

  /** One import or removal at a time, so two imports cannot take the same name. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The stored choice (null: the built-in default). */
  chosenDefault(): string | null {
    return this.deps.store.settings.data.classify?.defaultModel ?? null;
  }

  async list(): Promise<{ models: ModelEntry[]; defaultModel: string }> {
    const stored = await this.files.list();
    const chosen = this.chosenDefault();
    const defaultModel =
      chosen && (isBuiltin(chosen) || stored.some((m) => m.descriptor.name === chosen))
        ? chosen
        : DEFAULT_BUILTIN_MODEL;
    const builtins: ModelEntry[] = [];
    for (const name of BUILTIN_MODELS) {
      builtins.push({
        name,
        kind: 'builtin',
        task: 'objects',
        format: 'graph',
        labels: [...COCO_LABELS],
        input: BUILTIN_INPUT[name],
        sizeBytes: await this.builtinSize(name),
        labelsFrom: 'builtin',
        importedAt: null,
        source: null,
        isDefault: defaultModel === name,
      });
    }
    return {
      models: [...builtins, ...stored.map((m) => entryOf(m.descriptor, defaultModel))],
      defaultModel,
    };
  }

  /** A model by name (case-insensitive), or the default one; NOT_FOUND for an unknown name. */
  async resolve(name?: string): Promise<ResolvedModel> {
    const wanted = name ?? this.chosenDefault();
    if (!wanted) return { kind: 'builtin', name: DEFAULT_BUILTIN_MODEL };
    if (isBuiltin(wanted)) return { kind: 'builtin', name: wanted.toLowerCase() as ObjectModelName };
    const found = await this.files.find(wanted);
    if (!found) {
      // A default whose folder vanished falls back to the built-in model; the result names it.
      if (!name) return { kind: 'builtin', name: DEFAULT_BUILTIN_MODEL };
      throw new VigilError('NOT_FOUND', `No model called ${wanted}`, { model: wanted });
    }
    return {
      kind: 'user',
      name: found.descriptor.name,
      labels: found.descriptor.labels,
      spec: specOf(found),
    };
  }

  async setDefault(name: string | null): Promise<void> {
    let value: string | null = null;
    if (name !== null) {
      const model = await this.resolve(name);
      // The built-in default is stored as null, so it follows a later change of the default.
      value = model.kind === 'builtin' && model.name === DEFAULT_BUILTIN_MODEL ? null : model.name;
    }
    await this.deps.store.settings.update((doc) => {
      doc.classify = { defaultModel: value };
    });
  }

  async remove(name: string): Promise<{ removed: string }> {
    return this.serial(async () => {
      if (isBuiltin(name))
        throw new VigilError('BAD_INPUT', `${name} is built in and cannot be removed`, { model: name });
      const found = await this.files.find(name);
      if (!found) throw new VigilError('NOT_FOUND', `No model called ${name}`, { model: name });
      await this.deps.engine.releaseModel(found.dir);
      await this.files.remove(found);
      if (this.chosenDefault()?.toLowerCase() === found.descriptor.name.toLowerCase())
        await this.setDefault(null);
      return { removed: found.descriptor.name };
    });
  }

  /**
   * Checks a TensorFlow.js image classifier folder, copies it into the data dir and lists it.
   * Every way it can be unusable is MODEL_INVALID with the reason; nothing is kept then.
   */
  async import(input: ImportInput): Promise<ModelEntry> {
    const dir = resolve(input.dir);
    const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
      throw new VigilError('FILE_NOT_FOUND', `Cannot read ${dir}: ${err.code ?? err.message}`, { file: dir });
    });
    if (!info.isDirectory())
      throw invalid(dir, 'not-folder', 'it is not a folder (give the folder that holds model.json)');
    const found = await inspectFolder(dir);
    const name = input.name ?? nameFromFolder(dir);
    return this.serial(async () => {
      if (isBuiltin(name))
        throw new VigilError('DUPLICATE', `${name} is the name of a built-in model; choose another`, {
          name,
        });
      if (await this.files.find(name))
        throw new VigilError(
          'DUPLICATE',
          `A model called ${name} already exists; remove it or choose another name`,
          {
            name,
          },
        );
      const staged = await this.files.stage();
      try {
        const bytes = await copyFiles(dir, staged.dir, found.files);
        const hint = resolveInput(input.input ?? {}, found.meta);
        const probe = await this.deps.engine
          .probeModel({ dir: staged.dir, format: found.format, ...affine(hint) })
          .catch((err: unknown) => {
            if (err instanceof VigilError && err.code === 'MODEL_INVALID')
              throw invalid(dir, 'not-loadable', String(err.details?.reason ?? err.message));
            throw err;
          });
        const inputSpec = checkProbe(
          dir,
          probe,
          hint,
          input.input ?? {},
          found.labels.length,
          found.labelsFrom,
        );
        const descriptor: UserModelDescriptor = {
          version: 1,
          name,
          format: found.format,
          labels: found.labels,
          labelsFrom: found.labelsFrom,
          input: inputSpec,
          sizeBytes: bytes,
          importedAt: new Date().toISOString(),
          source: dir,
        };
        const stored = await staged.commit(descriptor);
        return entryOf(stored.descriptor, (await this.list()).defaultModel);
      } catch (err) {
        await staged.discard();
        throw err;
      }
    });
  }

  /** Leftovers of interrupted imports go at start-up. */
  async sweep(): Promise<void> {
    await this.files.sweep();
  }

  private async builtinSize(name: string): Promise<number> {
    try {
      const json = JSON.parse(await readFile(join(this.deps.modelsDir, `${name}.json`), 'utf8')) as {
        weightsManifest: { paths: string[] }[];
      };
      let total = (await stat(join(this.deps.modelsDir, `${name}.json`))).size;
      for (const g of json.weightsManifest)
        for (const p of g.paths) total += (await stat(join(this.deps.modelsDir, p))).size;
      return total;
    } catch {
      return 0;
    }
  }
}

function entryOf(d: UserModelDescriptor, defaultModel: string): ModelEntry {
  return {
    name: d.name,
    kind: 'user',
    task: 'classifier',
    format: d.format,
    labels: d.labels,
    input: d.input,
    sizeBytes: d.sizeBytes,
    labelsFrom: d.labelsFrom,
    importedAt: d.importedAt,
    source: d.source,
    isDefault: d.name === defaultModel,
  };
}

function affine(input: ModelInput): Omit<UserModelSpec, 'dir' | 'format'> {
  return {
    width: input.width,
    height: input.height,
    channels: input.channels,
    fit: input.fit,
    ...NORMALIZATION_AFFINE[input.normalization],
  };
}

export function specOf(m: StoredModel): UserModelSpec {
  return { dir: m.dir, format: m.descriptor.format, ...affine(m.descriptor.input) };
}

function nameFromFolder(dir: string): string {
  const cleaned = basename(dir)
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .slice(0, 64)
    .trim();
  const parsed = modelNameSchema.safeParse(cleaned);
  return parsed.success ? parsed.data : 'model';
}

interface Metadata {
  labels?: unknown;
  imageSize?: unknown;
  normalization?: unknown;
  fit?: unknown;
  tmVersion?: unknown;
  packageName?: unknown;
}

interface FolderContents {
  format: 'graph' | 'layers';
  labels: string[];
  labelsFrom: 'metadata.json' | 'labels.txt';
  meta: Metadata | null;
  /** Files to copy, relative to the folder. */
  files: string[];
}

const readText = (file: string) => readFile(file, 'utf8').catch(() => null);

/**
 * Refuses `rel` when it, or a folder on its way, is a symbolic link: an import reads and copies
 * only what is inside the folder (a link could bring in /etc/passwd or another user's files).
 * The folder itself may be a link: the user named it. `rel` itself must be a plain file: reading
 * or copying a FIFO waits for a writer forever.
 */
async function refuseLinks(dir: string, rel: string): Promise<void> {
  let p = dir;
  const parts = rel.split(sep);
  for (const [i, part] of parts.entries()) {
    p = join(p, part);
    const info = await lstat(p).catch(() => null);
    // Not there: whoever reads it says so.
    if (!info) return;
    const file = relative(dir, p);
    if (info.isSymbolicLink()) {
      throw invalid(
        dir,
        'link',
        `${file} is a symbolic link; only plain files inside the folder are imported`,
        {
          file,
        },
      );
    }
    if (i === parts.length - 1 && !info.isFile())
      throw invalid(dir, 'not-file', `${file} is not a plain file`, { file });
  }
}

/** Reads model.json, the weight list and the labels without loading anything into TensorFlow.js. */
export async function inspectFolder(dir: string): Promise<FolderContents> {
  await refuseLinks(dir, 'model.json');
  const text = await readText(join(dir, 'model.json'));
  if (text === null) throw invalid(dir, 'no-model-json', 'there is no model.json in it');
  let json: { modelTopology?: unknown; format?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // Not JSON.parse's message: it quotes the file's first bytes, and the file may be anything.
    throw invalid(dir, 'bad-json', 'model.json is not valid JSON');
  }
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object')
    throw invalid(dir, 'no-topology', 'model.json has no modelTopology');
  const format =
    json.format === 'graph-model' || Array.isArray(topology.node)
      ? 'graph'
      : json.format === 'layers-model' || 'class_name' in topology || 'model_config' in topology
        ? 'layers'
        : null;
  if (!format)
    throw invalid(
      dir,
      'unknown-format',
      'model.json is neither a TensorFlow.js graph model nor a layers model',
    );
  if (!Array.isArray(json.weightsManifest))
    throw invalid(dir, 'no-weights-manifest', 'model.json has no weightsManifest');
  const files = ['model.json'];
  let bytes = text.length;
  for (const group of json.weightsManifest as { paths?: unknown }[]) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      const rel = typeof p === 'string' ? normalize(p) : '';
      if (!rel || isAbsolute(rel) || rel.startsWith('..' + sep) || rel === '..')
        throw invalid(
          dir,
          'weight-outside',
          `model.json names a weight file outside the folder (${String(p)})`,
          {
            file: String(p),
          },
        );
      await refuseLinks(dir, rel);
      const size = await stat(join(dir, rel)).then(
        (s) => (s.isFile() ? s.size : -1),
        () => -1,
      );
      if (size < 0)
        throw invalid(dir, 'weight-missing', `weight file ${rel} named in model.json is missing`, {
          file: rel,
        });
      bytes += size;
      files.push(rel);
    }
  }
  if (files.length === 1) throw invalid(dir, 'no-weight-files', 'model.json lists no weight files');
  const expected = expectedWeightBytes(json.weightsManifest as { weights?: unknown }[]);
  const actual = bytes - text.length;
  if (expected !== null && expected !== actual)
    throw invalid(
      dir,
      'weight-size',
      `its weight files hold ${actual} bytes but model.json describes ${expected}`,
      {
        bytes: actual,
        expected,
      },
    );
  if (bytes > MAX_MODEL_BYTES)
    throw invalid(
      dir,
      'too-large',
      `it is ${Math.round(bytes / 2 ** 20)} MiB; the limit is ${MAX_MODEL_BYTES / 2 ** 20} MiB`,
      { bytes, limit: MAX_MODEL_BYTES },
    );

  await refuseLinks(dir, 'metadata.json');
  const metaText = await readText(join(dir, 'metadata.json'));
  let meta: Metadata | null = null;
  if (metaText !== null) {
    try {
      meta = JSON.parse(metaText) as Metadata;
    } catch {
      throw invalid(dir, 'bad-metadata', 'metadata.json is not valid JSON');
    }
  }
  let labels: string[] | null = null;
  let labelsFrom: FolderContents['labelsFrom'] = 'metadata.json';
  if (meta && meta.labels !== undefined) {
    if (!Array.isArray(meta.labels) || !meta.labels.every((l) => typeof l === 'string'))
      throw invalid(dir, 'bad-labels', 'metadata.json "labels" is not a list of names');
    labels = meta.labels as string[];
    files.push('metadata.json');
  } else {
    await refuseLinks(dir, 'labels.txt');
    const txt = await readText(join(dir, 'labels.txt'));
    if (txt !== null) {
      labels = txt
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      labelsFrom = 'labels.txt';
      files.push('labels.txt');
      if (meta) files.push('metadata.json');
    }
  }
  if (!labels)
    throw invalid(
      dir,
      'no-labels',
      'no labels: add a metadata.json with "labels" (Teachable Machine) or a labels.txt',
    );
  if (labels.length === 0)
    throw invalid(dir, 'empty-labels', `${labelsFrom} lists no labels`, { file: labelsFrom });
  return { format, labels, labelsFrom, meta, files };
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes the weight specs call for (quantised weights count at their stored size); null if unknown. */
function expectedWeightBytes(groups: { weights?: unknown }[]): number | null {
  let total = 0;
  for (const g of groups) {
    for (const w of Array.isArray(g?.weights) ? (g.weights as Record<string, unknown>[]) : []) {
      const shape = w.shape;
      const q = w.quantization as { dtype?: string } | undefined;
      const per = DTYPE_BYTES[q?.dtype ?? String(w.dtype)];
      if (!Array.isArray(shape) || per === undefined) return null;
      total += shape.reduce((a: number, d) => a * Number(d), 1) * per;
    }
  }
  return total;
}

const isTeachable = (meta: Metadata | null) =>
  !!meta && (meta.tmVersion !== undefined || String(meta.packageName ?? '').includes('teachablemachine'));

/** What to try the model with: the user's values, else metadata.json, else the defaults. */
function resolveInput(user: Partial<ModelInput>, meta: Metadata | null): ModelInput {
  const size = typeof meta?.imageSize === 'number' && meta.imageSize >= 8 ? Math.round(meta.imageSize) : null;
  const norm = NORMALIZATION_KEYS.has(String(meta?.normalization))
    ? (meta!.normalization as Normalization)
    : isTeachable(meta)
      ? 'teachable'
      : 'unit';
  const fit = meta?.fit === 'cover' || meta?.fit === 'fill' ? meta.fit : isTeachable(meta) ? 'cover' : 'fill';
  return {
    width: user.width ?? size ?? FALLBACK_SIZE,
    height: user.height ?? size ?? FALLBACK_SIZE,
    channels: user.channels ?? 3,
    normalization: user.normalization ?? norm,
    fit: user.fit ?? fit,
  };
}

const NORMALIZATION_KEYS = new Set(Object.keys(NORMALIZATION_AFFINE));

/** Turns a probe into the stored input spec, or MODEL_INVALID saying what does not fit. */
function checkProbe(
  dir: string,
  probe: { inputShape: (number | null)[]; outputShape: number[] },
  hint: ModelInput,
  user: Partial<ModelInput>,
  labelCount: number,
  labelsFrom: string,
): ModelInput {
  const shape = probe.inputShape;
  const shown = `[${shape.map((d) => d ?? '?').join(', ')}]`;
  if (shape.length !== 4)
    throw invalid(
      dir,
      'input-not-image',
      `its input ${shown} is not an image (batch, height, width, channels)`,
    );
  const [, h, w, c] = shape;
  if (c !== null && c !== 1 && c !== 3)
    throw invalid(
      dir,
      'input-channels',
      `its input ${shown} has ${c} channels; an image has 1 (grey) or 3 (RGB)`,
    );
  if (h !== null && user.height !== undefined && user.height !== h)
    throw invalid(dir, 'input-size', `its input is ${h} pixels high, not ${user.height}`);
  if (w !== null && user.width !== undefined && user.width !== w)
    throw invalid(dir, 'input-size', `its input is ${w} pixels wide, not ${user.width}`);
  if (c !== null && user.channels !== undefined && user.channels !== c)
    throw invalid(dir, 'input-size', `its input has ${c} channels, not ${user.channels}`);
  const out = probe.outputShape;
  const outShown = `[${out.join(', ')}]`;
  const scores = out.slice(1).reduce((a, b) => a * b, 1);
  if (out.length < 2 || out[0] !== 1 || out.slice(1, -1).some((d) => d !== 1))
    throw invalid(dir, 'output-shape', `its output ${outShown} is not one score per label`);
  if (scores !== labelCount)
    throw invalid(
      dir,
      'label-count',
      `it gives ${scores} scores but ${labelsFrom} has ${labelCount} label${labelCount === 1 ? '' : 's'}`,
      {
        outputs: scores,
        labels: labelCount,
        file: labelsFrom,
      },
    );
  return {
    ...hint,
    width: w ?? hint.width,
    height: h ?? hint.height,
    channels: (c ?? hint.channels) as 1 | 3,
  };
}
