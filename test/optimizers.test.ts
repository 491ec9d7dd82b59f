// The optimisers and the weights' moving average, step by step against the rules written
// out here in float64, on both backends; weight decay left out of biases and
// normalisation parameters where asked; label smoothing against TensorFlow.js.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { piecewise } from '../src/runtime/schedule.js';
import type { ModelInfo, NetClass, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { loadTrainer } from './helpers.js';
import { testConfig } from './ops.js';

interface Rule {
  readonly optimizer: 'sgd' | 'adam' | 'adamw';
  readonly momentum: number;
  readonly nesterov?: boolean;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weight_decay: number;
  readonly decay: 'all' | 'weights';
  readonly ema?: number;
}

/** The update rules, as the schema describes them. */
function reference(rule: Rule, w: number[], grads: number[][], rates: number[], decays: number[], lr: number) {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const average = [...w];
  const { momentum: mu, beta2 = 0.999, epsilon = 1e-8, ema = 0 } = rule;
  grads.forEach((g, step) => {
    const t = step + 1;
    w.forEach((_, i) => {
      if (rule.optimizer === 'sgd') {
        m[i] = mu * m[i]! + (1 - mu) * g[i]!;
        const update = rule.nesterov ? mu * m[i]! + (1 - mu) * g[i]! : m[i]!;
        w[i] = w[i]! - lr * (rates[i]! * update + decays[i]! * w[i]!);
      } else {
        const gi = rule.optimizer === 'adam' ? g[i]! + decays[i]! * w[i]! : g[i]!;
        m[i] = mu * m[i]! + (1 - mu) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        const update = (m[i]! / (1 - mu ** t)) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + epsilon);
        w[i] = w[i]! - lr * (rates[i]! * update + (rule.optimizer === 'adamw' ? decays[i]! * w[i]! : 0));
      }
      average[i] = ema * average[i]! + (1 - ema) * w[i]!;
    });
  });
  return { w, average };
}

const LAYERS = [{ conv: { filters: 3, size: 3, padding: 1 } }, 'batchnorm', 'relu', { maxpool: { size: 4 } }, { dense: { units: 10 } }];

async function backends(rule: Rule) {
  const text = testConfig({ layers: LAYERS }).replace('train:', `train:\n  optimizer: ${rule.optimizer}\n  momentum: ${rule.momentum}\n  nesterov: ${rule.nesterov ?? false}\n  weight_decay: ${rule.weight_decay}\n  decay: ${rule.decay}\n  ema: ${rule.ema ?? 0}`);
  const trainer = await loadTrainer(text);
  const wasm = (await import(pathToFileURL(join(trainer.dir, 'model-wasm.js')).href)) as { Net: NetClass };
  return { model: trainer.MODEL, nets: { ts: trainer.Net, wasm: wasm.Net } };
}

function check(rule: Rule, model: ModelInfo, Net: NetClass, label: string) {
  const net = new Net() as TrainableNet;
  const rng = new Rng(4);
  net.init(() => rng.normal());
  const start = Array.from(net.params);
  const grads = [1, 2, 3].map(() => start.map(() => rng.normal()));
  const lr = 0.1;
  for (const [step, g] of grads.entries()) {
    net.grads.set(g);
    net.step(lr, step + 1);
  }
  const isWeight = new Set(model.params.filter((p) => p.name.endsWith('_w')).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k)));
  const decays = start.map((_, i) => (rule.decay === 'all' || isWeight.has(i) ? rule.weight_decay : 0));
  const expected = reference(rule, [...start], grads, start.map(() => 1), decays, lr);
  const worst = Math.max(...expected.w.map((w, i) => Math.abs(w - net.params[i]!) / (Math.abs(w) + 1e-3)));
  expect(worst, `${label}: weights`).toBeLessThan(1e-4);
  if (rule.ema) {
    net.useAverage(true);
    expect(Math.max(...expected.average.map((a, i) => Math.abs(a - net.params[i]!) / (Math.abs(a) + 1e-3))), `${label}: average`).toBeLessThan(1e-4);
    net.useAverage(false);
    expect(Math.max(...expected.w.map((w, i) => Math.abs(w - net.params[i]!) / (Math.abs(w) + 1e-3))), `${label}: swapped back`).toBeLessThan(1e-4);
  }
  expect(net.weightDecayLoss(), `${label}: decay loss`).toBeCloseTo(decays.reduce((s, d, i) => s + (d * net.params[i]! ** 2) / 2, 0), 4);
}

