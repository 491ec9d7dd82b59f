// Data-parallel training: the batch split across threads gives the same gradients as one
// thread (to float tolerance), the same numbers run after run, and failures are errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import type { Trainable, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { configYaml, loadTrainer, tempDir } from './helpers.js';

interface ParallelModule {
  createParallel(...args: unknown[]): Promise<Trainable>;
  threadCount(threads: number | 'auto', batch: number, cores: number): number;
}

async function setup(dtype: 'float32' | 'float64', batch = 16) {
  const trainer = await loadTrainer(configYaml({ train: { iterations: 10, batch_size: batch } }), { dtype });
  const url = (file: string) => pathToFileURL(join(trainer.dir, file)).href;
  const parallel = (await import(url('runtime/parallel.js'))) as ParallelModule;
  const make = (threads: number) => parallel.createParallel(trainer.MODEL, trainer.Net, url('model.js'), threads);
  return { trainer, make, parallel };
}

/** The same random images, labels and weights into a net; then its gradients. */
function gradientsOf(net: Trainable & { grads?: Float32Array | Float64Array }, n: number, grads: () => ArrayLike<number>) {
  const rng = new Rng(11);
  net.init(() => rng.normal());
  const pixels = Uint8Array.from({ length: 784 * n }, () => rng.below(256));
  const mean = new Float64Array([0.4]);
  for (let s = 0; s < n; s++) {
    net.setImage(s, pixels, s * 784, mean);
    net.labels[s] = rng.below(10);
  }
  const loss = net.computeGradients(n, 1);
  return { loss, grads: Array.from(grads()), predictions: Array.from(net.predictions.subarray(0, n)) };
}

describe('data-parallel training', () => {
  it('splits a batch across threads and sums the same gradients (float64: to 1e-12)', async () => {
    const { trainer, make } = await setup('float64');
    const single = new trainer.Net();
    const reference = gradientsOf(single, 16, () => single.grads);
    for (const threads of [2, 3]) {
      const net = await make(threads);
      try {
        // The summed gradients live in the main thread's Net, which step() updates from.
        const main = (net as unknown as { main: TrainableNet }).main;
        const split = gradientsOf(net, 16, () => main.grads);
        expect(split.predictions).toEqual(reference.predictions);
        expect(split.loss).toBeCloseTo(reference.loss, 12);
        const worst = Math.max(...split.grads.map((g, i) => Math.abs(g - reference.grads[i]!)));
        expect(worst).toBeLessThan(1e-12);
      } finally {
        await net.close();
      }
    }
  });

  it('handles short batches, where some threads get no samples', async () => {
    const { trainer, make } = await setup('float64', 5);
    const net = await make(2);
    try {
      const main = (net as unknown as { main: TrainableNet }).main;
      for (const n of [1, 2, 3, 5]) {
        const single = new trainer.Net();
        const reference = gradientsOf(single, n, () => single.grads);
        const split = gradientsOf(net, n, () => main.grads);
        expect(split.loss).toBeCloseTo(reference.loss, 12);
        expect(Math.max(...split.grads.map((g, i) => Math.abs(g - reference.grads[i]!)))).toBeLessThan(1e-12);
      }
    } finally {
      await net.close();
    }
  });

  it('a worker that cannot start is an error, not a hang', async () => {
    const { trainer, parallel } = await setup('float32');
    await expect(parallel.createParallel(trainer.MODEL, trainer.Net, pathToFileURL(join(tempDir(), 'missing.js')).href, 2)).rejects.toThrow(/missing\.js|Cannot find/);
  });

  it("uses one thread per core for 'auto', never more than the batch", async () => {
    const { parallel } = await setup('float32');
    expect(parallel.threadCount('auto', 16, 2)).toBe(2);
    expect(parallel.threadCount('auto', 1, 8)).toBe(1);
    expect(parallel.threadCount(4, 16, 2)).toBe(4);
  });

  it('trains the same numbers run after run on 2 threads, and within float tolerance of 1 thread', async () => {
    const run = async (threads: number) => {
      const out = join(tempDir(), 'run');
      const { metrics } = await train('configs/example.yaml', { iterations: 60, threads, out });
      return { metrics, weights: new Float32Array(new Uint8Array(readFileSync(join(out, 'weights.bin'))).buffer) };
    };
    const one = await run(1);
    const two = await run(2);
    const again = await run(2);
    expect(two.metrics.train.threads).toBe(2);
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(two.weights.buffer))).toBe(true);
    expect(again.metrics.history).toEqual(two.metrics.history);
    const scale = Math.max(...one.weights.map(Math.abs));
    const worst = Math.max(...one.weights.map((w, i) => Math.abs(w - two.weights[i]!)));
    // float32 sums in another order: differences of a few ulps that grow slowly with training.
    expect(worst / scale).toBeLessThan(1e-4);
  });
});
