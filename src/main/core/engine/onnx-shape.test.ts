import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-common';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEngineOptions } from '../test-support';
import { withFreeSpatialDims } from './onnx-shape';
import { loadOrt, RETINAFACE_MODEL } from './retinaface';

const { ort } = loadOrt();
const options = { intraOpNumThreads: 1, interOpNumThreads: 1 } as const;

/** A planar RGB input of the given size with a fixed pattern (the model sees structure, not noise). */
function pattern(h: number, w: number): Float32Array {
  const data = new Float32Array(3 * h * w);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return data;
}

async function run(session: InferenceSession, h: number, w: number) {
  return session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', pattern(h, w), [1, 3, h, w]) });
}

describe('withFreeSpatialDims', () => {
  let original: Uint8Array;
  let freed: Uint8Array;
  beforeAll(async () => {
    original = await readFile(join(testEngineOptions().modelsDir, RETINAFACE_MODEL));
    freed = withFreeSpatialDims(original);
  });

  it('gives the same outputs at the model’s own size', async () => {
    const a = await ort.InferenceSession.create(original, options);
    const b = await ort.InferenceSession.create(freed, options);
    try {
      const [x, y] = [await run(a, 640, 640), await run(b, 640, 640)];
      expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
      for (const name of Object.keys(x)) {
        expect(y[name]!.dims).toEqual(x[name]!.dims);
        expect(y[name]!.data).toEqual(x[name]!.data);
      }
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('runs on wider and taller inputs, one output cell per stride', async () => {
    const session = await ort.InferenceSession.create(freed, options);
    try {
      for (const [h, w] of [
        [640, 1920],
        [480, 480],
        [1280, 640],
      ] as const) {
        const out = await run(session, h, w);
        for (const stride of [8, 16, 32])
          expect(out[`face_rpn_cls_prob_reshape_stride${stride}`]!.dims.slice(2)).toEqual([
            h / stride,
            w / stride,
          ]);
      }
      // The unchanged model refuses any other size: the rewrite is what frees it.
      const fixed = await ort.InferenceSession.create(original, options);
      await expect(run(fixed, 640, 1920)).rejects.toThrow();
      await fixed.release();
    } finally {
      await session.release();
    }
  });

  it('keeps every weight and node byte for byte', () => {
    // Freed names are added (`in_h`, …) and fixed sizes removed: only a few hundred bytes differ.
    expect(Math.abs(freed.length - original.length)).toBeLessThan(2000);
    // The largest initializer (a run of raw float bytes) is found unchanged in the new file.
    const probe = original.subarray(original.length - 200_000, original.length - 100_000);
    expect(Buffer.from(freed).includes(Buffer.from(probe))).toBe(true);
  });

  it('refuses what is not a model with 4-d inputs and outputs', () => {
    expect(() => withFreeSpatialDims(new TextEncoder().encode('not a model at all'))).toThrow();
    expect(() => withFreeSpatialDims(new Uint8Array(0))).toThrow(/no graph input or output/);
  });
});
