import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Core } from '../main/core/core';
import { DEFAULT_BLUR, type BlurResult } from '../main/core/services/blur';
import { expandInputs } from './files';
import { CliFailure } from './output';
import { perFile } from './batch';
import type { GlobalOpts } from './match-commands';

type WithCore = <T>(opts: GlobalOpts, run: (core: Core) => Promise<T>) => Promise<T>;

export function addBlurCommand(
  program: Command,
  withCore: WithCore,
  globals: (c: Command) => GlobalOpts,
): void {
  program
    .command('blur')
    .description('blur every face in photos (files or folders) and export them without metadata')
    .argument('<input...>', 'photos or folders')
    .requiredOption('--out <dir>', 'folder for the blurred copies (originals are never touched)')
    .addOption(
      new Option('--style <style>', 'how faces are hidden')
        .choices(['blur', 'pixelate', 'solid'])
        .default(DEFAULT_BLUR.style),
    )
    .addOption(
      new Option('--shape <shape>', 'region shape').choices(['ellipse', 'rect']).default(DEFAULT_BLUR.shape),
    )
    .option('--scale <n>', 'region size relative to the face box', String(DEFAULT_BLUR.scale))
    .option('--thresh <t>', 'detector score a face needs to be blurred (0-1)', String(DEFAULT_BLUR.thresh))
    .option('--keep <subjectId...>', 'watchlist subjects whose faces stay visible')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['jpeg', 'png', 'webp'])
        .default(DEFAULT_BLUR.format),
    )
    .option('--quality <q>', 'JPEG/WebP quality 1-100', String(DEFAULT_BLUR.quality))
    .option('--data <dir>', 'data directory')
    .option('--json', 'print one JSON document on stdout')
    .action(async (inputs: string[], o: Record<string, string | string[] | undefined>, cmd: Command) => {
      const g = globals(cmd);
      const files = await expandInputs(inputs);
      if (!files.length)
        throw new CliFailure({ code: 'BAD_INPUT', message: 'No image files found in the given paths' });
      const opts = {
        outDir: resolve(String(o.out)),
        style: o.style as 'blur',
        shape: o.shape as 'ellipse',
        scale: Number(o.scale),
        thresh: Number(o.thresh),
        keep: (o.keep as string[] | undefined) ?? [],
        format: o.format as 'jpeg',
        quality: Number(o.quality),
      };
      // Until tiling lands (#4), say it on every run: a missed face is a privacy leak.
      process.stderr.write(
        "vigil: warning: faces smaller than about 1/30 of a photo's longest side may be missed " +
          '(no tiling yet; see docs/benchmarks.md). Check every export by eye.\n',
      );
      await withCore(g, (core) =>
        perFile<BlurResult>(
          files,
          'blur',
          !!g.json,
          (file) => core.blurFile(resolve(file), opts),
          (r) => {
            const kept = r.regions.filter((x) => x.origin === 'kept').length;
            const leaks = r.selfCheck.facesStillDetected.length;
            process.stdout.write(
              `${r.file} -> ${r.output}  ${r.regions.length - kept} blurred${kept ? `, ${kept} kept` : ''}${leaks ? `  WARNING: ${leaks} face(s) still detectable` : ''}\n`,
            );
          },
          // Bad options fail the whole command rather than every file.
          (shape) => shape.code === 'BAD_INPUT' && shape.message.startsWith('--'),
        ),
      );
    });
}
