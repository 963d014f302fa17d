import { basename, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Core } from '../main/core/core';
import {
  faceSizeOf,
  RELIABLE_FACE_PX,
  searchInputSchema,
  type FaceCaveat,
  type IdentifyResult,
} from '../shared/match-schemas';
import { subjectPatchSchema, type Subject } from '../shared/watchlist-schemas';
import { call } from './call';
import { withWatchlistReader } from './watchlist-read';
import { printJson } from './output';
import { checkWritableFile, writeOutputFile } from './output-file';
import { dataDirFor } from './data-folder';
import { cancelStatus, eachFile, imageBatch, perFile } from './batch';
import {
  checkedOption,
  faceIndexOption,
  jobsFor,
  numberOption,
  usageError,
  withDataJson,
  withJobs,
} from './options';

export interface GlobalOpts {
  data?: string;
  json?: boolean;
  /** Engine workers to start, for a batch that runs several files at once (default: createCore's). */
  workers?: number;
  /** The command reads or changes data already there: a named data folder must exist. */
  readsData?: boolean;
}

export type WithCore = <T>(opts: GlobalOpts, run: (core: Core) => Promise<T>) => Promise<T>;

const out = (s: string) => process.stdout.write(s + '\n');
const faceWord = (n: number) => (n === 1 ? '1 face' : `${n} faces`);

/** Said after a verdict that says less than it seems. */
function caveatText(caveat: FaceCaveat, box: readonly number[]): string {
  if (caveat === 'no_descriptor') return '  — no landmarks found: not matched';
  if (caveat === 'too_small')
    return `  — face ${faceSizeOf(box)} px, under ${RELIABLE_FACE_PX}: too small for a reliable verdict`;
  return '';
}

/** The search channel's own range for --k. */
const K_SCHEMA = searchInputSchema.shape.k.unwrap();

/** The subject fields a command's options give, checked as the watchlist channels check them. */
function subjectFields(o: {
  name?: string;
  alias?: string[];
  notes?: string;
  case?: string;
}): Partial<Pick<Subject, 'name' | 'aliases' | 'notes' | 'caseRef'>> {
  const f = subjectPatchSchema.shape;
  return {
    ...(o.name !== undefined && {
      name: checkedOption(
        'name',
        o.name,
        f.name.unwrap(),
        'a name of 1 to 200 characters, not only spaces, without control characters',
      ),
    }),
    ...(o.alias !== undefined && {
      aliases: checkedOption(
        'alias',
        o.alias,
        f.aliases.unwrap(),
        'up to 50 aliases of 1 to 200 characters, not only spaces, without control characters',
      ),
    }),
    ...(o.notes !== undefined && {
      notes: checkedOption(
        'notes',
        o.notes,
        f.notes.unwrap(),
        'at most 20 000 characters, without control characters other than line breaks and tabs',
      ),
    }),
    ...(o.case !== undefined && {
      caseRef: checkedOption(
        'case',
        o.case,
        f.caseRef.unwrap(),
        'at most 200 characters, without control characters',
      ),
    }),
  };
}

/**
 * Enrols each photo onto a subject (one per engine worker), then prints the subject with what was
 * enrolled and what failed; exits non-zero when any photo failed, after the others.
 * `created`: the subject was made for these photos, so it is deleted again when none enrols
 * (rerunning the fixed command must not leave a second, faceless subject of that name).
 */
