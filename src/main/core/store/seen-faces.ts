import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { boxSchema } from '../../../shared/schemas';
import { VigilError } from '../../../shared/errors';
import { JsonLinesFile } from './jsonl';
import { readTextIfThere } from './files';
import { jsonOrNull } from '../../../shared/json';

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

/** faces.json, how older data dirs kept the seen faces (converted on open). */
const facesDocSchema = z.object({
  version: z.literal(1),
  /** Which descriptor model produced faces.vec, so a model change can re-embed. */
  model: z.string(),
  faces: z.array(seenFaceSchema),
});

const headerSchema = z.object({ version: z.literal(1), model: z.string() });

/**
 * The "seen" faces (faces.jsonl): a header line with the descriptor model, then one line per
 * face added and a tombstone `{ id, deleted: true }` per face removed. A scan appends its
 * photo's faces instead of rewriting every face seen so far (25 MB at 100 000 faces); the
 * file is compacted on open when mostly superseded. Descriptors are rows of faces.vec.
 */
export class SeenFaceLog {
  private readonly faces = new Map<string, SeenFace>();
  private readonly byPhoto = new Map<string, Set<string>>();
  private readonly log: JsonLinesFile;
  /** Which descriptor model produced faces.vec, so a model change can re-embed. */
  model: string;

  private constructor(file: string, model: string) {
    this.log = new JsonLinesFile(file);
    this.model = model;
  }

  /**
   * Opens `file`; an older data dir's `legacyJson` (the whole list as one lowdb document) is
   * converted once, then deleted.
   */
  static async open(file: string, opts: { model: string; legacyJson: string }): Promise<SeenFaceLog> {
    const seen = new SeenFaceLog(file, opts.model);
    let header = false;
    const { torn } = await seen.log.read((value, lineNo) => {
      const tomb = value as { id?: unknown; deleted?: unknown };
      if (tomb && tomb.deleted === true && typeof tomb.id === 'string') return seen.forget(tomb.id);
      if (!header) {
        const h = headerSchema.safeParse(value);
        if (h.success) {
          seen.model = h.data.model;
          header = true;
          return;
        }
      }
      const face = seenFaceSchema.safeParse(value);
      if (!face.success) throw seen.log.corrupt(lineNo, 'does not match its schema');
      seen.remember(face.data);
    });
    if (seen.log.lines === 0) {
      const legacy = await readLegacy(opts.legacyJson);
      if (legacy) {
        seen.model = legacy.model;
        for (const f of legacy.faces) seen.remember(f);
      }
      await seen.compact();
      if (legacy) await rm(opts.legacyJson, { force: true });
    } else {
      // The conversion got as far as the new file: the old one is no longer needed.
      await rm(opts.legacyJson, { force: true });
      if (torn || !header || seen.log.mostlySuperseded(seen.faces.size)) await seen.compact();
    }
    return seen;
  }

  get size(): number {
    return this.faces.size;
  }

  values(): IterableIterator<SeenFace> {
    return this.faces.values();
  }

  get(id: string): SeenFace | undefined {
    return this.faces.get(id);
  }

  ofPhoto(photoSha256: string): SeenFace[] {
    return [...(this.byPhoto.get(photoSha256) ?? [])].map((id) => this.faces.get(id)!);
  }

  /** Makes `faces` the photo's seen faces, in place of any it had. */
  async replacePhoto(photoSha256: string, faces: SeenFace[]): Promise<void> {
    const gone = this.ofPhoto(photoSha256);
    gone.forEach((f) => this.forget(f.id));
    faces.forEach((f) => this.remember(f));
    await this.log
      .append(
        ...gone.map((f) => JSON.stringify({ id: f.id, deleted: true })),
        ...faces.map((f) => JSON.stringify(f)),
      )
      .catch((err: unknown) => {
        // Not written (a full disk): memory goes back to what the file holds.
        faces.forEach((f) => this.faces.get(f.id) === f && this.forget(f.id));
        gone.forEach((f) => this.remember(f));
        throw err;
      });
  }

  /** Removes every seen face of these photos; returns the faces removed. */
  async removePhotos(photos: Set<string>): Promise<SeenFace[]> {
    const gone = [...photos].flatMap((p) => this.ofPhoto(p));
    if (gone.length === 0) return [];
    gone.forEach((f) => this.forget(f.id));
    await this.log
      .append(...gone.map((f) => JSON.stringify({ id: f.id, deleted: true })))
      .catch((err: unknown) => {
        gone.forEach((f) => this.remember(f));
        throw err;
      });
    return gone;
  }

  /** Forgets every face and starts the file again for another descriptor model. */
  async restart(model: string): Promise<void> {
    this.faces.clear();
    this.byPhoto.clear();
    this.model = model;
    await this.compact();
  }

  close(): Promise<void> {
    return this.log.close();
  }

  private remember(f: SeenFace): void {
    this.forget(f.id);
    this.faces.set(f.id, f);
    let ids = this.byPhoto.get(f.photoSha256);
    if (!ids) this.byPhoto.set(f.photoSha256, (ids = new Set()));
    ids.add(f.id);
  }

  private forget(id: string): void {
    const f = this.faces.get(id);
    if (!f) return;
    this.faces.delete(id);
    const ids = this.byPhoto.get(f.photoSha256)!;
    ids.delete(id);
    if (ids.size === 0) this.byPhoto.delete(f.photoSha256);
  }

  private compact(): Promise<void> {
    return this.log.rewrite(SeenFaceLog.lines(this.model, this.faces.values()));
  }

  /** The lines of a compact file holding `faces`: the header, then one line per face. */
  static lines(model: string, faces: Iterable<SeenFace>): string[] {
    return [JSON.stringify({ version: 1, model }), ...[...faces].map((f) => JSON.stringify(f))];
  }
}

/** faces.json of an older data dir, validated; null when there is none. */
async function readLegacy(file: string): Promise<z.output<typeof facesDocSchema> | null> {
  const text = await readTextIfThere(file);
  if (text === null) return null;
  const doc = facesDocSchema.safeParse(jsonOrNull(text));
  if (!doc.success)
    throw new VigilError('STORE_CORRUPT', `${file} is damaged; the file was left untouched`, { file });
  return doc.data;
}
