// The WebAssembly backend against the TypeScript one (itself checked against finite
// differences): the same weights and images must give the same loss, predictions and
// gradients to float32 tolerance, for every op's test networks and the reference nets, on
// one thread and split across two; and the plain SIMD build as well as the fused one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelInfo, NetClass, Trainable, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { loadTrainer, tensorMismatches } from './helpers.js';
import { OP_NET_CASES } from './ops.js';

/** Per tensor: max |wasm − ts| ≤ RELATIVE · max |ts| + ABSOLUTE (float32 sums in another order). */
const RELATIVE = 2e-4;
const ABSOLUTE = 1e-6;

async function backends(text: string, file?: string) {
  const trainer = await loadTrainer(text, file === undefined ? {} : { file });
  const url = (name: string) => pathToFileURL(join(trainer.dir, name)).href;
  const wasm = (await import(url('model-wasm.js'))) as { Net: NetClass; MODEL: ModelInfo; KERNELS: { fma: boolean } };
  const { createParallel } = (await import(url('runtime/parallel.js'))) as { createParallel(...args: unknown[]): Promise<Trainable> };
  return { trainer, wasm, parallel: (threads: number, Net: NetClass = wasm.Net, module = 'model-wasm.js') => createParallel(trainer.MODEL, Net, url(module), threads) };
}

/** The same weights, images and labels into a net; then its loss, predictions and gradients. */
export function run(net: Trainable, model: ModelInfo, n: number, grads: () => ArrayLike<number>) {
  const rng = new Rng(5);
  net.init(() => rng.normal());
  for (let i = 0; i < net.params.length; i++) net.params[i]! += 0.01 * rng.normal();
  const size = model.input.height * model.input.width * model.input.channels;
  const pixels = Uint8Array.from({ length: size * n }, () => rng.below(256));
  const mean = new Float64Array(model.input.channels).fill(0.5);
  for (let s = 0; s < n; s++) {
    net.setImage(s, pixels, s * size, mean);
    net.labels[s] = rng.below(model.classes);
  }
  const loss = net.computeGradients(n, 1);
  return { loss, predictions: Array.from(net.predictions.subarray(0, n)), grads: Float64Array.from(grads()) };
}

function mismatches(model: ModelInfo, actual: ArrayLike<number>, expected: ArrayLike<number>, options: { frozen?: boolean } = {}): string[] {
  return tensorMismatches(model, actual, expected, RELATIVE, ABSOLUTE, options);
}

const REFERENCE: [string, string][] = ['configs/mnist.yaml', 'configs/cifar10-deep.yaml'].map((file) => [file, readFileSync(file, 'utf8')]);

