// Data-parallel training: the batch split across threads gives the same gradients as one
// thread (to float tolerance), the same numbers run after run, and failures are errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import type { ModelInfo, NetClass, Trainable, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { configYaml, loadTrainer, tempDir } from './helpers.js';

interface ParallelModule {
  createParallel(...args: unknown[]): Promise<Trainable>;
  createNet(...args: unknown[]): Promise<Trainable>;
  threadCount(threads: number | 'auto', batch: number, cores: number): number;
  threadShortfall(threads: number | 'auto', batch: number, cores: number, unit?: number): string | undefined;
}

async function setup(dtype: 'float32' | 'float64', batch = 16, options: { chunk?: number; layers?: unknown[] } = {}) {
  const patch = { train: { iterations: 10, batch_size: batch }, ...(options.layers ? { layers: options.layers } : {}) };
  const trainer = await loadTrainer(configYaml(patch), { dtype, chunk: options.chunk });
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

  it('works through regions of at most `chunk` samples, one thread or two: the same gradients, batch-norm groups and dropout masks', async () => {
    // Batch norm in groups of 2 and dropout: both see each sample's place in the whole batch.
    const layers = [{ conv: { filters: 4, size: 3, padding: 1, bias: false } }, { batchnorm: { group: 2 } }, 'relu', { dropout: { rate: 0.3 } }, { maxpool: { size: 4 } }, { dense: { units: 10 } }];
    const whole = await setup('float64', 12, { layers });
    expect(whole.trainer.MODEL.chunk).toBe(12);
    const single = new whole.trainer.Net();
    const reference = gradientsOf(single, 12, () => single.grads);
    const chunked = await setup('float64', 12, { layers, chunk: 4 });
    expect(chunked.trainer.MODEL.chunk).toBe(4);
    for (const threads of [1, 2]) {
      const net = await chunked.parallel.createNet(chunked.trainer.MODEL, chunked.trainer.Net, pathToFileURL(join(chunked.trainer.dir, 'model.js')).href, threads);
      try {
        const main = (net as unknown as { main: TrainableNet }).main;
        const split = gradientsOf(net, 12, () => main.grads);
        expect(split.predictions, `${threads} threads`).toEqual(reference.predictions);
        expect(split.loss).toBeCloseTo(reference.loss, 12);
        expect(Math.max(...split.grads.map((g, i) => Math.abs(g - reference.grads[i]!))), `${threads} threads`).toBeLessThan(1e-12);
      } finally {
        await net.close();
      }
    }
    // The WebAssembly backend (float32), chunked against whole.
    const wasmOf = async (dir: string) => (await import(pathToFileURL(join(dir, 'model-wasm.js')).href)) as { Net: NetClass; MODEL: ModelInfo };
    const whole32 = await setup('float32', 12, { layers });
    const chunked32 = await setup('float32', 12, { layers, chunk: 4 });
    const plain = new (await wasmOf(whole32.trainer.dir)).Net();
    const expected = gradientsOf(plain, 12, () => plain.grads);
    const wasm = await wasmOf(chunked32.trainer.dir);
    const net = await chunked32.parallel.createNet(wasm.MODEL, wasm.Net, pathToFileURL(join(chunked32.trainer.dir, 'model-wasm.js')).href, 2);
    try {
      const main = (net as unknown as { main: TrainableNet }).main;
      const split = gradientsOf(net, 12, () => main.grads);
      expect(split.predictions).toEqual(expected.predictions);
      const scale = Math.max(...expected.grads.map(Math.abs));
      expect(Math.max(...split.grads.map((g, i) => Math.abs(g - expected.grads[i]!)))).toBeLessThan(1e-5 * scale);
    } finally {
      await net.close();
    }
  });

  it('spreads an evaluation of fewer samples than a batch over every thread, and leaves the inputs where they were', async () => {
    const whole = await setup('float64', 12);
    const single = new whole.trainer.Net();
    const { trainer, parallel } = await setup('float64', 12, { chunk: 4 });
    const net = await parallel.createNet(trainer.MODEL, trainer.Net, pathToFileURL(join(trainer.dir, 'model.js')).href, 2);
    try {
      const rng = new Rng(5);
      const weights = Array.from({ length: single.params.length }, () => rng.normal() * 0.1);
      single.params.set(weights);
      net.params.set(weights);
      const pixels = Uint8Array.from({ length: 784 * 5 }, () => rng.below(256));
      for (const target of [single, net]) {
        for (let s = 0; s < 5; s++) {
          target.setImage(s, pixels, s * 784, new Float64Array([0.4]));
          target.labels[s] = s;
        }
      }
      const expected = single.evaluate(5);
      for (let repeat = 0; repeat < 2; repeat++) {
        expect(net.evaluate(5)).toBeCloseTo(expected, 12);
        expect(Array.from(net.probabilities.subarray(0, 50))).toEqual(Array.from(single.probabilities.subarray(0, 50)).map((p) => expect.closeTo(p, 12)));
        // Three regions of 4 (the first thread's one, the second's two), as setImage filled
        // them 4 + 1 + 0: evaluated 2 + 2 + 1.
        const shares = (net as unknown as { shares: Int32Array }).shares;
        expect([0, 1, 2].map((r) => shares[2 * r]!)).toEqual([2, 2, 1]);
      }
    } finally {
      await net.close();
    }
  });

  it('cuts a batch into enough regions for the threads and the chunk, in whole groups', async () => {
    const { regionCount, regionShare, regionsOf } = await import('../src/runtime/parallel.js');
    const model = { batch: 512, chunk: 64, splitUnit: 64 };
    expect(regionCount(model, 2)).toBe(8);
    expect(regionCount(model, 16)).toBe(8);
    expect(Array.from({ length: 8 }, (_, r) => regionShare(model, 8, r).start)).toEqual([0, 64, 128, 192, 256, 320, 384, 448]);
    expect(regionsOf(8, 2, 0)).toEqual([0, 1, 2, 3]);
    expect(regionsOf(8, 3, 2)).toEqual([5, 6, 7]);
    // The batch fits one region: one a thread, as before chunks.
    expect(regionCount({ batch: 16, chunk: 16, splitUnit: 1 }, 2)).toBe(2);
    expect(regionCount({ batch: 16, chunk: 16, splitUnit: 1 }, 1)).toBe(1);
    // A last, partial group: 10 samples in groups of 4 (4, 4, 2), at most 4 a region.
    expect(regionCount({ batch: 10, chunk: 4, splitUnit: 4 }, 1)).toBe(3);
    expect(regionShare({ batch: 10, splitUnit: 4 }, 3, 2)).toEqual({ start: 8, count: 2 });
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

  it('says why it trains on fewer threads than asked for', async () => {
    const { parallel } = await setup('float32');
    expect(parallel.threadShortfall(16, 512, 16, 64)).toBe('training on 8 threads, not 16: the batch of 512 is 8 batch-norm groups of 64, and a thread takes whole groups');
    expect(parallel.threadShortfall('auto', 16, 32)).toBe('training on 16 threads, not 32 (one a core): the batch of 16 gives each thread a sample at least');
    expect(parallel.threadShortfall('auto', 16, 2)).toBeUndefined();
    expect(parallel.threadShortfall(8, 512, 2, 64)).toBeUndefined();
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
