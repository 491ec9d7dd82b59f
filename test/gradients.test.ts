// The generated backward passes against central finite differences, in float64: every
// op's test networks (from its folder), every parameter tensor, and the MNIST net.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradientMismatches } from './gradcheck.js';
import { loadTrainer } from './helpers.js';
import { OP_NET_CASES, OP_NETS } from './ops.js';

async function check(text: string, perTensor: number, n = 3) {
  const trainer = await loadTrainer(text, { dtype: 'float64' });
  const { height, width, channels } = trainer.MODEL.input;
  const result = gradientMismatches(new trainer.Net(), trainer.MODEL.params.filter((p) => p.trainable !== false), { pixels: height * width * channels, batch: trainer.MODEL.batch, classes: trainer.MODEL.classes }, { n, perTensor, seed: 7 });
  return { ...result, trainer };
}

describe('gradients match central finite differences (float64)', () => {
  it.each(OP_NET_CASES)('%s', async (_, { text }) => {
    const { mismatches, checked } = await check(text, 40, 2);
    expect(checked).toBeGreaterThan(20);
    expect(mismatches).toEqual([]);
  });

  it('the row-unrolled nets really are row-unrolled', async () => {
    const net = OP_NETS.find((n) => n.name.includes('row unrolling'))!;
    const trainer = await loadTrainer(net.text, { dtype: 'float64' });
    expect(trainer.compiled.emitted.stats.unrolled.map((u) => u.mode)).toEqual(['row', 'row', 'full']);
  });

  it('the reference MNIST network, every parameter tensor sampled', async () => {
    const { mismatches, checked } = await check(readFileSync('configs/mnist.yaml', 'utf8'), 25, 2);
    expect(checked).toBe(25 * 3 + 16 + 16 + 10);
    expect(mismatches).toEqual([]);
  });
});
