import { ERROR_CODES, type ErrorCode, type ErrorShape, VigilError } from '../../../shared/errors';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Normalises anything a query or call rejected with into the boundary error shape for display. */
export function errorShapeOf(err: unknown): ErrorShape {
  if (err instanceof VigilError) return err.toShape();
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const { code, message, details } = err as { code: unknown; message: unknown; details?: unknown };
    // Details kept: the UI words common errors in its own language from them (errorText). A
    // stored shape (a photo's error, a batch's) had lost them here, and showed the core's English.
    if (isErrorCode(code) && typeof message === 'string')
      return typeof details === 'object' && details !== null && !Array.isArray(details)
        ? { code, message, details: details as Record<string, unknown> }
        : { code, message };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function hasCode(err: unknown, code: ErrorCode): boolean {
  return errorShapeOf(err).code === code;
}
