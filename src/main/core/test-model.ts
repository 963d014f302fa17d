// A real TensorFlow.js image classifier made on the spot, for tests, e2e specs and benchmarks
// (never imported by app code): it tells solid red from solid blue, saved the way Teachable
// Machine exports an image model (model.json + weights.bin + metadata.json).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export const RED_BLUE_LABELS = ['red', 'blue'];

interface Options {
  /** metadata.json's imageSize (Teachable Machine uses 224). */
  imageSize?: number;
  /** Labels to write; a count other than 2 makes a folder whose labels do not fit the model. */
  labels?: string[];
  /** Write labels.txt instead of metadata.json. */
  labelsTxt?: boolean;
}

/**
 * Builds the model with @tensorflow/tfjs and writes it into `dir`. The weights are set, not
 * learned: after Teachable Machine's normalisation (x / 127 − 1) the mean red and blue of the
 * image decide, so a red photo scores ~1 for "red" and a blue one ~1 for "blue".
 */
export async function writeRedBlueModel(dir: string, opts: Options = {}): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  const size = opts.imageSize ?? 64;
  const model = tf.sequential({
    layers: [
      tf.layers.globalAveragePooling2d({ inputShape: [size, size, 3] }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const kernel = tf.tensor2d([
    [4, -4],
    [0, 0],
    [-4, 4],
  ]);
  const bias = tf.tensor1d([0, 0]);
  model.layers[1]!.setWeights([kernel, bias]);
  const labels = opts.labels ?? RED_BLUE_LABELS;
  if (opts.labelsTxt) {
    await saveTeachable(tf, model, dir, null, size);
    await writeFile(join(dir, 'labels.txt'), labels.join('\n') + '\n');
  } else await saveTeachable(tf, model, dir, labels, size);
  tf.dispose([kernel, bias]);
  model.dispose();
}

type Tfjs = typeof import('@tensorflow/tfjs');

/** model.json + weights.bin (+ metadata.json when `labels` is given), as Teachable Machine writes them. */
async function saveTeachable(
  tf: Tfjs,
  model: import('@tensorflow/tfjs').LayersModel,
  dir: string,
  labels: string[] | null,
  imageSize: number,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Array.isArray(artifacts.weightData)
        ? Buffer.concat(artifacts.weightData.map((b) => Buffer.from(b)))
        : Buffer.from(artifacts.weightData ?? new ArrayBuffer(0));
      await writeFile(
        join(dir, 'model.json'),
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      await writeFile(join(dir, 'weights.bin'), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!labels) return;
  await writeFile(
    join(dir, 'metadata.json'),
    JSON.stringify({
      tfjsVersion: tf.version.tfjs,
      tmVersion: '2.4.7',
      packageVersion: '0.8.4',
      packageName: '@teachablemachine/image',
      timeStamp: new Date().toISOString(),
      userMetadata: {},
      modelName: 'vigil-test-model',
      labels,
      imageSize,
    }),
  );
}

/** A PNG of one colour (with a little noise, so it is a photo-like image, not a constant). */
export async function solidPng(file: string, rgb: [number, number, number], width = 120, height = 90) {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++)
      data[i * 3 + c] = Math.max(0, Math.min(255, rgb[c]! + ((i * 7 + c * 13) % 21) - 10));
  }
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

/**
 * A stand-in the size of a Teachable Machine image model: MobileNetV2 (α 0.35, 224²) with
 * Teachable Machine's head (dense 100 → softmax). Random weights: for timing only, since the
 * time a model takes depends on its layers, not on what its weights learned.
 */
export async function writeMobileNetStandIn(dir: string, labels: string[]): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  const input = tf.input({ shape: [224, 224, 3] });
  const relu6 = (x: unknown) => tf.layers.reLU({ maxValue: 6 }).apply(x as never);
  const bn = (x: unknown) => tf.layers.batchNormalization().apply(x as never);
  const conv = (x: unknown, filters: number, kernel: number, strides: number) =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false })
      .apply(x as never);
  let x = relu6(bn(conv(input, 16, 3, 2)));
  let channels = 16;
  // (expansion, output channels at α 0.35, repeats, first stride)
  const blocks: [number, number, number, number][] = [
    [1, 8, 1, 1],
    [6, 8, 2, 2],
    [6, 16, 3, 2],
    [6, 24, 4, 2],
    [6, 32, 3, 1],
    [6, 56, 3, 2],
    [6, 112, 1, 1],
  ];
  for (const [t, c, n, s] of blocks) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      let y = t === 1 ? x : relu6(bn(conv(x, channels * t, 1, 1)));
      y = tf.layers
        .depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false })
        .apply(y as never);
      y = bn(conv(relu6(bn(y)), c, 1, 1));
      x = stride === 1 && channels === c ? tf.layers.add().apply([x as never, y as never]) : y;
      channels = c;
    }
  }
  x = relu6(bn(conv(x, 1280, 1, 1)));
  x = tf.layers.globalAveragePooling2d({}).apply(x as never);
  x = tf.layers.dense({ units: 100, activation: 'relu' }).apply(x as never);
  const output = tf.layers.dense({ units: labels.length, activation: 'softmax' }).apply(x as never);
  const model = tf.model({ inputs: input, outputs: output as never });
  await saveTeachable(tf, model, dir, labels, 224);
  model.dispose();
}
