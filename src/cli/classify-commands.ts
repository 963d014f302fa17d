import { extname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Core } from '../main/core/core';
import { exportClassifyItems, type ClassifyExportItem } from '../main/core/services/classify-export';
import { NORMALIZATIONS, type ClassifyResult, type ModelEntry } from '../shared/classify-schemas';
import { toErrorShape } from '../shared/errors';
import { call } from './call';
import { CliFailure, printJson } from './output';
import { imageBatch, perFile } from './batch';
import { checkWritableFile, writeOutputFile, type OutputTarget } from './output-file';
import { dataDirFor } from './data-folder';
import type { GlobalOpts } from './match-commands';
import { numberOption, withDataJson, withJobs } from './options';
import { z } from 'zod';

type WithCore = <T>(opts: GlobalOpts, run: (core: Core) => Promise<T>) => Promise<T>;

const out = (s: string) => process.stdout.write(s + '\n');

const EXPORT_FORMATS = { '.csv': 'csv', '.json': 'json' } as const;

/**
 * The export's format (--format, else the file's extension) once its file is known to be
 * writable and not one of the photos: checked before the batch, so a bad --export records no job.
 */
async function exportTarget(
  file: string,
  format: 'csv' | 'json' | undefined,
  photos: readonly string[],
  where: OutputTarget,
): Promise<{ path: string; format: 'csv' | 'json'; force: boolean }> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  const chosen =
    format ?? (ext in EXPORT_FORMATS ? EXPORT_FORMATS[ext as keyof typeof EXPORT_FORMATS] : null);
  if (!chosen)
    throw new CliFailure(
      {
        code: 'BAD_INPUT',
        message: `--export writes CSV or JSON: name a .csv or .json file, or give --format csv|json (not ${ext || 'a file without an extension'})`,
      },
      2,
    );
  if (photos.includes(path))
    throw new CliFailure(
      {
        code: 'BAD_INPUT',
        message: `--export ${path} is one of the photos to classify; it would be overwritten`,
      },
      2,
    );
  await checkWritableFile(path, 'OUTPUT_NOT_WRITABLE', where);
  return { path, format: chosen, force: !!where.force };
}

function positiveInt(value: string, flag: string, max: number): number {
  return numberOption(
    flag.replace(/^--/, ''),
    value,
    z.number().int().min(1).max(max),
    `a whole number from 1 to ${max}`,
  );
}

function printResult(r: ClassifyResult): void {
  const top = r.top.length ? r.top.map((l) => `${l.label} ${l.score.toFixed(2)}`).join(', ') : 'no label';
  out(`${r.file}  ${r.width}x${r.height}  [${r.model}] ${top}`);
  for (const o of r.objects) out(`  object ${o.label} ${o.score.toFixed(2)} [${o.box.join(', ')}]`);
  for (const f of r.faces) {
    const gender = f.gender ? `${f.gender} ${f.genderScore.toFixed(2)}` : 'gender ?';
    out(
      `  face [${f.box.join(', ')}] age ${f.age ?? '?'}, ${gender}, ${f.emotion ?? '?'} ${f.emotionScore.toFixed(2)}`,
    );
  }
}

/** An unknown model name is bad usage (exit 2), as `vigil --help` says and `classify --model` does. */
function unknownModelIsUsage(err: unknown): never {
  if (err instanceof CliFailure && err.shape.code === 'NOT_FOUND' && err.shape.details?.model !== undefined)
    throw new CliFailure(err.shape, 2);
  throw err;
}

/**
 * --no-objects --no-faces leaves a built-in model nothing to find (every photo "no label"); a
 * user model still gives its own labels. An unknown model is left to fail as NOT_FOUND.
 */