async function enrolAndReport(
  core: Core,
  subjectId: string,
  files: string[],
  o: { faceIndex: number; allowMismatch: boolean; json: boolean; jobs: number; created?: boolean },
): Promise<void> {
  const { results, errors } = await eachFile(
    files,
    'enrol',
    o.json,
    async (file) => {
      const r = await call(core, 'watchlist.enroll', {
        subjectId,
        source: { path: resolve(file) },
        faceIndex: o.faceIndex,
        ...(o.allowMismatch && { allowMismatch: true }),
      });
      // A group photo gives its largest face unless --face says otherwise: say which was taken.
      if (r.facesInPhoto > 1)
        process.stderr.write(
          `vigil: ${basename(file)} shows ${r.facesInPhoto} faces; enrolled face ${r.faceIndex} (0 = largest). --face N enrols another\n`,
        );
      return { file, faceId: r.face.id, faceIndex: r.faceIndex, facesInPhoto: r.facesInPhoto };
    },
    { jobs: o.jobs },
  );
  const enrolled = results.filter((_, i) => !errors[i]);
  const failures = errors.flatMap((e, i) =>
    e ? [{ file: files[i]!, code: e.code, message: e.message }] : [],
  );
  if (o.created && files.length && !enrolled.length) {
    await call(core, 'watchlist.delete', { id: subjectId });
    const message = `no subject added: ${files.length === 1 ? 'the photo' : `none of the ${files.length} photos`} could ${files.length === 1 ? 'not ' : ''}be enrolled`;
    if (o.json) printJson({ code: failures[0]!.code, message, enrolled, failures });
    else process.stderr.write(`vigil: ${message}\n`);
    process.exitCode = 1;
    return;
  }
  const final = await call(core, 'watchlist.get', { id: subjectId });
  if (o.json) {
    printJson({
      ...(failures.length
        ? { code: failures[0]!.code, message: `${failures.length} of ${files.length} photos failed` }
        : {}),
      subject: final,
      enrolled,
      failures,
    });
  } else out(`${final.id}  ${final.name}  ${faceWord(final.faces.length)} enrolled`);
  if (failures.some((f) => f.code === 'CANCELLED')) process.exitCode = cancelStatus();
  else if (failures.length) process.exitCode = 1;
}