const RULES: [string, Rule][] = [
  ['sgd, the reference form, decay on all', { optimizer: 'sgd', momentum: 0.9, weight_decay: 0.01, decay: 'all' }],
  ['sgd with Nesterov momentum, decay on weights only, a moving average', { optimizer: 'sgd', momentum: 0.8, nesterov: true, weight_decay: 0.05, decay: 'weights', ema: 0.9 }],
  ['adam (decay added to the gradient)', { optimizer: 'adam', momentum: 0.9, weight_decay: 0.01, decay: 'weights' }],
  ['adamw (decoupled decay)', { optimizer: 'adamw', momentum: 0.9, weight_decay: 0.1, decay: 'all' }],
];

describe('optimisers, step by step', () => {
  it.each(RULES)('%s: both backends follow the rule', async (_, rule) => {
    const { model, nets } = await backends(rule);
    for (const [label, Net] of Object.entries(nets)) check(rule, model, Net, label);
  });
});

describe('schedules and the loss', () => {
  it('piecewise: linear between the corners, flat beyond them', () => {
    const points = [[0, 0], [0.25, 1], [1, 0.1]] as const;
    expect(piecewise(points, 0)).toBe(0);
    expect(piecewise(points, 0.125)).toBeCloseTo(0.5, 12);
    expect(piecewise(points, 0.25)).toBe(1);
    expect(piecewise(points, 0.625)).toBeCloseTo(0.55, 12);
    expect(piecewise(points, 1.5)).toBe(0.1);
  });

  it('label smoothing: loss and dL/dlogits as TensorFlow.js computes them', async () => {
    const text = testConfig({ layers: LAYERS }).replace('train:', 'train:\n  label_smoothing: 0.2');
    const trainer = await loadTrainer(text);
    const wasm = (await import(pathToFileURL(join(trainer.dir, 'model-wasm.js')).href)) as { Net: NetClass };
    const rng = new Rng(2);
    const logits = Float32Array.from({ length: 40 }, () => 3 * rng.normal());
    const labels = Uint8Array.from([3, 0, 9, 5]);
    const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10);
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, x, undefined, 0.2) as tf.Scalar)([tf.tensor2d(logits, [4, 10])]);
    for (const Net of [trainer.Net, wasm.Net]) {
      const net = new Net() as TrainableNet & { loss(n: number): number };
      // The loss reads the logits the forward pass wrote: write them straight into the model's logits.
      const model = net as unknown as Record<string, Float32Array>;
      const field = Object.keys(model).find((k) => k === 'dense1_out') ?? 'logits';
      const target = model[field]!;
      const stride = field === 'logits' ? 12 : 10; // the WebAssembly backend stores 10 channels in 12
      for (let s = 0; s < 4; s++) target.set(logits.subarray(s * 10, s * 10 + 10), s * stride);
      net.labels.set(labels);
      expect(net.loss(4)).toBeCloseTo(value.dataSync()[0]!, 5);
      const dlogits = model[field === 'logits' ? 'dlogits' : 'ddense1_out']!;
      const expected = grads[0]!.dataSync();
      for (let s = 0; s < 4; s++) for (let k = 0; k < 10; k++) expect(dlogits[s * stride + k]).toBeCloseTo(expected[s * 10 + k]!, 6);
    }
  });
});
