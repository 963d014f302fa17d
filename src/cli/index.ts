import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { createCore, type Core } from '../main/core/core';
import { setLockRole } from '../main/core/store/store';
import { VigilError } from '../shared/errors';
import { dataDirFor } from './data-folder';
import { VERSION } from '../main/core/version';
import { startServer } from '../server/server';
import { projectRoot } from '../main/core/paths';
import {
  CliFailure,
  escapeControlsOnStdout,
  exitQuietlyOnClosedPipe,
  printJson,
  reportFailure,
  routeConsoleToStderr,
} from './output';
import { beforeStopNow, imageBatch, perFile } from './batch';
import { addMatchCommands, type GlobalOpts } from './match-commands';
import { addDataCommands } from './data-commands';
import { addBlurCommand } from './blur-command';
import { addClassifyCommands } from './classify-commands';
import type { InspectResult } from '../shared/schemas';
import type { ErrorShape } from '../shared/errors';
import { fileMediaUrl, numberOption, usageError, withDataJson, withJobs } from './options';
import { z } from 'zod';

routeConsoleToStderr();
exitQuietlyOnClosedPipe();
setLockRole('cli');

/** How long a command waits for another command that holds its data folder. */
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * Opens the data folder, waiting while another CLI command holds it (two `watchlist add` run at
 * once both add their subject); the app or a server is not waited for, since it may hold the
 * folder for hours: that is STORE_LOCKED at once, as before.
 */
async function afterOtherCommands<T>(dir: string, open: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      return await open();
    } catch (err) {
      const byCommand =
        err instanceof VigilError && err.code === 'STORE_LOCKED' && err.details?.role === 'cli';
      if (!byCommand || Date.now() > deadline) throw err;
      if (!said)
        process.stderr.write(
          `vigil: waiting for another vigil command (pid ${String(err.details?.pid)}) to finish with ${dir}\n`,
        );
      said = true;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

async function withCore<T>(opts: GlobalOpts, run: (core: Core) => Promise<T>): Promise<T> {
  const { dir } = await dataDirFor(opts);
  const core = await afterOtherCommands(dir, () =>
    createCore({
      dataDir: dir,
      mediaUrl: fileMediaUrl(dir),
      ...(opts.workers && { engine: { workers: opts.workers } }),
    }),
  );
  // A second Ctrl+C in a batch exits without waiting for the jobs in progress: not left RUNNING,
  // and the engine's threads ended where that is safe (process.exit would terminate them anywhere).
  const unhook = beforeStopNow(async () => {
    await core.store.history.cancelRunning(STOPPED_AT_ONCE);
    await core.engine.abandon();
  });
  try {
    return await run(core);
  } finally {
    unhook();
    await core.close();
  }
}

const STOPPED_AT_ONCE: ErrorShape = {
  code: 'CANCELLED',
  message: 'Cancelled: stopped at once (a second Ctrl+C) before this job finished',
};

async function inspectCommand(images: string[], opts: GlobalOpts, jobs: unknown): Promise<void> {
  const { files, workers } = await imageBatch(images, jobs);
  await withCore({ ...opts, workers }, (core) =>
    perFile<InspectResult>(
      files,
      'inspect',
      !!opts.json,
      async (file) => {
        const r = await core.call('image.inspect', { source: { path: resolve(file) } });
        if (!r.ok) throw new CliFailure(r.error);
        return r.value as InspectResult;
      },
      printHuman,
      { jobs: workers },
    ),
  );
}

function printHuman(o: InspectResult): void {
  const faces = o.faces.length === 1 ? '1 face' : `${o.faces.length} faces`;
  process.stdout.write(`${o.file}  ${o.width}x${o.height} ${o.format}  ${faces}\n`);
  for (const f of o.faces) process.stdout.write(`  [${f.box.join(', ')}] score ${f.score.toFixed(2)}\n`);
}

/** Why the server could not listen, in words, for the errors a user can act on. */
function listenFailure(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EADDRINUSE: 'the port is in use (another Vigil or program); choose another with --port',
    EACCES: 'this user may not listen on that port; choose one above 1023 with --port',
    EADDRNOTAVAIL: 'this machine has no such address; check --host',
  };
  return code && why[code]
    ? new CliFailure({
        code: 'BAD_INPUT',
        message: `Cannot listen on ${host}:${port}: ${why[code]} (${code})`,
      })
    : err;
}