export function addMatchCommands(
  program: Command,
  withCore: WithCore,
  globals: (c: Command) => GlobalOpts,
): void {
  const wl = program.command('watchlist').description('manage the watchlist of wanted persons');

  withJobs(
    withDataJson(
      wl
        .command('add')
        .description('add a subject and enrol the largest face (or --face N) of each photo')
        .requiredOption('--name <name>', 'name')
        .option('--alias <alias...>', 'aliases')
        .option('--notes <text>', 'notes', '')
        .option('--case <ref>', 'case reference', '')
        .addOption(
          new Option('--status <status>', 'status').choices(['wanted', 'caught', 'closed']).default('wanted'),
        )
        .option('--face <n>', 'which face when a photo has several (0 = largest)', '0')
        .option(
          '--allow-mismatch',
          "enrol faces that do not look like the subject's other faces (FACE_MISMATCH otherwise)",
        )
        .argument('[photo...]', 'photos (files or folders) of the subject'),
    ),
  ).action(
    async (
      photos: string[],
      o: {
        name: string;
        alias?: string[];
        notes: string;
        case: string;
        status: 'wanted';
        face: string;
        allowMismatch?: boolean;
        jobs?: string;
      },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const faceIndex = faceIndexOption(o.face);
      const fields = subjectFields(o);
      // No photos at all makes a subject to enrol later; photos that hold no image are a mistake.
      const { files, workers } = photos.length
        ? await imageBatch(photos, o.jobs)
        : { files: [], workers: jobsFor(o.jobs, 1) };
      await withCore({ ...g, workers }, async (core) => {
        const subject = await call(core, 'watchlist.create', {
          name: o.name,
          aliases: [],
          ...fields,
          status: o.status,
        });
        await enrolAndReport(core, subject.id, files, {
          faceIndex,
          allowMismatch: !!o.allowMismatch,
          json: !!g.json,
          jobs: workers,
          created: true,
        });
      });
    },
  );

  withJobs(
    withDataJson(
      wl
        .command('enrol')
        .alias('enroll')
        .description('enrol the largest face (or --face N) of each photo onto a subject already listed')
        .option('--face <n>', 'which face when a photo has several (0 = largest)', '0')
        .option(
          '--allow-mismatch',
          "enrol faces that do not look like the subject's other faces (FACE_MISMATCH otherwise)",
        )
        .argument('<id>', 'subject id')
        .argument('<photo...>', 'photos (files or folders) of the subject'),
    ),
  ).action(
    async (
      id: string,
      photos: string[],
      o: { face: string; allowMismatch?: boolean; jobs?: string },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const faceIndex = faceIndexOption(o.face);
      const { files, workers } = await imageBatch(photos, o.jobs);
      await withCore({ ...g, workers, readsData: true }, async (core) => {
        // An unknown subject fails before any photo is read.
        await call(core, 'watchlist.get', { id });
        await enrolAndReport(core, id, files, {
          faceIndex,
          allowMismatch: !!o.allowMismatch,
          json: !!g.json,
          jobs: workers,
        });
      });
    },
  );

  withDataJson(
    wl
      .command('edit')
      .description("change a subject's fields (only those given) or its main photo")
      .argument('<id>', 'subject id')
      .option('--name <name>', 'name')
      .option('--alias <alias...>', 'aliases (replace the current ones)')
      .option('--no-alias', 'remove every alias')
      .option('--notes <text>', 'notes')
      .option('--case <ref>', 'case reference')
      .addOption(new Option('--status <status>', 'status').choices(['wanted', 'caught', 'closed']))
      .option('--cover <faceId>', "show this enrolled face as the subject's photo"),
  ).action(
    async (
      id: string,
      o: {
        name?: string;
        alias?: string[] | boolean;
        notes?: string;
        case?: string;
        status?: 'wanted' | 'caught' | 'closed';
        cover?: string;
      },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const patch = {
        ...subjectFields({
          ...o,
          // commander: --alias gives a list, --no-alias false, neither true (its default).
          alias: o.alias === false ? [] : o.alias === true ? undefined : o.alias,
        }),
        ...(o.status !== undefined && { status: o.status }),
      };
      if (!Object.keys(patch).length && o.cover === undefined)
        throw usageError('nothing to change: give a field or --cover');
      await withCore({ ...g, readsData: true }, async (core) => {
        let s = await call(core, 'watchlist.get', { id });
        if (o.cover !== undefined)
          s = await call(core, 'watchlist.setCover', { subjectId: id, faceId: o.cover });
        if (Object.keys(patch).length) s = await call(core, 'watchlist.update', { id, patch });
        if (g.json) printJson(s);
        else out(`${s.id}  ${s.name}  ${s.status}  ${faceWord(s.faces.length)}`);
      });
    },
  );

  withDataJson(
    wl
      .command('remove-face')
      .description('remove one enrolled face (its crop, descriptor and, if unused, source photo)')
      .argument('<id>', 'subject id')
      .argument('<faceId>', 'face id, as `watchlist show` lists them'),
  ).action(async (id: string, faceId: string, _o, cmd: Command) => {
    const g = globals(cmd);
    await withCore({ ...g, readsData: true }, async (core) => {
      const s = await call(core, 'watchlist.removeFace', { subjectId: id, faceId });
      if (g.json) printJson(s);
      else out(`removed face ${faceId}; ${s.name} has ${faceWord(s.faces.length)}`);
    });
  });

  withDataJson(
    wl.command('list').description('list subjects').option('--query <text>', 'filter by name, alias or case'),
  ).action(async (o: { query?: string }, cmd: Command) => {
    const g = globals(cmd);
    // Without the data folder's lock: works while the app or a server has it open.
    await withWatchlistReader(g, withCore, async (read) => {
      const r = await read('watchlist.list', { query: o.query });
      if (g.json) printJson(r);
      else for (const s of r.subjects) out(`${s.id}  ${s.name}  ${s.status}  ${faceWord(s.faceCount)}`);
    });
  });

  withDataJson(wl.command('show').description('show one subject').argument('<id>')).action(
    async (id: string, _o, cmd: Command) => {
      const g = globals(cmd);
      await withWatchlistReader(g, withCore, async (read) => {
        const s = await read('watchlist.get', { id });
        if (g.json) printJson(s);
        else {
          out(
            `${s.name} (${s.status})${s.aliases.length ? ` aka ${s.aliases.join(', ')}` : ''}${s.caseRef ? ` case ${s.caseRef}` : ''}`,
          );
          for (const f of s.faces) out(`  ${f.id}  ${f.sourceFile}  [${f.box.join(', ')}]  ${f.faceSize}px`);
        }
      });
    },
  );

  withDataJson(wl.command('remove').description('delete a subject and its faces').argument('<id>')).action(
    async (id: string, _o, cmd: Command) => {
      const g = globals(cmd);
      await withCore({ ...g, readsData: true }, async (core) => {
        const r = await call(core, 'watchlist.delete', { id });
        if (g.json) printJson(r);
        else out(`deleted ${id}`);
      });
    },
  );

  withDataJson(
    wl
      .command('export')
      .description('export the whole watchlist as one file')
      .argument('<file>')
      .option('--force', 'replace the file if it exists'),
  ).action(async (file: string, o: { force?: boolean }, cmd: Command) => {
    const g = globals(cmd);
    const { dir } = await dataDirFor({ ...g, readsData: true });
    await checkWritableFile(file, 'OUTPUT_NOT_WRITABLE', { dataDir: dir, force: o.force });
    await withCore({ ...g, readsData: true }, async (core) => {
      const { data, ...r } = await call(core, 'watchlist.export', {});
      await writeOutputFile(file, Buffer.from(data, 'base64'), o.force);
      if (g.json) printJson({ ...r, file: resolve(file) });
      else
        out(`exported ${r.subjects} subject${r.subjects === 1 ? '' : 's'}, ${faceWord(r.faces)} to ${file}`);
    });
  });

  withDataJson(
    wl.command('import').description('merge an exported watchlist file').argument('<file>'),
  ).action(async (file: string, _o, cmd: Command) => {
    const g = globals(cmd);
    await withCore(g, async (core) => {
      const r = await call(core, 'watchlist.import', { source: { path: resolve(file) } });
      if (g.json) printJson(r);
      else {
        out(`added ${r.added.length}, updated ${r.updated.length}, skipped ${r.skipped.length}`);
        if (r.describedAgain) out(`${r.describedAgain} faces from an earlier model described again`);
        for (const n of r.notDescribed) out(`not imported: ${n.subject}, ${n.file}: ${n.reason}`);
        for (const n of r.refused ?? []) out(`not imported: ${n.subject}, ${n.file}: ${n.reason}`);
        // Subjects already up to date are the usual re-import: only the others are worth a line.
        for (const s of r.skipped) if (s.code !== 'UP_TO_DATE') out(`not added: ${s.name}: ${s.reason}`);
      }
    });
  });

  withJobs(
    withDataJson(
      program
        .command('identify')
        .description('match every face in photos (files or folders) against the watchlist')
        .argument('<image...>'),
    ),
  ).action(async (images: string[], o: { jobs?: string }, cmd: Command) => {
    const g = globals(cmd);
    const { files, workers } = await imageBatch(images, o.jobs);
    await withCore({ ...g, workers, readsData: true }, (core) => {
      // "no_match" against nobody is no finding: say so where a person reads it.
      if (core.matcher.watchlistFaceCount === 0)
        process.stderr.write(
          `vigil: warning: the watchlist in ${core.store.dir} has no enrolled face, so no face can match\n`,
        );
      return perFile<IdentifyResult>(
        files,
        'identify',
        !!g.json,
        (file) => call(core, 'match.identify', { source: { path: resolve(file) } }),
        (r) => {
          out(`${r.file}  ${faceWord(r.faces.length)}`);
          for (const f of r.faces) {
            const c = f.candidates[0];
            out(
              `  [${f.box.join(', ')}]  ${f.verdict}${c ? `  ${c.name} (score ${c.score.toFixed(3)})` : ''}` +
                caveatText(f.caveat, f.box),
            );
          }
        },
        { jobs: workers },
      );
    });
  });

  withDataJson(
    program
      .command('verify')
      .description('is the subject in this photo')
      .requiredOption('--subject <id>', 'subject id')
      .argument('<image>'),
  ).action(async (image: string, o: { subject: string }, cmd: Command) => {
    const g = globals(cmd);
    await withCore({ ...g, readsData: true }, async (core) => {
      const r = await call(core, 'match.verify', { subjectId: o.subject, source: { path: resolve(image) } });
      if (g.json) printJson(r);
      else if (r.facesInPhoto === 0) out(`${r.name}: ${r.verdict} (no face found in ${image})`);
      else if (!r.box)
        out(`${r.name}: ${r.verdict} (no face in ${image} could be matched: no landmarks found)`);
      else
        out(
          `${r.name}: ${r.verdict} (score ${r.score.toFixed(3)}, ${r.threshold ?? 'below'} threshold)` +
            caveatText(r.caveat, r.box),
        );
    });
  });

  withDataJson(
    program
      .command('compare')
      .description('compare the largest faces of two photos')
      .argument('<a>')
      .argument('<b>'),
  ).action(async (a: string, b: string, _o, cmd: Command) => {
    const g = globals(cmd);
    await withCore(g, async (core) => {
      const r = await call(core, 'match.compare', { a: { path: resolve(a) }, b: { path: resolve(b) } });
      if (g.json) printJson(r);
      else
        out(
          `${r.verdict} (score ${r.score.toFixed(3)}, cosine ${r.similarity.toFixed(3)})` +
            (r.caveat === 'too_small'
              ? `  — a face is under ${RELIABLE_FACE_PX} px: too small for a reliable verdict`
              : ''),
        );
    });
  });

  withDataJson(
    program
      .command('search')
      .description('top-K most similar faces to the face in a photo')
      .argument('<image>')
      .option('--k <n>', 'how many results', '10')
      .addOption(
        new Option('--metric <metric>', 'similarity metric')
          .choices(['cosine', 'euclidean'])
          .default('cosine'),
      )
      .addOption(
        new Option('--source <source>', 'where to search')
          .choices(['watchlist', 'seen', 'all'])
          .default('all'),
      )
      .option('--face <n>', 'which face of the photo (0 = largest)', '0')
      .addOption(
        new Option(
          '--exact',
          'rank every face exactly (default below 100 000 faces; slower above)',
        ).conflicts('approximate'),
      )
      .option(
        '--approximate',
        'rank only the best candidates of a fast first pass (default from 100 000 faces)',
      ),
  ).action(
    async (
      image: string,
      o: { k: string; metric: 'cosine'; source: 'all'; face: string; exact?: true; approximate?: true },
      cmd: Command,
    ) => {
      const g = globals(cmd);
      const faceIndex = faceIndexOption(o.face);
      const k = numberOption('k', o.k, K_SCHEMA, `a whole number from 1 to ${K_SCHEMA.maxValue}`);
      const file = resolve(image);
      await withCore({ ...g, readsData: true }, async (core) => {
        const r = await call(core, 'match.search', {
          query: { source: { path: file }, faceIndex },
          k,
          metric: o.metric,
          source: o.source,
          ...(o.exact ? { exact: true } : o.approximate ? { exact: false } : {}),
        });
        // Named as every other command names its photo (the channel may search by descriptor id).
        if (g.json) printJson({ file, ...r });
        else {
          if (!r.exact) out('(approximate: the best candidates of a fast first pass, ranked exactly)');
          for (const h of r.results) {
            out(
              `${h.rank}. ${h.kind === 'watchlist' ? h.name : h.file}  score ${h.score.toFixed(3)}  cosine ${h.similarity.toFixed(3)}  euclidean ${h.distance.toFixed(2)}`,
            );
          }
        }
      });
    },
  );
}
