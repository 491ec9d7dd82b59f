// The gradient checker: the generated backward pass against central finite differences.
import type { TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';

/** |analytic − numeric| ≤ RELATIVE·max(|analytic|, |numeric|) + ABSOLUTE, per parameter. */
const RELATIVE = 1e-6;
const ABSOLUTE = 1e-9;
/**
 * Central differences with step 1e-5; where that disagrees, smaller steps too: a value
 * within a step of a kink (relu, max pooling) makes the wider difference cross it. A
 * wrong gradient disagrees at every step.
 */
const STEPS = [1e-5, 1e-6, 1e-7];

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
  // Training mode (batch statistics; dropout masks fixed by the step number).
  const ctx = { training: true, first: 0, step: 1, seed: 0 };
  net.prepare();
  const lossAt = () => {
    net.forward(options.n, ctx);
    return net.loss(options.n);
  };
  lossAt();
  net.backward(options.n, ctx);
  const analytic = Float64Array.from(net.grads);
  const mismatches: Mismatch[] = [];
  let checked = 0;
  let maxError = 0;
  for (const param of params) {
    const picks = param.size <= options.perTensor ? Array.from({ length: param.size }, (_, i) => i) : Array.from({ length: options.perTensor }, () => rng.below(param.size));
    for (const local of picks) {
      const index = param.offset + local;
      const original = net.params[index]!;
      const a = analytic[index]!;
      let numeric = NaN;
      let error = Infinity;
      for (const step of STEPS) {
        net.params[index] = original + step;
        const plus = lossAt();
        net.params[index] = original - step;
        const minus = lossAt();
        net.params[index] = original;
        numeric = (plus - minus) / (2 * step);
        error = Math.abs(a - numeric);
        if (error <= RELATIVE * Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE) break;
      }
      maxError = Math.max(maxError, error / (Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE / RELATIVE));
      if (error > RELATIVE * Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE) mismatches.push({ param: param.name, index: local, analytic: a, numeric });
      checked++;
    }
  }
  return { mismatches, checked, maxError };
}

