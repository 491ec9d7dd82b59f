// Whitening filters (init.whiten): the eigen-decomposition they come from, and that they
// whiten — the filtered patches' second moments are near the identity.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/runtime/rng.js';
import { symmetricEigen, WHITEN_EPSILON, whiteningWeights } from '../src/runtime/whiten.js';
import { check } from '../src/pipeline.js';
import { diagnosticOf } from './helpers.js';

describe('whitening', () => {
  it('symmetric eigen-decomposition: A·v = λ·v, ascending, orthonormal', () => {
    const rng = new Rng(1);
    const n = 6;
    const b = Float64Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] = a[i * n + j]! + b[i * n + k]! * b[j * n + k]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) {
      if (k > 0) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
        expect(av).toBeCloseTo(values[k]! * vectors[i * n + k]!, 9);
      }
      for (let m = 0; m < n; m++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k]! * vectors[i * n + m]!;
        expect(dot).toBeCloseTo(k === m ? 1 : 0, 9);
      }
    }
  });

  it('the filtered patches of correlated images have second moments λ/(λ + ε) ≈ 1, filters in ± pairs', () => {
    // Smooth random images: neighbouring pixels strongly correlated.
    const rng = new Rng(2);
    const [count, side, channels] = [40, 12, 3];
    const images = new Uint8Array(count * channels * side * side);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < channels; c++) {
        const base = rng.below(200);
        for (let p = 0; p < side * side; p++) images[(i * channels + c) * side * side + p] = base + rng.below(40) + ((p % side) * 3);
      }
    }
    const mean = new Float64Array(channels).fill(0.5);
    const weights = whiteningWeights(images, count, { height: side, width: side, channels }, 1 / 255, mean, 2);
    const dim = channels * 4;
    expect(weights.length).toBe(2 * dim * dim);
    for (let k = 0; k < dim * dim; k++) expect(weights[dim * dim + k]).toBe(-weights[k]!);
    // Second moment of each filter's response over all patches.
    const response = new Float64Array(dim);
    let patches = 0;
    for (let i = 0; i < count; i++) {
      for (let y = 0; y + 2 <= side; y++) {
        for (let x = 0; x + 2 <= side; x++) {
          for (let f = 0; f < dim; f++) {
            let r = 0;
            for (let c = 0; c < channels; c++) for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) r += weights[f * dim + (c * 2 + ky) * 2 + kx]! * (images[(i * channels + c) * side * side + (y + ky) * side + x + kx]! / 255 - 0.5);
            response[f] = response[f]! + r * r;
          }
          patches++;
        }
      }
    }
    for (const r of response) expect(r / patches).toBeGreaterThan(1 - 0.2);
    for (const r of response) expect(r / patches).toBeLessThan(1 + 1e-9);
    expect(WHITEN_EPSILON).toBe(5e-4);
  });

  it('ε is relative to the patches\' variance: the filters do not depend on the pixel scale', () => {
    // airbench's ε is for unit-variance pixels; pixels in [0, 1] or 0–255 must give the same
    // whitened responses, i.e. filters scaled by the inverse of the pixel scale.
    const rng = new Rng(3);
    const [count, side, channels] = [20, 8, 3];
    const images = Uint8Array.from({ length: count * channels * side * side }, (_, p) => (rng.below(60) + (p % side) * 20) & 255);
    const shape = { height: side, width: side, channels };
    const unit = whiteningWeights(images, count, shape, 1 / 255, new Float64Array(channels).fill(0.5), 2);
    const bytes = whiteningWeights(images, count, shape, 1, new Float64Array(channels).fill(127.5), 2);
    for (let k = 0; k < unit.length; k++) expect(bytes[k]! * 255).toBeCloseTo(unit[k]!, 6);
  });

  it('needs 2·size²·channels filters on the network input', () => {
    const layers = (filters: number, first = true) => `input: {height: 32, width: 32, channels: 3}
layers:
${first ? '' : '  - relu\n'}  - conv: {filters: ${filters}, size: 2, init: {whiten: true}, trainable: false}
  - dense: {units: 10}
data: {dataset: cifar10}
train: {iterations: 1}
`;
    expect(diagnosticOf(() => check('w.yaml', { text: layers(20) })).message).toBe('conv1: whitening filters come in 12 pairs (one a 2×2×3 patch dimension, and its negative); found filters: 20');
    expect(diagnosticOf(() => check('w.yaml', { text: layers(24, false) })).message).toMatch(/^conv1: whitening filters are computed from the images, so the layer must read the network's input; it reads the output of relu1/);
    expect(check('w.yaml', { text: layers(24) }).network.layers[0]!.paramSpecs.map((p) => [p.suffix, p.trainable, p.init.kind])).toEqual([
      ['w', false, 'whiten'],
      ['b', false, 'constant'],
    ]);
  });
});