async function serveCommand(
  opts: GlobalOpts & { port: string; host?: string; token?: string },
): Promise<void> {
  const { dir: dataDir, ...location } = await dataDirFor(opts);
  const port = numberOption(
    'port',
    opts.port,
    z.number().int().min(0).max(65535),
    'a whole number from 0 to 65535',
  );
  // An empty VIGIL_TOKEN counts as unset; a chosen token must be hard to guess (the random one has 32).
  const token = opts.token ?? (process.env.VIGIL_TOKEN || undefined);
  if (token !== undefined && !/^[\x21-\x7e]{16,}$/.test(token)) {
    throw usageError(
      'the token (--token or VIGIL_TOKEN) must be 16 or more printable characters, without spaces',
    );
  }
  setLockRole('server');
  const core = await createCore({ dataDir, mediaUrl: (key) => `/media/${key}`, location });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      core,
      host: opts.host,
      port,
      token,
      rendererDir: join(projectRoot(), 'out', 'renderer'),
    });
  } catch (err) {
    // The engine's workers would keep the process alive: close the core before failing.
    await core.close();
    throw listenFailure(err, opts.host ?? '127.0.0.1', port);
  }
  if (opts.json) printJson({ url: server.url, pageUrl: server.pageUrl, dataDir });
  else {
    // The data dir can move (Settings) while serving: this is where it started.
    process.stdout.write(`Vigil is serving ${dataDir}\nOpen ${server.pageUrl}\n`);
    process.stderr.write('Press Ctrl+C to stop.\n');
  }
  void core.engine.whenReady().then((info) => {
    process.stderr.write(
      info.state === 'ready'
        ? `engine ready: ${info.backend} in ${info.loadMs} ms${info.backendReason ? ` (${info.backendReason})` : ''}; ` +
            `small faces: RetinaFace on ${info.detectorRuntime}${info.detectorRuntimeReason ? ` (${info.detectorRuntimeReason})` : ''}\n`
        : `engine failed: ${info.error}\n`,
    );
  });
  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** The exit statuses every command shares (scripts branch on them), said once for all. */
const EXIT_STATUS_HELP =
  '\nEvery command takes --data DIR and --json (one JSON document on stdout; a failure is\n' +
  '{ code, message }). Exit status: 0 done; 1 failed, or some files of a batch failed (the rest\n' +
  'were done; each failed one is named in the results); 2 bad usage: an unknown command or option,\n' +
  'a bad option value or argument, an unknown model name (nothing done); 3 blur only: copies were\n' +
  'written but a face is still detectable in some (see blur --help); 130 a batch stopped by Ctrl+C (143 by SIGTERM).';

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Offline face watchlist, photo classification and privacy blur')
    .version(VERSION)
    .addOption(new Option('--data <dir>', 'data directory (default: VIGIL_DATA_DIR or the app folder)'))
    .option('--json', 'print one JSON document on stdout')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', EXIT_STATUS_HELP);

  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>();

  withJobs(withDataJson(program.command('inspect')))
    .description('find the faces in photos (files or folders)')
    .argument('<image...>', 'image files or folders')
    .action((images: string[], o: { jobs?: string }, cmd: Command) =>
      inspectCommand(images, globals(cmd), o.jobs),
    );

  program
    .command('serve')
    .description('serve the app and its JSON API on 127.0.0.1 with a token')
    .option('--port <port>', 'port (0 picks a free one)', '7460')
    .option('--host <host>', 'address to bind; anything but loopback exposes the API to the network')
    .option(
      '--token <token>',
      'API token (default: VIGIL_TOKEN or a random one; prefer VIGIL_TOKEN: a command line shows in ps)',
    )
    .option('--data <dir>', 'data directory')
    .option('--json', 'print the URL as JSON')
    .action((_o, cmd: Command) => serveCommand(cmd.optsWithGlobals()));

  addMatchCommands(program, withCore, globals);
  addDataCommands(program, withCore, globals);
  addBlurCommand(program, withCore, globals);
  addClassifyCommands(program, withCore, globals);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const json = argv.includes('--json');
  if (!json) escapeControlsOnStdout();
  if (json)
    program.configureOutput({
      writeOut: (s) => process.stderr.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // With --json, stdout is one document even for --version (help goes to stderr).
      if (err.code === 'commander.version' && json) printJson({ version: VERSION });
      if (err.exitCode === 0) return;
      // A command group without its subcommand: its help is on stderr.
      const message =
        err.code === 'commander.help'
          ? 'a subcommand is missing (--help lists them)'
          : err.message.replace(/^error: /, '');
      process.exitCode = reportFailure(new CliFailure({ code: 'BAD_INPUT', message }, 2), json);
      return;
    }
    process.exitCode = reportFailure(err, json);
  }
}

void main(process.argv);
