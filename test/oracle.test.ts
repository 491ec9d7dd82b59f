// An independent oracle: TensorFlow.js (its cpu backend) computes each test network's loss
// and parameter gradients from the same weights and images — every layer through the
// TensorFlow.js form its op folder gives — and netc's must match: both backends, on one
// thread and split across two, within float32 tolerance.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../src/ops/types.js';
import type { ModelInfo, NetClass, Trainable, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { loadTrainer, tensorMismatches, type LoadedTrainer } from './helpers.js';
import { OP_NET_CASES, OP_TESTS } from './ops.js';

/** Per tensor: max |netc − tfjs| ≤ RELATIVE · max |tfjs| + ABSOLUTE. */
const RELATIVE = 1e-4;
const ABSOLUTE = 1e-6;
const STEP = 1;
const SEED = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Batch {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly mean: Float64Array;
}

function batchFor(model: ModelInfo, scale: number): Batch {
  const { height, width, channels } = model.input;
  const rng = new Rng(3);
  return {
    pixels: Uint8Array.from({ length: height * width * channels * model.batch }, () => rng.below(256)),
    labels: Uint8Array.from({ length: model.batch }, () => rng.below(model.classes)),
    mean: new Float64Array(channels).fill(120 * scale),
  };
}

/** netc's loss and gradients on the batch, from the same perturbed initial weights. */
function netcGradients(net: Trainable, model: ModelInfo, batch: Batch, grads: () => ArrayLike<number>) {
  const size = model.input.height * model.input.width * model.input.channels;
  const init = new Rng(9);
  net.init(() => init.normal());
  for (let i = 0; i < net.params.length; i++) net.params[i]! += 0.01 * init.normal();
  for (let s = 0; s < model.batch; s++) {
    net.setImage(s, batch.pixels, s * size, batch.mean);
    net.labels[s] = batch.labels[s]!;
  }
  const loss = net.computeGradients(model.batch, STEP);
  return { loss, grads: Float64Array.from(grads()), params: Float64Array.from(net.params) };
}

/** The network in TensorFlow.js, layer by layer through each op's oracle; gradients in netc's layout. */
function tfjsGradients(trainer: LoadedTrainer, batch: Batch, params: Float64Array) {
  const model = trainer.MODEL;
  const { height, width, channels } = model.input;
  const scale = trainer.SETTINGS.pixelScale;
  const size = height * width * channels;
  const images = new Float32Array(size * model.batch);
  for (let s = 0; s < model.batch; s++) {
    for (let c = 0; c < channels; c++) for (let p = 0; p < height * width; p++) images[s * size + p * channels + c] = batch.pixels[s * size + c * height * width + p]! * scale - batch.mean[c]!;
  }
  const network = trainer.compiled.network;
  const views = model.params;
  const variables = views.map((v) => tf.tensor(Float32Array.from(params.subarray(v.offset, v.offset + v.size)), [...v.shape]));
  const x = tf.tensor4d(images, [model.batch, height, width, channels]);
  const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(batch.labels), 'int32'), model.classes);
  const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => {
    const outputs = new Map<string, tf.Tensor4D>([['input', x]]);
    for (const info of network.layers) {
      const layer: Layer = info.layer;
      const own = Object.fromEntries(views.flatMap((v, k) => (v.name.startsWith(`${layer.name}_`) && trainer.compiled.graph.params[k]!.layer === layer.name ? [[v.name.slice(layer.name.length + 1), p[k]!]] : [])));
      const oracle = OP_TESTS.get(layer.type)!.oracle!;
      outputs.set(layer.name, oracle(layer, layer.inputs.map((n) => outputs.get(n)!), own, { tf, training: true, seed: SEED, step: STEP }));
    }
    const logits = tf.reshape(outputs.get(network.layers.at(-1)!.layer.name)!, [model.batch, model.classes]);
    return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  })(variables);
  const flat = new Float64Array(model.paramCount);
  views.forEach((v, k) => flat.set(grads[k]!.dataSync(), v.offset));
  return { loss: value.dataSync()[0]!, grads: flat };
}

async function compare(text: string, file?: string) {
  const trainer = await loadTrainer(text, file === undefined ? {} : { file });
  const url = (name: string) => pathToFileURL(join(trainer.dir, name)).href;
  const wasm = (await import(url('model-wasm.js'))) as { Net: NetClass };
  const { createParallel } = (await import(url('runtime/parallel.js'))) as { createParallel(...args: unknown[]): Promise<Trainable> };
  const model = trainer.MODEL;
  const batch = batchFor(model, trainer.SETTINGS.pixelScale);
  const results: { label: string; loss: number; grads: Float64Array; params: Float64Array }[] = [];
  for (const [label, Net, module] of [['ts', trainer.Net, 'model.js'], ['wasm', wasm.Net, 'model-wasm.js']] as const) {
    const one = new Net();
    results.push({ label: `${label}, 1 thread`, ...netcGradients(one, model, batch, () => one.grads) });
    const two = await createParallel(model, Net, url(module), 2);
    try {
      const main = (two as unknown as { main: TrainableNet }).main;
      results.push({ label: `${label}, 2 threads`, ...netcGradients(two, model, batch, () => main.grads) });
    } finally {
      await two.close();
    }
  }
  const oracle = tfjsGradients(trainer, batch, results[0]!.params);
  return { model, results, oracle };
}

const REFERENCE = ['configs/mnist.yaml', 'configs/cifar10.yaml', 'configs/cifar10-deep.yaml'].map((file): [string, string, string] => [file, readFileSync(file, 'utf8'), file]);

describe('loss and gradients against TensorFlow.js (cpu backend)', () => {
  it.each([...OP_NET_CASES.map(([label, net]): [string, string, string | undefined] => [label, net.text, undefined]), ...REFERENCE])('%s: both backends, 1 and 2 threads', async (_, text, file) => {
    const { model, results, oracle } = await compare(text, file);
    for (const result of results) {
      expect(result.loss, result.label).toBeCloseTo(oracle.loss, 4);
      expect(tensorMismatches(model, result.grads, oracle.grads, RELATIVE, ABSOLUTE), result.label).toEqual([]);
    }
  });
});
