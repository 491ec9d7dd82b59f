// The generated backward passes against central finite differences, in float64: every
// layer kind, every parameter tensor, for several small networks and the MNIST net.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/runtime/rng.js';
import type { TrainableNet } from '../src/runtime/net.js';
import { configYaml, loadTrainer } from './helpers.js';

/** |analytic − numeric| ≤ RELATIVE·max(|analytic|, |numeric|) + ABSOLUTE, per parameter. */
const RELATIVE = 1e-6;
const ABSOLUTE = 1e-9;
const STEP = 1e-5;

interface Mismatch {
  param: string;
  index: number;
  analytic: number;
  numeric: number;
}

/**
 * Checks up to `perTensor` entries of every parameter tensor (all of them when smaller),
 * on a random batch of `n` images. Returns the worst mismatches, empty when all agree.
 */
export function gradientMismatches(net: TrainableNet, params: readonly { name: string; offset: number; size: number }[], input: { pixels: number; batch: number; classes: number }, options: { n: number; perTensor: number; seed: number }): { mismatches: Mismatch[]; checked: number; maxError: number } {
  const rng = new Rng(options.seed);
  net.init(() => rng.normal());
  // Non-zero biases, so that no gradient is trivially zero.
  for (let i = 0; i < net.params.length; i++) net.params[i]! += 0.01 * rng.normal();
  const pixels = Uint8Array.from({ length: input.pixels * options.n }, () => rng.below(256));
  const mean = new Float64Array(8).fill(0.5);
  for (let s = 0; s < options.n; s++) {
    net.setImage(s, pixels, s * input.pixels, mean);
    net.labels[s] = rng.below(input.classes);
  }
  const lossAt = () => {
    net.forward(options.n);
    return net.loss(options.n);
  };
  lossAt();
  net.backward(options.n);
  const analytic = Float64Array.from(net.grads);
  const mismatches: Mismatch[] = [];
  let checked = 0;
  let maxError = 0;
  for (const param of params) {
    const picks = param.size <= options.perTensor ? Array.from({ length: param.size }, (_, i) => i) : Array.from({ length: options.perTensor }, () => rng.below(param.size));
    for (const local of picks) {
      const index = param.offset + local;
      const original = net.params[index]!;
      net.params[index] = original + STEP;
      const plus = lossAt();
      net.params[index] = original - STEP;
      const minus = lossAt();
      net.params[index] = original;
      const numeric = (plus - minus) / (2 * STEP);
      const a = analytic[index]!;
      const error = Math.abs(a - numeric);
      maxError = Math.max(maxError, error / (Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE / RELATIVE));
      if (error > RELATIVE * Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE) mismatches.push({ param: param.name, index: local, analytic: a, numeric });
      checked++;
    }
  }
  return { mismatches, checked, maxError };
}

async function check(text: string, perTensor: number, n = 3) {
  const trainer = await loadTrainer(text, { dtype: 'float64' });
  const { height, width, channels } = trainer.MODEL.input;
  const result = gradientMismatches(new trainer.Net(), trainer.MODEL.params, { pixels: height * width * channels, batch: trainer.MODEL.batch, classes: trainer.MODEL.classes }, { n, perTensor, seed: 7 });
  return { ...result, trainer };
}

describe('gradients match central finite differences (float64)', () => {
  it('conv with padding → relu → maxpool → dense', async () => {
    const { mismatches, checked } = await check(configYaml(), 60);
    expect(checked).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });

  it('two convs, so the first gets its gradient through the second conv, a pool and relus', async () => {
    const text = configYaml({
      layers: [
        { conv: { filters: 3, size: 3, padding: 1 } },
        'relu',
        { maxpool: { size: 2 } },
        { conv: { filters: 4, size: 5, padding: 2 } },
        'relu',
        { maxpool: { size: 2 } },
        { dense: { units: 10 } },
      ],
    });
    const { mismatches } = await check(text, 40);
    expect(mismatches).toEqual([]);
  });

  it('strided conv without padding, overlapping pool, dense → relu → dense', async () => {
    const text = configYaml({
      layers: [
        { conv: { filters: 3, size: 4, stride: 2 } }, // 28 → 13
        'relu',
        { maxpool: { size: 3, stride: 2 } }, // 13 → 6, windows overlap
        { conv: { filters: 2, size: 3, stride: 1, padding: 1 } },
        { dense: { units: 12 } },
        'relu',
        { dense: { units: 10 } },
      ],
    });
    const { mismatches } = await check(text, 40);
    expect(mismatches).toEqual([]);
  });

  it('RGB input and a kernel too large to unroll fully (row unrolling)', async () => {
    const text = configYaml({
      input: { height: 32, width: 32, channels: 3 },
      data: { dataset: 'cifar10' },
      layers: [{ conv: { filters: 2, size: 11, stride: 3 } }, 'relu', { conv: { filters: 3, size: 10, padding: 4 } }, { maxpool: { size: 2 } }, { dense: { units: 10 } }],
    });
    const { mismatches, trainer } = await check(text, 30, 2);
    expect(trainer.compiled.emitted.stats.unrolled.map((u) => u.mode)).toEqual(['row', 'row', 'full']);
    expect(mismatches).toEqual([]);
  });

  it('the reference MNIST network, every parameter tensor sampled', async () => {
    const { mismatches, checked } = await check(readFileSync('configs/mnist.yaml', 'utf8'), 25, 2);
    expect(checked).toBe(25 * 3 + 16 + 16 + 10);
    expect(mismatches).toEqual([]);
  });
});
