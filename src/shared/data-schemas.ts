import { z } from 'zod';

/** Where the data dir in use came from: only `config` and `default` follow a move on next start. */
export const dataDirSourceSchema = z.enum(['flag', 'env', 'config', 'default']);

export const dataOperationSchema = z.object({
  kind: z.enum(['move', 'backup', 'restore']),
  /** waiting: for running jobs to finish; then the steps of that operation. */
  phase: z.enum(['waiting', 'check', 'copy', 'verify', 'open', 'switch', 'remove', 'pack', 'unpack']),
  done: z.number().int(),
  total: z.number().int(),
  startedAt: z.string(),
});

export const dataInfoSchema = z.object({
  dir: z.string(),
  source: dataDirSourceSchema,
  /** True when a move is remembered for the next start (not started with --data / VIGIL_DATA_DIR). */
  persistent: z.boolean(),
  configFile: z.string(),
  files: z.number().int(),
  bytes: z.number().int(),
  /** A move, backup or restore in progress, or null. */
  operation: dataOperationSchema.nullable(),
});

const absolutePath = z.string().min(1).max(4096);

export const dataMoveInputSchema = z
  .object({
    /** Absolute path of a new or empty folder on the machine running Vigil. */
    to: absolutePath,
    /** Delete the old folder once the copy is verified, in use and remembered. */
    removeOld: z.boolean().default(false),
  })
  .strict();

export const dataMoveResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  files: z.number().int(),
  bytes: z.number().int(),
  /** Written to the config file for the next start; false when --data / VIGIL_DATA_DIR decide. */
  persisted: z.boolean(),
  source: dataDirSourceSchema,
  /** The old folder: kept (and where), or removed; files found there that were not Vigil's stay. */
  old: z.object({ dir: z.string(), removed: z.boolean(), left: z.array(z.string()) }),
});

export const dataBackupInputSchema = z
  .object({
    /** Write the archive to this absolute path on the machine running Vigil; omitted: return it. */
    file: absolutePath.optional(),
  })
  .strict();

export const dataBackupResultSchema = z.object({
  /** Where it was written, or null when returned as `data`. */
  file: z.string().nullable(),
  fileName: z.string(),
  files: z.number().int(),
  bytes: z.number().int(),
  /** The archive, base64, when no file was given. */
  data: z.string().optional(),
});

export const dataRestoreResultSchema = z.object({
  files: z.number().int(),
  /** The data that was replaced, kept aside here. */
  previous: z.string().nullable(),
});
