// An independent oracle: TensorFlow.js (its cpu backend) computes the reference networks'
// loss and parameter gradients from the same weights and images; netc's must match, for
// both backends, within float32 tolerance.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer as AnyLayer } from '../src/resolve/index.js';

// The reference nets' layers, with the options the oracle reads.
type Layer = AnyLayer & { units: number; size: number; stride: number; padding: number };
import type { ModelInfo, NetClass, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { loadTrainer, tensorMismatches } from './helpers.js';

/** Per tensor: max |netc − tfjs| ≤ RELATIVE · max |tfjs| + ABSOLUTE. */
const RELATIVE = 1e-4;
const ABSOLUTE = 1e-6;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  net: TrainableNet;
  model: ModelInfo;
  layers: readonly Layer[];
  images: Float32Array; // NHWC, prepared
  labels: Uint8Array;
}

/** netc's weights, in tfjs's layouts: conv [ky][kx][ci][co], dense [inputs in h·w·c order][units]. */
function tfjsWeights(c: Case): tf.Tensor[] {
  const { model, layers, net } = c;
  const out: tf.Tensor[] = [];
  let shape: readonly number[] = [model.input.height, model.input.width, model.input.channels];
  for (const [i, layer] of layers.entries()) {
    const info = model.layers[i]!;
    if (layer.type === 'conv' || layer.type === 'dense') {
      const w = model.params.find((p) => p.name === `${layer.name}_w`)!;
      const b = model.params.find((p) => p.name === `${layer.name}_b`)!;
      const weights = net.params.subarray(w.offset, w.offset + w.size);
      if (layer.type === 'conv') {
        const [co, ci, k] = w.shape as [number, number, number];
        out.push(tf.transpose(tf.tensor4d(Float32Array.from(weights), [co, ci, k, k]), [2, 3, 1, 0]));
      } else {
        const [h, wd, ch] = shape as [number, number, number];
        const units = layer.units;
        const data = new Float32Array(h * wd * ch * units);
        for (let j = 0; j < units; j++) {
          for (let c2 = 0; c2 < ch; c2++) for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) data[((y * wd + x) * ch + c2) * units + j] = weights[j * h * wd * ch + c2 * h * wd + y * wd + x]!;
        }
        out.push(tf.tensor2d(data, [h * wd * ch, units]));
      }
      out.push(tf.tensor1d(Float32Array.from(net.params.subarray(b.offset, b.offset + b.size))));
    }
    shape = info.outputShape;
  }
  return out;
}

/** The tfjs network: the same layers, on NHWC tensors. */
function forward(layers: readonly Layer[], params: tf.Tensor[], x: tf.Tensor4D): tf.Tensor2D {
  let t: tf.Tensor = x;
  let next = 0;
  for (const layer of layers) {
    if (layer.type === 'conv') {
      t = tf.add(tf.conv2d(t as tf.Tensor4D, params[next++] as tf.Tensor4D, layer.stride, layer.padding), params[next++]!);
    } else if (layer.type === 'relu') {
      t = tf.relu(t);
    } else if (layer.type === 'maxpool') {
      t = tf.maxPool(t as tf.Tensor4D, layer.size, layer.stride, 'valid');
    } else {
      t = tf.add(tf.matMul(tf.reshape(t, [t.shape[0]!, -1]), params[next++] as tf.Tensor2D), params[next++]!);
    }
  }
  return t as tf.Tensor2D;
}

/** tfjs gradients back in netc's layouts, one flat array like netc's grads. */
function netcLayout(c: Case, grads: tf.Tensor[]): Float64Array {
  const flat = new Float64Array(c.model.paramCount);
  let next = 0;
  let shape: readonly number[] = [c.model.input.height, c.model.input.width, c.model.input.channels];
  for (const [i, layer] of c.layers.entries()) {
    if (layer.type === 'conv' || layer.type === 'dense') {
      const w = c.model.params.find((p) => p.name === `${layer.name}_w`)!;
      const b = c.model.params.find((p) => p.name === `${layer.name}_b`)!;
      if (layer.type === 'conv') {
        flat.set(tf.transpose(grads[next++]!, [3, 2, 0, 1]).dataSync(), w.offset);
      } else {
        const g = grads[next++]!.dataSync();
        const [h, wd, ch] = shape as [number, number, number];
        for (let j = 0; j < layer.units; j++) {
          for (let c2 = 0; c2 < ch; c2++) for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) flat[w.offset + j * h * wd * ch + c2 * h * wd + y * wd + x] = g[((y * wd + x) * ch + c2) * layer.units + j]!;
        }
      }
      flat.set(grads[next++]!.dataSync(), b.offset);
    }
    shape = c.model.layers[i]!.outputShape;
  }
  return flat;
}

async function oracle(config: string) {
  const trainer = await loadTrainer(readFileSync(config, 'utf8'), { file: config });
  const wasm = (await import(pathToFileURL(join(trainer.dir, 'model-wasm.js')).href)) as { Net: NetClass };
  const model = trainer.MODEL;
  const layers = trainer.compiled.resolved.config.layers as Layer[];
  const { height, width, channels } = model.input;
  const size = height * width * channels;
  const rng = new Rng(3);
  const pixels = Uint8Array.from({ length: size * model.batch }, () => rng.below(256));
  const labels = Uint8Array.from({ length: model.batch }, () => rng.below(10));
  const scale = trainer.SETTINGS.pixelScale;
  const mean = new Float64Array(channels).fill(scale * 120);
  const images = new Float32Array(size * model.batch);
  for (let s = 0; s < model.batch; s++) {
    for (let c = 0; c < channels; c++) for (let p = 0; p < height * width; p++) images[s * size + p * channels + c] = pixels[s * size + c * height * width + p]! * scale - mean[c]!;
  }
  const results = [];
  for (const Net of [trainer.Net, wasm.Net]) {
    const net = new Net();
    const init = new Rng(9);
    net.init(() => init.normal());
    for (let i = 0; i < net.params.length; i++) net.params[i]! += 0.01 * init.normal();
    for (let s = 0; s < model.batch; s++) {
      net.setImage(s, pixels, s * size, mean);
      net.labels[s] = labels[s]!;
    }
    const loss = net.computeGradients(model.batch, 1);
    results.push({ net, loss, grads: Float64Array.from(net.grads) });
  }
  const c: Case = { net: results[0]!.net, model, layers, images, labels };
  const params = tfjsWeights(c);
  const x = tf.tensor4d(images, [model.batch, height, width, channels]);
  const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10);
  const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => tf.losses.softmaxCrossEntropy(onehot, forward(layers, p, x)))(params);
  return { model, results, loss: value.dataSync()[0]!, grads: netcLayout(c, grads) };
}

function mismatches(model: ModelInfo, actual: ArrayLike<number>, expected: ArrayLike<number>): string[] {
  return tensorMismatches(model, actual, expected, RELATIVE, ABSOLUTE);
}

describe('loss and gradients against TensorFlow.js (cpu backend)', () => {
  it.each(['configs/mnist.yaml', 'configs/cifar10.yaml', 'configs/cifar10-deep.yaml'])('%s, both backends', async (config) => {
    const { model, results, loss, grads } = await oracle(config);
    for (const [i, result] of results.entries()) {
      expect(result.loss, i === 0 ? 'ts' : 'wasm').toBeCloseTo(loss, 4);
      expect(mismatches(model, result.grads, grads), i === 0 ? 'ts' : 'wasm').toEqual([]);
    }
  });
});
