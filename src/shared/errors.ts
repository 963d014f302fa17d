import { z } from 'zod';

/** Stable error codes: scripts and the UI switch on these, so never rename one. */
export const ERROR_CODES = [
  'BAD_INPUT',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'PAYLOAD_TOO_LARGE',
  'NOT_AN_IMAGE',
  'IMAGE_CORRUPT',
  'IMAGE_TOO_LARGE',
  'FILE_NOT_FOUND',
  /** The file is there, but this process may not read it (EACCES, EPERM). */
  'FILE_NOT_READABLE',
  'NO_FACE',
  'MULTIPLE_FACES',
  'FACE_TOO_SMALL',
  'LOW_QUALITY',
  'DUPLICATE',
  /** Enrolment: the face does not look like the subject's other faces, or matches another subject. */
  'FACE_MISMATCH',
  'INCOMPATIBLE_MODEL',
  'ENGINE_UNAVAILABLE',
  'ENGINE_FAILED',
  'MODEL_INVALID',
  'STORE_CORRUPT',
  'STORE_VERSION',
  'STORE_LOCKED',
  'CANCELLED',
  'OUTPUT_DIR_INVALID',
  'OUTPUT_NOT_WRITABLE',
  'OUTPUT_IN_DATA_DIR',
  'TARGET_NOT_EMPTY',
  'TARGET_INSIDE_DATA',
  'TARGET_NOT_WRITABLE',
  /**
   * Only the CLI says this: a blurred copy was written, but its self-check still detects a face
   * (`vigil blur` exits 3). The core reports it in `selfCheck`, never as an error.
   */
  'FACES_STILL_DETECTED',
  /** Only a client says this: the HTTP API did not answer at all (the server stopped). */
  'CORE_UNREACHABLE',
  /**
   * Only the history says this: a job still running when its process stopped (a crash, a kill),
   * found at the next start. No call returns it.
   */
  'INTERRUPTED',
  'INTERNAL',
] as const;

/**
 * Why a file is NOT_AN_IMAGE, where the core knows (`details.kind`, beside `file` and `reason`):
 * `empty` (0 bytes), `heic` (an HEIC photo coded with HEVC, which this build cannot decode),
 * `bmp`. A file nothing more is known of has no kind. The UI words each; never rename one.
 */
export const NOT_AN_IMAGE_KINDS = ['empty', 'heic', 'bmp'] as const;
export type NotAnImageKind = (typeof NOT_AN_IMAGE_KINDS)[number];

/**
 * Why a folder is not a usable model (`details.kind` of MODEL_INVALID; `details.reason` keeps the
 * English cause). The UI words most of them; never rename one.
 */
export const MODEL_INVALID_KINDS = [
  'not-folder',
  'link',
  'not-file',
  'no-model-json',
  'bad-json',
  'no-topology',
  'unknown-format',
  'no-weights-manifest',
  'weight-outside',
  'weight-missing',
  'no-weight-files',
  'weight-size',
  'too-large',
  'bad-metadata',
  'bad-labels',
  'no-labels',
  'empty-labels',
  'input-not-image',
  'input-channels',
  'input-size',
  'output-shape',
  'label-count',
  'not-loadable',
] as const;
export type ModelInvalidKind = (typeof MODEL_INVALID_KINDS)[number];

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** The only shape an error takes when it crosses a boundary (IPC, HTTP, CLI). */
export const errorShapeSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorShape = z.infer<typeof errorShapeSchema>;

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'VigilError';
    this.code = code;
    this.details = details;
  }

  toShape(): ErrorShape {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into the boundary shape; unknown errors never leak their stack. */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof VigilError) return err.toShape();
  const parsed = errorShapeSchema.safeParse(err);
  if (parsed.success) return parsed.data;
  return { code: 'INTERNAL', message: 'Unexpected internal error' };
}

export function fromErrorShape(shape: ErrorShape): VigilError {
  return new VigilError(shape.code, shape.message, shape.details);
}
