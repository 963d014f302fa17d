import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { boxSchema } from '../../../shared/schemas';
import { EmbeddingFile } from './embeddings';
import { openJsonDoc, type JsonDoc } from './json-doc';
import { MediaStore } from './media';

export const DESCRIPTOR_DIM = 1024;

/** A face seen in an inspected photo; its descriptor is row `row` of faces.vec. */
export const seenFaceSchema = z.object({
  id: z.string(),
  row: z.number().int().nonnegative(),
  photoSha256: z.string(),
  file: z.string(),
  box: boxSchema,
  score: z.number(),
  seenAt: z.string(),
});
export type SeenFace = z.infer<typeof seenFaceSchema>;

export const facesDocSchema = z.object({
  version: z.literal(1),
  /** Which descriptor model produced faces.vec, so a model change can re-embed. */
  model: z.string(),
  faces: z.array(seenFaceSchema),
});

export interface Store {
  dir: string;
  faces: JsonDoc<z.output<typeof facesDocSchema>>;
  vectors: EmbeddingFile;
  media: MediaStore;
  /** Runs read-modify-write steps that span the JSON and the vector file one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openStore(dir: string): Promise<Store> {
  await mkdir(dir, { recursive: true });
  const faces = await openJsonDoc({
    file: join(dir, 'faces.json'),
    schema: facesDocSchema,
    version: 1,
    initial: () => ({ version: 1 as const, model: 'human/faceres', faces: [] }),
  });
  const vectors = await EmbeddingFile.open(join(dir, 'faces.vec'), DESCRIPTOR_DIM);
  let tail: Promise<unknown> = Promise.resolve();
  return {
    dir,
    faces,
    vectors,
    media: new MediaStore(dir),
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const run = tail.then(fn);
      tail = run.catch(() => undefined);
      return run;
    },
    close: () => vectors.close(),
  };
}
