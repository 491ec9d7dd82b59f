// TensorFlow.js 4.22 on its cpu (JavaScript) or wasm (XNNPACK, SIMD) backend, the same
// network built from netc's shape table. The wasm backend cannot train a convolution out
// of the box (it has no Conv2DBackpropFilter kernel), so convolutions get a custom
// gradient there, made of its own wasm kernels: dx from Conv2DBackpropInput, dW from
// Conv2D (checked against the cpu backend's gradient: equal to float32 rounding).
// The full @tensorflow/tfjs package: tfjs-core alone registers no gradients.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { SummaryJson } from 'netc';
import type { BenchData } from '../data.js';
import type { Runner } from '../protocol.js';

type Layer = SummaryJson['layers'][number] & { size?: number; stride?: number; padding?: number };

export async function tfjsRunner(layers: readonly Layer[], data: BenchData, backend: 'cpu' | 'wasm', learningRate: number): Promise<Runner> {
  await tf.setBackend(backend);
  await tf.ready();
  const vars: tf.Variable[] = [];
  const variable = (shape: number[], std: number) => {
    const v = tf.variable(std === 0 ? tf.zeros(shape) : tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), std));
    vars.push(v);
    return v;
  };
  let channels = data.channels;
  let height = data.height;
  let width = data.width;
  const ops: ((x: tf.Tensor4D | tf.Tensor2D) => tf.Tensor4D | tf.Tensor2D)[] = [];
  for (const layer of layers) {
    if (layer.type === 'conv') {
      const k = layer.size!;
      const stride = layer.stride!;
      const pad = layer.padding!;
      const w = variable([k, k, channels, layer.output[2]], Math.sqrt(2 / (k * k * channels)));
      const b = variable([layer.output[2]], 0);
      const conv: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D =
        backend === 'wasm' ? (conv2dWithWasmGradient(stride, pad, k) as (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D) : (x, f) => tf.conv2d(x, f, stride, pad);
      ops.push((x) => tf.add(conv(x as tf.Tensor4D, w as tf.Tensor4D), b) as tf.Tensor4D);
    } else if (layer.type === 'relu') {
      ops.push((x) => tf.relu(x));
    } else if (layer.type === 'maxpool') {
      const size = layer.size!;
      const stride = layer.stride!;
      ops.push((x) => tf.maxPool(x as tf.Tensor4D, size, stride, 'valid'));
    } else {
      const inputs = height * width * channels;
      const w = variable([inputs, layer.output[2]], Math.sqrt(2 / inputs));
      const b = variable([layer.output[2]], 0);
      ops.push((x) => tf.add(tf.matMul(tf.reshape(x, [-1, inputs]), w as tf.Tensor2D), b) as tf.Tensor2D);
    }
    [height, width, channels] = layer.output;
  }
  const forward = (x: tf.Tensor4D) => ops.reduce<tf.Tensor4D | tf.Tensor2D>((t, op) => op(t), x) as tf.Tensor2D;
  const optimizer = tf.train.momentum(learningRate, 0.9);
  const imageSize = data.height * data.width * data.channels;
  // The pool of batches as ready tensors' data, so each step only wraps them.
  const pool = data.batches.map((indexes) => {
    const x = new Float32Array(indexes.length * imageSize);
    indexes.forEach((index, s) => data.hwc(data.train, index, x, s * imageSize));
    const labels = Int32Array.from(indexes, (index) => data.train.labels[index]!);
    return { x, labels };
  });
  return {
    version: `${tf.version_core} ${backend}`,
    threads: 1,
    trainStep(index) {
      const { x, labels } = pool[index]!;
      tf.tidy(() => {
        const input = tf.tensor4d(x, [labels.length, data.height, data.width, data.channels]);
        const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), data.classes);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(onehot, forward(input)) as tf.Scalar, false, vars);
      });
    },
    predict(first, count) {
      const x = new Float32Array(count * imageSize);
      for (let i = 0; i < count; i++) data.hwc(data.test, first + i, x, i * imageSize);
      return tf.tidy(() => tf.argMax(forward(tf.tensor4d(x, [count, data.height, data.width, data.channels])), 1).dataSync());
    },
  };
}

function conv2dWithWasmGradient(stride: number, pad: number, k: number) {
  if (stride !== 1 || 2 * pad !== k - 1) throw new Error('the wasm gradient here covers stride-1 "same" convolutions (the reference nets)');
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, filter, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, filter]);
    return {
      value: tf.conv2d(input, filter, 1, pad),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const dx = tf.conv2dTranspose(g, ws, xs.shape, 1, pad);
        // dW as a convolution (XNNPACK's fastest path): the padded input with batch and
        // channels swapped, filtered by dy. Measured on MNIST, 2026-11-27: 812 samples/s,
        // against 415 with the Conv3DBackpropFilterV2 kernel and 267 with im2col + matMul.
        const padded = tf.pad(xs, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
        const input = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, h + 2p, w + 2p, n]
        const filter = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // [h, w, n, co]
        const dw = tf.transpose(tf.conv2d(input, filter, 1, 'valid'), [1, 2, 0, 3]); // [k, k, ci, co]
        return [dx, dw];
      },
    };
  });
}
