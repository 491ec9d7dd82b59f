// Lookahead (train.lookahead): the weights pulled towards their slow average every few
// steps, by a factor that rises as (t/T)³, ending on the average; and that it trains.
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../src/runtime/checkpoint.js';
import { Lookahead } from '../src/runtime/lookahead.js';
import type { Trainable } from '../src/runtime/net.js';
import { join } from 'node:path';
import { train } from '../src/pipeline.js';
import { tempDir } from './helpers.js';

/** Just the arrays Lookahead reads and writes. */
function fakeNet(params: number[], state: number[]): Trainable {
  return { params: Float64Array.from(params), state: Float64Array.from(state) } as unknown as Trainable;
}

describe('lookahead', () => {
  it('every k steps: average ← d·average + (1 − d)·w, w ← average, d = decay·(t/T)³; the last step ends on the average', () => {
    const net = fakeNet([1, -2], [0.5]);
    const [decay, every, iterations] = [0.8, 2, 5];
    const lookahead = new Lookahead(net, decay, every, iterations);
    // The rule, written out: the "training" adds t to every value at step t.
    const average = [1, -2, 0.5];
    const values = () => [...net.params, ...net.state];
    for (let t = 1; t <= iterations; t++) {
      for (const array of [net.params, net.state]) for (let i = 0; i < array.length; i++) array[i]! += t;
      const before = values();
      lookahead.update(t);
      if (t % every === 0 || t === iterations) {
        const d = t === iterations ? 1 : decay * (t / iterations) ** 3;
        for (let i = 0; i < average.length; i++) average[i] = d * average[i]! + (1 - d) * before[i]!;
        expect(values(), `step ${t}`).toEqual(average.map((a) => expect.closeTo(a, 12)));
      } else {
        expect(values(), `step ${t}: untouched`).toEqual(before);
      }
    }
    // The last step left the weights on the average, which did not move then (d = 1).
    expect(values()).toEqual(average.map((a) => expect.closeTo(a, 12)));
  });

  it('keeps its average in checkpoints, and refuses one without it', () => {
    const net = fakeNet([1, 2, 3], []);
    const lookahead = new Lookahead(net, 0.5, 1, 10);
    net.params.set([5, 6, 7]);
    lookahead.update(5);
    const saved = Object.fromEntries(Object.entries(lookahead.tensors).map(([k, v]) => [k, Float64Array.from(v)]));
    const other = new Lookahead(fakeNet([0, 0, 0], []), 0.5, 1, 10);
    other.restore({ tensors: saved } as unknown as Checkpoint, 'checkpoint.bin');
    expect(Array.from(other.tensors.lookahead!)).toEqual(Array.from(saved.lookahead!));
    expect(() => other.restore({ tensors: {} } as unknown as Checkpoint, 'checkpoint.bin')).toThrow(/holds no lookahead of 3 values/);
  });

  it('trains: 200 MNIST steps with lookahead learn as well as without (a broken pull would undo them)', async () => {
    const run = async (lookahead: number) => {
      const { metrics } = await train('configs/mnist.yaml', { iterations: 200, out: join(tempDir(), 'run'), overrides: [`train.lookahead=${lookahead}`, 'train.lookahead_every=5', 'report.every=100'] });
      return metrics.test.accuracy;
    };
    const [plain, pulled] = [await run(0), await run(0.9)];
    expect(plain).toBeGreaterThan(0.8);
    expect(pulled).toBeGreaterThan(plain - 0.05);
  });
});