async function refuseNothingToDo(core: Core, model: string | undefined): Promise<void> {
  const list = await call(core, 'models.list', {});
  const chosen = list.models.find((m) => m.name === (model ?? list.defaultModel));
  if (chosen?.kind === 'builtin')
    throw new CliFailure(
      {
        code: 'BAD_INPUT',
        message: `--no-objects with --no-faces leaves ${chosen.name} nothing to do: keep one of them, or use --model with an imported model`,
      },
      2,
    );
}

function printModel(m: ModelEntry): void {
  const size = `${(m.sizeBytes / 2 ** 20).toFixed(1)} MiB`;
  const input = `${m.input.width}x${m.input.height}x${m.input.channels} ${m.input.normalization} ${m.input.fit}`;
  const labels =
    m.labels.length > 6 ? `${m.labels.slice(0, 6).join(', ')}, … (${m.labels.length})` : m.labels.join(', ');
  out(
    `${m.isDefault ? '*' : ' '} ${m.name.padEnd(16)} ${m.kind.padEnd(8)} ${m.format.padEnd(7)} ${input}  ${size}  ${labels}`,
  );
}

export function addClassifyCommands(
  program: Command,
  withCore: WithCore,
  globals: (c: Command) => GlobalOpts,
): void {
  withJobs(
    withDataJson(
      program
        .command('classify')
        .description(
          'what is in photos (files or folders): labels, COCO objects with boxes, age / gender / emotion per face',
        )
        .argument('<input...>', 'photos or folders')
        .option(
          '--model <name>',
          'built-in (centernet, nanodet) or imported model (default: the classify.defaultModel setting)',
        )
        .option('--top <k>', 'how many top labels', '5')
        .option('--min-score <s>', 'lowest object score (0.05-1)', '0.3')
        .option('--no-objects', 'skip COCO object detection')
        .option('--no-faces', 'skip faces (age, gender, emotion)')
        .option(
          '--export <file>',
          'also write the results of the batch to a .csv or .json file (or any name, with --format)',
        )
        .addOption(new Option('--format <format>', 'export format').choices(['csv', 'json']))
        .option('--force', 'replace the --export file if it exists'),
    ),
  ).action(
    async (
      inputs: string[],
      o: {
        model?: string;
        top: string;
        minScore: string;
        objects: boolean;
        faces: boolean;
        export?: string;
        format?: 'csv' | 'json';
        force?: boolean;
        jobs?: string;
      },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const top = positiveInt(o.top, '--top', 100);
      const minScore = numberOption('min-score', o.minScore, z.number().min(0.05).max(1), 'from 0.05 to 1');
      const batch = await imageBatch(inputs, o.jobs);
      // Absolute, as each result's `file` is: a failed photo is named the same way in JSON and CSV.
      const files = batch.files.map((f) => resolve(f));
      const target = o.export
        ? await exportTarget(o.export, o.format, files, {
            dataDir: (await dataDirFor(g)).dir,
            force: o.force,
          })
        : null;
      // In input order, as the JSON lists them, though files finish in any order.
      const items = new Array<ClassifyExportItem>(files.length);
      await withCore({ ...g, workers: batch.workers }, async (core) => {
        if (!o.objects && !o.faces) await refuseNothingToDo(core, o.model);
        await perFile<ClassifyResult>(
          files,
          'classify',
          !!g.json,
          async (file, i) => {
            try {
              const r = await call(core, 'classify.run', {
                source: { path: file },
                model: o.model,
                top,
                minScore,
                objects: o.objects,
                faces: o.faces,
              });
              items[i] = { file: r.file, result: r };
              return r;
            } catch (err) {
              items[i] = { file, error: err instanceof CliFailure ? err.shape : toErrorShape(err) };
              throw err;
            }
          },
          printResult,
          // An unknown model fails the command once rather than every file.
          {
            fatal: (shape) => shape.code === 'NOT_FOUND',
            jobs: batch.workers,
            // Written before the JSON document, so a failure to write is part of it.
            after: target
              ? async () => {
                  await writeOutputFile(
                    target.path,
                    exportClassifyItems(items, target.format).text,
                    target.force,
                  );
                  process.stderr.write(`exported ${items.length} results to ${target.path}\n`);
                }
              : undefined,
          },
        );
      });
    },
  );

  const models = program.command('models').description('built-in and imported classification models');

  withDataJson(
    models.command('list').description('models with labels, input, size; * marks the default'),
  ).action(async (_o, cmd: Command) => {
    const g = globals(cmd);
    const r = await withCore(g, (core) => call(core, 'models.list', {}));
    if (g.json) printJson(r);
    else r.models.forEach(printModel);
  });

  withDataJson(
    models
      .command('import')
      .description(
        'import a TensorFlow.js image classifier folder (model.json, weights, metadata.json or labels.txt)',
      )
      .argument('<dir>', 'the model folder')
      .option('--name <name>', 'name to use (default: the folder name)')
      .option('--width <px>', 'input width, when the model does not fix it')
      .option('--height <px>', 'input height, when the model does not fix it')
      .addOption(new Option('--channels <n>', 'input channels').choices(['1', '3']))
      .addOption(
        new Option(
          '--normalization <n>',
          'pixel scaling: teachable x/127-1, symmetric x/127.5-1, unit x/255, raw',
        ).choices(NORMALIZATIONS),
      )
      .addOption(
        new Option('--fit <fit>', 'cover: centre crop then resize; fill: stretch').choices(['cover', 'fill']),
      ),
  ).action(
    async (
      dir: string,
      o: {
        name?: string;
        width?: string;
        height?: string;
        channels?: string;
        normalization?: never;
        fit?: never;
      },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const input = {
        ...(o.width ? { width: positiveInt(o.width, '--width', 2048) } : {}),
        ...(o.height ? { height: positiveInt(o.height, '--height', 2048) } : {}),
        ...(o.channels ? { channels: Number(o.channels) as 1 | 3 } : {}),
        ...(o.normalization ? { normalization: o.normalization } : {}),
        ...(o.fit ? { fit: o.fit } : {}),
      };
      const m = await withCore(g, (core) =>
        call(core, 'models.import', {
          dir: resolve(dir),
          ...(o.name ? { name: o.name } : {}),
          ...(Object.keys(input).length ? { input } : {}),
        }),
      );
      if (g.json) printJson(m);
      else {
        out(`imported ${m.name}: ${m.labels.length} labels from ${m.labelsFrom}`);
        printModel(m);
      }
    },
  );

  withDataJson(models.command('remove').description('remove an imported model').argument('<name>')).action(
    async (name: string, _o, cmd: Command) => {
      const g = globals(cmd);
      const r = await withCore({ ...g, readsData: true }, (core) =>
        call(core, 'models.remove', { name }),
      ).catch(unknownModelIsUsage);
      if (g.json) printJson(r);
      else out(`removed ${r.removed}`);
    },
  );

  withDataJson(
    models
      .command('test')
      .description("a model's top labels for one photo")
      .argument('<name>')
      .argument('<image>'),
  ).action(async (name: string, image: string, _o, cmd: Command) => {
    const g = globals(cmd);
    const r = await withCore(g, (core) =>
      call(core, 'models.test', { name, source: { path: resolve(image) } }),
    ).catch(unknownModelIsUsage);
    if (g.json) printJson(r);
    else printResult(r);
  });

  withDataJson(
    models
      .command('default')
      .description('show, or set, the model `vigil classify` and the Classify page use')
      .argument('[name]', 'a model name, or "builtin" for the built-in default'),
  ).action(async (name: string | undefined, _o, cmd: Command) => {
    const g = globals(cmd);
    const r = await withCore(g, async (core) =>
      name === undefined
        ? call(core, 'settings.get', {})
        : call(core, 'settings.update', { classify: { defaultModel: name === 'builtin' ? null : name } }),
    ).catch(unknownModelIsUsage);
    if (g.json) printJson(r.classify);
    else out(r.classify.effectiveModel);
  });
}
