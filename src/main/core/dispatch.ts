import { contract, isChannelName, type ChannelName, type Handlers } from '../../shared/contract';
import { toErrorShape, VigilError, type ErrorShape } from '../../shared/errors';
import type { Telemetry } from './telemetry';

export type CallResult = { ok: true; value: unknown } | { ok: false; error: ErrorShape };

/**
 * The one entry every shell uses: validates the channel and its input against the contract,
 * runs the handler, and returns either the output or an error shape (never a stack trace).
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  input: unknown,
  telemetry?: Telemetry,
): Promise<CallResult> {
  const t0 = performance.now();
  const result = await run(handlers, channel, input);
  if (isChannelName(channel))
    telemetry?.record(channel, performance.now() - t0, result.ok ? undefined : result.error);
  return result;
}

async function run(handlers: Handlers, channel: string, input: unknown): Promise<CallResult> {
  try {
    if (!isChannelName(channel)) throw new VigilError('NOT_FOUND', `Unknown channel ${channel}`);
    const def = contract[channel];
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new VigilError('BAD_INPUT', invalidInputMessage(channel, issues), {
        issues: issues.slice(0, 10),
      });
    }
    const handler = handlers[channel as ChannelName] as (i: unknown) => Promise<unknown>;
    const output = def.output.safeParse(await handler(parsed.data));
    if (!output.success) {
      console.error(
        `[vigil] ${channel} returned output outside its contract:`,
        output.error.issues.slice(0, 5),
      );
      throw new VigilError('INTERNAL', `${channel} produced an invalid result`);
    }
    return { ok: true, value: output.data };
  } catch (err) {
    if (!(err instanceof VigilError)) console.error(`[vigil] ${channel} failed:`, err);
    return { ok: false, error: toErrorShape(err) };
  }
}

/**
 * "Invalid input for <channel>" with what is wrong in it (the first issue, and how many more), so
 * a caller who reads only the message can fix the call; all issues stay in details.issues.
 */
export function invalidInputMessage(channel: string, issues: { path: string; message: string }[]): string {
  const [first] = issues;
  if (!first) return `Invalid input for ${channel}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `Invalid input for ${channel}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

/** HTTP status for an error code (the server and CLI share this). */
export function httpStatusOf(code: ErrorShape['code']): number {
  switch (code) {
    case 'BAD_INPUT':
    case 'NOT_AN_IMAGE':
    case 'IMAGE_CORRUPT':
    case 'MODEL_INVALID':
    case 'NO_FACE':
    case 'MULTIPLE_FACES':
    case 'FACE_TOO_SMALL':
    case 'LOW_QUALITY':
    case 'INCOMPATIBLE_MODEL':
    case 'OUTPUT_DIR_INVALID':
    case 'OUTPUT_NOT_WRITABLE':
    case 'OUTPUT_IN_DATA_DIR':
    case 'FACES_STILL_DETECTED':
      return code === 'BAD_INPUT' ? 400 : 422;
    case 'DUPLICATE':
    case 'FACE_MISMATCH':
    case 'TARGET_NOT_EMPTY':
      return 409;
    case 'TARGET_INSIDE_DATA':
    case 'TARGET_NOT_WRITABLE':
      return 422;
    case 'IMAGE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNAUTHORIZED':
      return 401;
    case 'FILE_NOT_READABLE':
      return 403;
    case 'NOT_FOUND':
    case 'FILE_NOT_FOUND':
      return 404;
    case 'CANCELLED':
    case 'STORE_LOCKED':
      return 409;
    case 'ENGINE_UNAVAILABLE':
    case 'CORE_UNREACHABLE':
      return 503;
    default:
      return 500;
  }
}
