// Training and evaluation: batch norm normalises with its groups' statistics in training
// and with running averages in evaluation, which each training step updates; dropout
// drops only in training. On both backends, and the same on one thread as on two.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelInfo, NetClass, Trainable } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import { updateRunningStats } from '../src/runtime/statistics.js';
import { loadTrainer } from './helpers.js';
import { testConfig } from './ops.js';

const NET = testConfig({
  layers: [{ conv: { filters: 6, size: 3, padding: 1, bias: false } }, { batchnorm: { group: 2, momentum: 0.5 } }, 'relu', { dropout: { rate: 0.5 } }, { maxpool: { size: 4 } }, { dense: { units: 10 } }],
  batch: 4,
});

async function nets() {
  const trainer = await loadTrainer(NET);
  const url = (name: string) => pathToFileURL(join(trainer.dir, name)).href;
  const wasm = (await import(url('model-wasm.js'))) as { Net: NetClass };
  const { createParallel } = (await import(url('runtime/parallel.js'))) as { createParallel(...args: unknown[]): Promise<Trainable> };
  return { model: trainer.MODEL, backends: { ts: trainer.Net, wasm: wasm.Net }, parallel: (Net: NetClass, module: string) => createParallel(trainer.MODEL, Net, url(module), 2) };
}

function fill(net: Trainable, model: ModelInfo, seed: number) {
  const rng = new Rng(seed);
  const size = model.input.height * model.input.width * model.input.channels;
  const pixels = Uint8Array.from({ length: size * model.batch }, () => rng.below(256));
  for (let s = 0; s < model.batch; s++) {
    net.setImage(s, pixels, s * size, new Float64Array([0.5]));
    net.labels[s] = rng.below(10);
  }
}

describe('training and evaluation modes', () => {
  it('batch norm: running statistics start at (0, 1), move by (1 − momentum)·batch each step; evaluation uses them', async () => {
    const { model, backends } = await nets();
    const stateOf = (net: Trainable) => Array.from(net.state);
    for (const [name, Net] of Object.entries(backends)) {
      const net = new Net();
      const rng = new Rng(1);
      net.init(() => rng.normal());
      const mean = model.state.find((s) => s.name.endsWith('_mean'))!;
      const variance = model.state.find((s) => s.name.endsWith('_var'))!;
      expect(stateOf(net).slice(mean.offset, mean.offset + mean.size), name).toEqual(new Array(6).fill(0));
      expect(stateOf(net).slice(variance.offset, variance.offset + variance.size), name).toEqual(new Array(6).fill(1));
      fill(net, model, 2);
      // Evaluation before any step: the running statistics (0, 1) are the identity.
      const before = net.evaluate(model.batch);
      net.computeGradients(model.batch, 1);
      net.step(0, 1);
      const after = stateOf(net);
      // With lr 0 only the statistics moved: the mean halfway from 0 towards the batch's.
      expect(after.slice(mean.offset, mean.offset + mean.size).some((m) => m !== 0), name).toBe(true);
      expect(after.slice(variance.offset, variance.offset + variance.size).every((v) => v > 0.5), name).toBe(true);
      expect(net.evaluate(model.batch), name).not.toBeCloseTo(before, 6);
    }
  });

  it('the running statistics average the groups, in slot order, by the momentum rule; both backends agree', async () => {
    // Two groups of 3 channels (stride 4): means (1, 2, 3) and (3, 4, 5), variances (1, 1, 1) and (3, 3, 3).
    const stats = [1, 2, 3, 0, 1, 1, 1, 0, 3, 4, 5, 0, 3, 3, 3, 0];
    const mean = new Float64Array([10, 10, 10]);
    const variance = new Float64Array([1, 1, 1]);
    updateRunningStats(stats, 2, 3, 4, mean, variance, 0.75);
    expect(Array.from(mean)).toEqual([0.75 * 10 + 0.25 * 2, 0.75 * 10 + 0.25 * 3, 0.75 * 10 + 0.25 * 4]);
    expect(Array.from(variance)).toEqual([0.75 + 0.25 * 2, 0.75 + 0.25 * 2, 0.75 + 0.25 * 2]);
    const { model, backends } = await nets();
    const states = Object.values(backends).map((Net) => {
      const net = new Net();
      const rng = new Rng(1);
      net.init(() => rng.normal());
      fill(net, model, 4);
      net.computeGradients(model.batch, 1);
      net.step(0.01, 1);
      return Array.from(net.state);
    });
    states[1]!.forEach((v, i) => expect(v, `state[${i}]`).toBeCloseTo(states[0]![i]!, 5));
  });

  it('dropout drops in training only: evaluation twice gives the same loss; training steps differ by step', async () => {
    const { model, backends } = await nets();
    for (const [name, Net] of Object.entries(backends)) {
      const net = new Net();
      const rng = new Rng(1);
      net.init(() => rng.normal());
      fill(net, model, 3);
      expect(net.evaluate(model.batch), name).toBe(net.evaluate(model.batch));
      const one = net.computeGradients(model.batch, 1, 7);
      expect(net.computeGradients(model.batch, 1, 7), name).toBe(one);
      expect(net.computeGradients(model.batch, 2, 7), name).not.toBe(one);
      expect(net.computeGradients(model.batch, 1, 8), name).not.toBe(one);
    }
  });

  it('one thread and two give the same training losses and running statistics (groups never span threads)', async () => {
    const { model, backends, parallel } = await nets();
    for (const [name, Net, module] of [['ts', backends.ts, 'model.js'], ['wasm', backends.wasm, 'model-wasm.js']] as const) {
      const run = (net: Trainable) => {
        const rng = new Rng(1);
        net.init(() => rng.normal());
        const losses: number[] = [];
        for (let step = 1; step <= 3; step++) {
          fill(net, model, 10 + step);
          losses.push(net.computeGradients(model.batch, step, 5));
          net.step(0.01, step);
        }
        return { losses, state: Array.from(net.state), evaluation: net.evaluate(model.batch) };
      };
      const one = run(new Net());
      const split = await parallel(Net, module);
      try {
        const two = run(split);
        for (const [a, b] of one.losses.map((l, i) => [l, two.losses[i]!])) expect(b, name).toBeCloseTo(a!, 5);
        two.state.forEach((v, i) => expect(v, `${name} state[${i}]`).toBeCloseTo(one.state[i]!, 5));
        expect(two.evaluation, name).toBeCloseTo(one.evaluation, 5);
      } finally {
        await split.close();
      }
    }
  });
});
