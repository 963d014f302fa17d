import { format } from 'node:util';
import { toErrorShape, type ErrorShape } from '../shared/errors';

/** stdout carries results only (one JSON document with --json); everything else goes to stderr. */
export function routeConsoleToStderr(): void {
  const toErr = (...args: unknown[]) => process.stderr.write(format(...args) + '\n');
  console.log = toErr;
  console.info = toErr;
  console.debug = toErr;
}

let jsonPrinted = false;

export function printJson(value: unknown): void {
  jsonPrinted = true;
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Whether stdout has its one JSON document already (a process stopping at once may still owe it). */
export function printedJson(): boolean {
  return jsonPrinted;
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text with its control characters shown as `\x1b` escapes (line breaks and tabs kept): a file
 * or subject name read from elsewhere must not move the cursor, retitle or clear a terminal.
 * JSON output needs none (JSON.stringify escapes them).
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** In text mode, everything written to stdout goes through `printable` (it holds no escapes of its own). */
export function escapeControlsOnStdout(stdout: NodeJS.WriteStream = process.stdout): void {
  const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? printable(chunk) : chunk, ...rest)) as typeof stdout.write;
}

export class CliFailure extends Error {
  constructor(
    readonly shape: ErrorShape,
    readonly exitCode = 1,
  ) {
    super(shape.message);
  }
}

/** A command's failure: `{ code, message }` on stdout with --json, one line on stderr otherwise. */
export function reportFailure(err: unknown, json: boolean): number {
  const shape = err instanceof CliFailure ? err.shape : toErrorShape(err);
  const exitCode = err instanceof CliFailure ? err.exitCode : 1;
  if (!(err instanceof CliFailure) && shape.code === 'INTERNAL') process.stderr.write(`${format(err)}\n`);
  if (json) printJson(shape);
  else process.stderr.write(`vigil: ${shape.code}: ${printable(shape.message)}\n`);
  return exitCode;
}

/**
 * A reader that stops early (`vigil history list | head -1`) closes the pipe: stdout then exits
 * at once and quietly (0: the reader chose to stop), as Unix tools do, rather than crash on an
 * unhandled EPIPE with a stack trace; on stderr there is no one left to tell. Other errors stay
 * as loud as before.
 */
export function exitQuietlyOnClosedPipe(
  stdout: NodeJS.EventEmitter = process.stdout,
  stderr: NodeJS.EventEmitter = process.stderr,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const closed = (err: NodeJS.ErrnoException) => err.code === 'EPIPE';
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!closed(err)) throw err;
    exit(0);
  });
  stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (!closed(err)) throw err;
  });
}
