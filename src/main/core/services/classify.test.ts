import { execFileSync } from 'node:child_process';
import { readdir, rename, rm, symlink, writeFile, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyResultSchema,
  modelEntrySchema,
  modelsListSchema,
  type ClassifyResult,
} from '../../../shared/classify-schemas';
import { errorShapeSchema, type ErrorShape } from '../../../shared/errors';
import { historyRecordSchema } from '../../../shared/history-schemas';
import { createCore, type Core } from '../core';
import type { CallResult } from '../dispatch';
import { createTestCore, sampleImage, tempDir, testEngineOptions } from '../test-support';
import { solidPng, writeRedBlueModel } from '../test-model';
import { probabilities } from './classify';

function ok(result: CallResult): unknown {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function failure(result: CallResult): ErrorShape {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value).slice(0, 300)}`);
  return errorShapeSchema.parse(result.error);
}

describe('classification', () => {
  let dataDir: string;
  let work: string;
  let core: Core;
  let red: string;
  let blue: string;

  beforeAll(async () => {
    dataDir = tempDir();
    work = tempDir();
    core = await createTestCore(dataDir);
    await core.engine.whenReady();
    red = await solidPng(join(work, 'red.png'), [220, 20, 30]);
    blue = await solidPng(join(work, 'blue.png'), [25, 30, 210], 90, 140);
  });

  afterAll(async () => {
    await core?.close();
  });

  const classify = async (input: Record<string, unknown>) =>
    classifyResultSchema.parse(ok(await core.call('classify.run', input)));

  it('finds COCO objects and per-face attributes with boxes in original pixels', async () => {
    const r = await classify({ source: { path: sampleImage(1) } });
    expect(r).toMatchObject({
      fileName: 'sample1.jpg',
      extension: 'jpg',
      model: 'centernet',
      modelKind: 'builtin',
      objectModel: 'centernet',
      backend: 'wasm',
      success: true,
    });
    expect(r.top[0]).toMatchObject({ classId: 1, label: 'person' });
    expect(r.top.map((t) => t.label)).toEqual([...new Set(r.top.map((t) => t.label))]);
    const people = r.objects.filter((o) => o.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(2);
    for (const o of r.objects) {
      expect(o.box[0] + o.box[2]).toBeLessThanOrEqual(r.width);
      expect(o.box[1] + o.box[3]).toBeLessThanOrEqual(r.height);
      expect(o.score).toBeGreaterThanOrEqual(0.3);
    }
    expect(r.faces).toHaveLength(3);
    for (const f of r.faces) {
      expect(f.age).toBeGreaterThan(5);
      expect(f.age).toBeLessThan(90);
      expect(['female', 'male']).toContain(f.gender);
      expect(f.genderScore).toBeGreaterThan(0);
      expect(f.emotions).toHaveLength(7);
      expect(f.emotion).toBe(f.emotions[0]!.emotion);
      // Every face lies inside a person.
      const [cx, cy] = [f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2];
      expect(
        people.some(
          (p) => cx > p.box[0] && cx < p.box[0] + p.box[2] && cy > p.box[1] && cy < p.box[1] + p.box[3],
        ),
      ).toBe(true);
    }
    const rec = historyRecordSchema.parse(ok(await core.call('history.get', { id: r.historyId })));
    expect(rec).toMatchObject({ kind: 'classify', status: 'FINISHED' });
    expect(classifyResultSchema.parse(rec.result).top).toEqual(r.top);
  });

  it('scales boxes back when the photo is analysed smaller', async () => {
    const small = await createCore({
      dataDir: tempDir(),
      mediaUrl: (k) => '/media/' + k,
      engine: testEngineOptions(),
      limits: { maxSide: 900 },
    });
    try {
      const full = await classify({ source: { path: sampleImage(2) }, objects: false });
      const r = classifyResultSchema.parse(
        ok(await small.call('classify.run', { source: { path: sampleImage(2) }, objects: false })),
      );
      expect(r.width).toBe(full.width);
      expect(r.faces).toHaveLength(full.faces.length);
      const a = full.faces[0]!.box;
      const b = r.faces[0]!.box;
      // Same face, same place, in the original's pixels (a few pixels of resampling apart).
      for (let i = 0; i < 4; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(full.width * 0.02);
    } finally {
      await small.close();
    }
  });

  it('nanodet is available by name and reports the same result shape', async () => {
    const r = await classify({ source: { path: sampleImage(1) }, model: 'NanoDet', faces: false });
    expect(r).toMatchObject({ model: 'nanodet', objectModel: 'nanodet', faces: [] });
    expect(r.top[0]?.label).toBe('person');
  });

  it("models.test gives a built-in model's top labels too, from the objects it finds", async () => {
    for (const name of ['centernet', 'nanodet']) {
      const r = classifyResultSchema.parse(
        ok(await core.call('models.test', { name, source: { path: sampleImage(1) } })),
      );
      expect(r).toMatchObject({ model: name, modelKind: 'builtin', objectModel: name, faces: [] });
      expect(r.top[0]?.label).toBe('person');
      expect(r.objects.length).toBeGreaterThan(0);
    }
  });

  it('a file that is not an image is NOT_AN_IMAGE and an ERROR record', async () => {
    const notes = join(work, 'notes.jpg');
    await writeFile(notes, 'this is not a photo');
    const err = failure(await core.call('classify.run', { source: { path: notes } }));
    expect(err.code).toBe('NOT_AN_IMAGE');
    const rec = historyRecordSchema.parse(
      ok(await core.call('history.get', { id: String(err.details?.historyId) })),
    );
    expect(rec).toMatchObject({ kind: 'classify', status: 'ERROR', error: { code: 'NOT_AN_IMAGE' } });
    const list = ok(await core.call('history.list', { kind: 'classify', status: 'ERROR' })) as {
      records: { inputs: { file: string }[]; error: ErrorShape | null }[];
    };
    expect(list.records[0]).toMatchObject({ inputs: [{ file: notes }], error: { code: 'NOT_AN_IMAGE' } });
    const jobs = async () =>
      (ok(await core.call('history.list', { kind: 'classify' })) as { total: number }).total;
    const before = await jobs();
    const unknown = failure(await core.call('classify.run', { source: { path: red }, model: 'nope' }));
    expect(unknown.code).toBe('NOT_FOUND');
    // A mistaken model name is no job on the photo: nothing recorded.
    expect(unknown.details?.historyId).toBeUndefined();
    expect(await jobs()).toBe(before);
  });

  it('imports a Teachable Machine model made here and it tells red from blue', async () => {
    const dir = join(work, 'tm-red-blue');
    await writeRedBlueModel(dir);
    const entry = modelEntrySchema.parse(ok(await core.call('models.import', { dir, name: 'Colours' })));
    expect(entry).toMatchObject({
      name: 'Colours',
      kind: 'user',
      task: 'classifier',
      format: 'layers',
      labels: ['red', 'blue'],
      labelsFrom: 'metadata.json',
      input: { width: 64, height: 64, channels: 3, normalization: 'teachable', fit: 'cover' },
      isDefault: false,
    });
    expect(entry.sizeBytes).toBeGreaterThan(0);
    // Copied into the data dir: the original folder can go.
    await rm(dir, { recursive: true });
    const list = modelsListSchema.parse(ok(await core.call('models.list', {})));
    expect(list.models.map((m) => m.name)).toEqual(['centernet', 'nanodet', 'Colours']);
    expect(list.defaultModel).toBe('centernet');

    const r = await classify({ source: { path: red }, model: 'colours', objects: false, faces: false });
    expect(r).toMatchObject({
      model: 'Colours',
      modelKind: 'user',
      objectModel: null,
      objects: [],
      faces: [],
    });
    expect(r.top.map((t) => t.label)).toEqual(['red', 'blue']);
    expect(r.top[0]!.score).toBeGreaterThan(0.95);
    expect(r.top[0]!.classId).toBe(0);
    const b = classifyResultSchema.parse(
      ok(await core.call('models.test', { name: 'Colours', source: { path: blue } })),
    );
    expect(b.top[0]).toMatchObject({ classId: 1, label: 'blue' });
    expect(b.top[0]!.score).toBeGreaterThan(0.95);
    const one = await classify({
      source: { path: blue },
      model: 'Colours',
      top: 1,
      objects: false,
      faces: false,
    });
    expect(one.top).toHaveLength(1);
  });

  it('the default model setting picks the model Classify uses', async () => {
    const settings = ok(await core.call('settings.update', { classify: { defaultModel: 'colours' } })) as {
      classify: { defaultModel: string | null; effectiveModel: string };
    };
    expect(settings.classify).toEqual({ defaultModel: 'Colours', effectiveModel: 'Colours' });
    const r = await classify({ source: { path: blue }, faces: false });
    expect(r).toMatchObject({ model: 'Colours', objectModel: 'centernet' });
    expect(r.top[0]!.label).toBe('blue');
    expect(failure(await core.call('settings.update', { classify: { defaultModel: 'missing' } })).code).toBe(
      'NOT_FOUND',
    );
  });

  it('feedback with the right label is stored and exported', async () => {
    const a = await classify({ source: { path: red }, model: 'Colours', objects: false, faces: false });
    const notes = join(work, 'broken.png');
    await writeFile(notes, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    // Named like a spreadsheet formula: the CSV must carry it as text.
    failure(
      await core.call('classify.run', {
        source: { name: '=1+2.png', bytes: (await readFile(notes)).toString('base64') },
        model: 'Colours',
      }),
    );
    const failed = (
      ok(await core.call('history.list', { kind: 'classify', status: 'ERROR', limit: 1 })) as {
        records: { id: string }[];
      }
    ).records[0]!.id;
    const rec = historyRecordSchema.parse(
      ok(await core.call('feedback.give', { historyId: a.historyId, verdict: 'wrong', label: 'crimson' })),
    );
    expect(rec.feedback.at(-1)).toMatchObject({ verdict: 'wrong', label: 'crimson' });
    const csv = ok(
      await core.call('classify.export', { historyIds: [a.historyId, failed], format: 'csv' }),
    ) as { fileName: string; records: number; data: string };
    expect(csv.records).toBe(2);
    expect(csv.fileName).toMatch(/^vigil-classify-.*\.csv$/);
    const lines = Buffer.from(csv.data, 'base64').toString('utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^file,extension,date,success,backend,model,class_id,label,score/);
    expect(lines[1]).toContain('red.png,png,');
    expect(lines[1]).toContain(',true,wasm,Colours,0,red,');
    expect(lines[1]).toContain('wrong:crimson');
    expect(lines[2]).toMatch(/^'=1\+2\.png,png,,false,.*(IMAGE_CORRUPT|NOT_AN_IMAGE)/);
    const json = ok(await core.call('classify.export', { historyIds: [a.historyId], format: 'json' })) as {
      data: string;
    };
    const doc = JSON.parse(Buffer.from(json.data, 'base64').toString('utf8')) as ClassifyResult[];
    expect(doc[0]).toMatchObject({ file: red, model: 'Colours', success: true });
    const inspect = ok(await core.call('history.list', { kind: 'classify', limit: 1 })) as {
      records: { id: string }[];
    };
    expect(inspect.records).toHaveLength(1);
  });

  it('refuses unusable model folders with MODEL_INVALID and the reason, keeping nothing', async () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      ['empty', async () => {}, /no model\.json/],
      [
        'nolabels',
        async (dir) => {
          await writeRedBlueModel(dir);
          await rm(join(dir, 'metadata.json'));
        },
        /no labels/,
      ],
      [
        'threelabels',
        (dir) => writeRedBlueModel(dir, { labels: ['r', 'g', 'b'], labelsTxt: true }),
        /2 scores but labels\.txt has 3 labels/,
      ],
      [
        'noweights',
        async (dir) => {
          await writeRedBlueModel(dir);
          await rm(join(dir, 'weights.bin'));
        },
        /weights\.bin .* missing/,
      ],
      [
        'truncated',
        async (dir) => {
          await writeRedBlueModel(dir);
          await truncate(join(dir, 'weights.bin'), 8);
        },
        /weight files hold 8 bytes but model\.json describes 32/,
      ],
      [
        'unknownlayer',
        async (dir) => {
          await writeRedBlueModel(dir);
          const json = await readFile(join(dir, 'model.json'), 'utf8');
          await writeFile(join(dir, 'model.json'), json.replace('"Dense"', '"NoSuchLayer"'));
        },
        /TensorFlow\.js cannot load it: .*NoSuchLayer/,
      ],
      [
        'badjson',
        async (dir) => {
          await writeRedBlueModel(dir);
          await writeFile(join(dir, 'model.json'), 'TOP SECRET { not json');
        },
        // Said without quoting the file: it may be anything the folder links to.
        /model\.json is not valid JSON$/,
      ],
      [
        'notimage',
        async (dir) => {
          // A dense model over 10 numbers: it loads and runs, but its input is no image.
          const tf = await import('@tensorflow/tfjs');
          const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [10] })] });
          await writeRedBlueModel(dir);
          await model.save(
            tf.io.withSaveHandler(async (a) => {
              const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<
                string,
                unknown
              >;
              json.modelTopology = a.modelTopology;
              json.weightsManifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
              await writeFile(join(dir, 'model.json'), JSON.stringify(json));
              await writeFile(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
              return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
            }),
          );
        },
        /input \[\?, 10\] is not an image/,
      ],
    ];
    // Links out of the folder: the import reads and copies only what is inside it.
    const outside = join(work, 'outside');
    await import('node:fs/promises').then((fs) => fs.mkdir(outside, { recursive: true }));
    cases.push(
      [
        'linkedweights',
        async (dir) => {
          await writeRedBlueModel(dir);
          await rename(join(dir, 'weights.bin'), join(outside, 'weights.bin'));
          await symlink(join(outside, 'weights.bin'), join(dir, 'weights.bin'));
        },
        /weights\.bin is a symbolic link/,
      ],
      [
        'linkedlabels',
        async (dir) => {
          await writeRedBlueModel(dir, { labelsTxt: true });
          await rename(join(dir, 'labels.txt'), join(outside, 'labels.txt'));
          await symlink(join(outside, 'labels.txt'), join(dir, 'labels.txt'));
        },
        /labels\.txt is a symbolic link/,
      ],
      [
        'linkedfolder',
        async (dir) => {
          await writeRedBlueModel(dir);
          const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
            weightsManifest: { paths: string[] }[];
          };
          json.weightsManifest[0]!.paths = ['w/weights.bin'];
          await writeFile(join(dir, 'model.json'), JSON.stringify(json));
          await rename(join(dir, 'weights.bin'), join(outside, 'weights.bin'));
          await symlink(outside, join(dir, 'w'));
        },
        /^w is a symbolic link/,
      ],
    );
    // A FIFO where a weight file should be: refused, not waited on forever.
    if (process.platform === 'linux')
      cases.push([
        'fifoweights',
        async (dir) => {
          await writeRedBlueModel(dir);
          await rm(join(dir, 'weights.bin'));
          execFileSync('mkfifo', [join(dir, 'weights.bin')]);
        },
        /weights\.bin is not a plain file/,
      ]);
    const kinds: Record<string, string> = {
      empty: 'no-model-json',
      nolabels: 'no-labels',
      threelabels: 'label-count',
      noweights: 'weight-missing',
      truncated: 'weight-size',
      unknownlayer: 'not-loadable',
      badjson: 'bad-json',
      notimage: 'input-not-image',
      linkedweights: 'link',
      linkedlabels: 'link',
      linkedfolder: 'link',
      fifoweights: 'not-file',
    };
    for (const [name, make, reason] of cases) {
      const dir = join(work, `bad-${name}`);
      await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
      await make(dir);
      const err = failure(await core.call('models.import', { dir }));
      expect(err.code, name).toBe('MODEL_INVALID');
      expect(String(err.details?.reason), name).toMatch(reason);
      // Why, for the UI to word: stable values beside the English reason.
      expect(err.details?.kind, name).toBe(kinds[name]);
      expect(err.message, name).toContain(`bad-${name} is not a usable model`);
    }
    expect(failure(await core.call('models.import', { dir: join(work, 'nowhere') })).code).toBe(
      'FILE_NOT_FOUND',
    );
    expect(failure(await core.call('models.import', { dir: red })).code).toBe('MODEL_INVALID');
    const list = modelsListSchema.parse(ok(await core.call('models.list', {})));
    expect(list.models.map((m) => m.name)).toEqual(['centernet', 'nanodet', 'Colours']);
    expect((await readdir(join(dataDir, 'models'))).length).toBe(1);
  });

  it('refuses a second model with a taken name, and removes a model and its default', async () => {
    const dir = join(work, 'again');
    await writeRedBlueModel(dir, { labelsTxt: true });
    expect(failure(await core.call('models.import', { dir, name: 'colours' })).code).toBe('DUPLICATE');
    expect(failure(await core.call('models.import', { dir, name: 'CenterNet' })).code).toBe('DUPLICATE');
    const wrongSize = failure(await core.call('models.import', { dir, input: { width: 32 } }));
    expect(wrongSize).toMatchObject({
      code: 'MODEL_INVALID',
      details: { reason: 'its input is 64 pixels wide, not 32', kind: 'input-size' },
    });
    const txt = modelEntrySchema.parse(ok(await core.call('models.import', { dir })));
    // labels.txt gives no normalisation or size: the defaults apply, the model's own size wins.
    expect(txt).toMatchObject({
      name: 'again',
      labelsFrom: 'labels.txt',
      input: { width: 64, normalization: 'unit' },
    });
    expect(failure(await core.call('models.remove', { name: 'centernet' })).code).toBe('BAD_INPUT');
    expect(ok(await core.call('models.remove', { name: 'COLOURS' }))).toEqual({ removed: 'Colours' });
    const settings = ok(await core.call('settings.get', {})) as { classify: { defaultModel: string | null } };
    expect(settings.classify.defaultModel).toBeNull();
    expect(failure(await core.call('models.remove', { name: 'Colours' })).code).toBe('NOT_FOUND');
    const list = modelsListSchema.parse(ok(await core.call('models.list', {})));
    expect(list.models.map((m) => m.name)).toEqual(['centernet', 'nanodet', 'again']);
  });
});

describe('probabilities', () => {
  it('keeps 0…1 scores and softmaxes logits', () => {
    expect(probabilities([0.2, 0.8])).toEqual([0.2, 0.8]);
    const p = probabilities([2, 0, -1]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[0]).toBeGreaterThan(p[1]!);
  });
});