describe('the WebAssembly backend matches the TypeScript backend', () => {
  it.each([...OP_NET_CASES.map(([label, net]): [string, string] => [label, net.text]), ...REFERENCE])('%s', async (name, text) => {
    const { trainer, wasm, parallel } = await backends(text, name.startsWith('configs/') ? name : undefined);
    expect(wasm.KERNELS.fma).toBe(true);
    const model = trainer.MODEL;
    for (const n of [model.batch, Math.max(1, model.batch - 1)]) {
      const ts = new trainer.Net();
      const expected = run(ts, model, n, () => ts.grads);
      const fast = new wasm.Net();
      const actual = run(fast, model, n, () => fast.grads);
      expect(actual.loss).toBeCloseTo(expected.loss, 4);
      expect(actual.predictions).toEqual(expected.predictions);
      expect(mismatches(model, actual.grads, expected.grads)).toEqual([]);
      // And one optimiser step on those gradients.
      const before = Float64Array.from(ts.params);
      ts.step(0.05, 1);
      fast.step(0.05, 1);
      expect(mismatches(model, Float64Array.from(fast.params), Float64Array.from(ts.params), { frozen: true })).toEqual([]);
      for (const p of model.params.filter((p) => p.trainable === false)) expect(Float64Array.from(ts.params.subarray(p.offset, p.offset + p.size)), `${p.name} is frozen`).toEqual(Float64Array.from(before.subarray(p.offset, p.offset + p.size)));
    }
    // Split across two threads: the same gradients (summed from both).
    const split = await parallel(2);
    try {
      const main = (split as unknown as { main: TrainableNet }).main;
      const single = new wasm.Net();
      const expected = run(single, model, model.batch, () => single.grads);
      const actual = run(split, model, model.batch, () => main.grads);
      expect(actual.predictions).toEqual(expected.predictions);
      expect(actual.loss).toBeCloseTo(expected.loss, 4);
      expect(mismatches(model, actual.grads, expected.grads)).toEqual([]);
    } finally {
      await split.close();
    }
  });

  // Else the comparisons above would say nothing about Winograd's passes.
  it("takes Winograd's F(4×4, 3×3) or F(2×2, 3×3) for the 3×3 stride-1 passes that pay, and the direct form for the rest", async () => {
    const net = OP_NET_CASES.find(([label]) => label.includes('F(2×2, 3×3)'))![1];
    const { trainer } = await backends(net.text);
    const wat = readFileSync(join(trainer.dir, 'model.wat'), 'utf8');
    // F(4×4) where both sides have 16 channels or more: c3's forward and dL/dx (7×7: one full
    // tile and an edge one a side) and c4's dL/dx (7×7, 16 → 68). F(2×2) for the narrower
    // c1 and c2, forward and dL/dx (31×31 and 15×15 maps), and c5 (2×2: one tile of 16
    // multiplies against 36 direct). c0 is 2×2, and c4's forward (5×5 outputs: 9 tiles of 16
    // or 4 of 36 multiplies against 225) stays direct.
    expect(wat.match(/;; (forward|dL\/dx) by Winograd's F\(4×4, 3×3\)/g)).toHaveLength(3);
    expect(wat.match(/;; (forward|dL\/dx) by Winograd's F\(2×2, 3×3\)/g)).toHaveLength(6);
    expect(wat).toMatch(/func \$c4_winograd_dx/);
    // dL/dw by Winograd only where both sides have 16 channels or more: c3 (F(4×4)) and c5 (F(2×2)).
    expect(wat.match(/;; dL\/dw by Winograd's F\(4×4, 3×3\)/g)).toHaveLength(1);
    expect(wat.match(/;; dL\/dw by Winograd's F\(2×2, 3×3\)/g)).toHaveLength(1);
    expect(wat).not.toMatch(/func \$c4_winograd_forward/);
  });

  it("takes Winograd's F(4×4, 5×5) for 5×5 stride-1 passes with 16 channels or more a side, and the direct form for 3 input channels", async () => {
    const net = OP_NET_CASES.find(([label]) => label.includes('F(4×4, 5×5)'))![1];
    const { trainer } = await backends(net.text);
    const wat = readFileSync(join(trainer.dir, 'model.wat'), 'utf8');
    // Forward: c2, c3, c4 (c1 reads 3 channels); dL/dx: c2, c3, c4 (c1 has none); dL/dw: c2, c3, c4.
    for (const pass of ['forward', 'dL\\/dx', 'dL\\/dw']) expect(wat.match(new RegExp(`;; ${pass} by Winograd's F\\(4×4, 5×5\\)`, 'g'))).toHaveLength(3);
    expect(wat).not.toMatch(/func \$c1_winograd_forward/);
  });

  // prepare() skips the packing while the weights and running statistics are those it packed
  // last: a change to either, however made, must still reach the next pass.
  it.each(['batchnorm: conv without bias', 'conv: Winograd'])('packs the weights again after any change to the parameters or running statistics, and only then (%s)', async (label) => {
    const net = OP_NET_CASES.find(([name]) => name.startsWith(label))![1];
    const { trainer, wasm } = await backends(net.text);
    const model = trainer.MODEL;
    const ts = new trainer.Net();
    const fast = new wasm.Net();
    const rng = new Rng(3);
    fast.init(() => rng.normal());
    const weights = Float64Array.from(fast.params);
    const size = model.input.height * model.input.width * model.input.channels;
    const pixels = Uint8Array.from({ length: size * model.batch }, () => rng.below(256));
    for (const n of [ts, fast]) {
      n.params.set(weights);
      n.state.fill(0.5);
      for (let s = 0; s < model.batch; s++) {
        n.setImage(s, pixels, s * size, new Float64Array(model.input.channels).fill(0.5));
        n.labels[s] = s % model.classes;
      }
    }
    const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(RELATIVE * Math.abs(expected) + ABSOLUTE);
    const same = () => close(fast.evaluate(model.batch), ts.evaluate(model.batch));
    same();
    const first = fast.evaluate(model.batch);
    expect(fast.evaluate(model.batch)).toBe(first);
    const conv = model.params.find((p) => p.shape.length === 4)!;
    for (const n of [ts, fast]) n.params[conv.offset + 3] = 3 * n.params[conv.offset + 3]! + 0.5;
    same();
    expect(fast.evaluate(model.batch)).not.toBe(first);
    if (model.stateCount > 0) {
      // A running variance, read only through its packed copy.
      for (const n of [ts, fast]) n.state[n.state.length - 1] = 4;
      same();
    }
    // Evaluation packed only the forward pass's copies: training on the same weights must pack the rest.
    close(fast.computeGradients(model.batch, 1), ts.computeGradients(model.batch, 1));
    expect(mismatches(model, Float64Array.from(fast.grads), Float64Array.from(ts.grads))).toEqual([]);
  });

  it('split across 2 and 3 threads, it sums the same gradients as on one', async () => {
    const { trainer, wasm, parallel } = await backends(readFileSync('configs/cifar10-deep.yaml', 'utf8'), 'configs/cifar10-deep.yaml');
    const single = new wasm.Net();
    const expected = run(single, trainer.MODEL, 16, () => single.grads);
    for (const threads of [2, 3]) {
      const net = await parallel(threads);
      try {
        const main = (net as unknown as { main: TrainableNet }).main;
        const actual = run(net, trainer.MODEL, 16, () => main.grads);
        expect(actual.predictions).toEqual(expected.predictions);
        expect(actual.loss).toBeCloseTo(expected.loss, 5);
        expect(mismatches(trainer.MODEL, actual.grads, expected.grads)).toEqual([]);
      } finally {
        await net.close();
      }
    }
  });
});

describe('the plain SIMD build (runtimes without relaxed SIMD)', () => {
  it('matches the TypeScript backend too', async () => {
    const before = process.env.NETC_WASM;
    process.env.NETC_WASM = 'simd';
    try {
      const net = OP_NET_CASES.find(([label]) => label.includes('GEMM micro-kernel'))![1];
      const { trainer, wasm } = await backends(net.text);
      expect(wasm.KERNELS.fma).toBe(false);
      const ts = new trainer.Net();
      const expected = run(ts, trainer.MODEL, 3, () => ts.grads);
      const plain = new wasm.Net();
      const actual = run(plain, trainer.MODEL, 3, () => plain.grads);
      expect(actual.loss).toBeCloseTo(expected.loss, 4);
      expect(mismatches(trainer.MODEL, actual.grads, expected.grads)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.NETC_WASM;
      else process.env.NETC_WASM = before;
    }
  });
});
