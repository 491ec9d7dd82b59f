// The generated backward passes against central finite differences, in float64: every
// layer kind, every parameter tensor, for several small networks and the MNIST net.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/runtime/rng.js';
import type { TrainableNet } from '../src/runtime/net.js';
import { loadTrainer } from './helpers.js';
import { TEST_NETS } from './nets.js';

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
  it.each(Object.entries(TEST_NETS))('%s', async (_, text) => {
    const { mismatches, checked } = await check(text, 40, 2);
    expect(checked).toBeGreaterThan(40);
    expect(mismatches).toEqual([]);
  });

  it('the row-unrolled nets really are row-unrolled', async () => {
    const trainer = await loadTrainer(TEST_NETS['RGB input and kernels too large to unroll fully (row unrolling)']!, { dtype: 'float64' });
    expect(trainer.compiled.emitted.stats.unrolled.map((u) => u.mode)).toEqual(['row', 'row', 'full']);
  });

  it('the reference MNIST network, every parameter tensor sampled', async () => {
    const { mismatches, checked } = await check(readFileSync('configs/mnist.yaml', 'utf8'), 25, 2);
    expect(checked).toBe(25 * 3 + 16 + 16 + 10);
    expect(mismatches).toEqual([]);
  });
});
