import {
  ERROR_CODES,
  errorShapeSchema,
  type ErrorCode,
  type ErrorShape,
  VigilError,
} from '../../../shared/errors';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Normalises anything a query or call rejected with into the boundary error shape for display. */
export function errorShapeOf(err: unknown): ErrorShape {
  if (err instanceof VigilError) return err.toShape();
  // A stored shape (a photo's error, a batch's) keeps its details: the UI words common errors in
  // its own language from them (errorText).
  const shape = errorShapeSchema.safeParse(err);
  if (shape.success) return shape.data;
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const { code, message } = err;
    if (isErrorCode(code) && typeof message === 'string') return { code, message };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function hasCode(err: unknown, code: ErrorCode): boolean {
  return errorShapeOf(err).code === code;
}
