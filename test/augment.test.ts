// Learning-rate schedules and data augmentation: the values they produce, and that they
// stay reproducible.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import { learningRateAt } from '../src/runtime/schedule.js';
import { alternateFlip } from '../src/runtime/hash.js';
import { parseConfig } from '../src/parse/index.js';
import { validate } from '../src/validate/index.js';
import { configYaml, loadTrainer, tempDir } from './helpers.js';

describe('learning-rate schedules', () => {
  const at = (iteration: number, schedule: 'constant' | 'cosine' | 'linear', warmup = 0) => learningRateAt(iteration, 100, { learningRate: 0.1, schedule, warmup });

  it('warm up linearly, then stay, or decay along a cosine or a line to zero', () => {
    expect(at(1, 'constant', 10)).toBeCloseTo(0.01, 12);
    expect(at(10, 'constant', 10)).toBeCloseTo(0.1, 12);
    expect(at(50, 'constant', 10)).toBe(0.1);
    expect(at(1, 'cosine')).toBeCloseTo(0.1, 12);
    expect(at(51, 'cosine')).toBeCloseTo(0.05, 12); // halfway: cos(π/2) = 0
    expect(at(100, 'cosine')).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * 99) / 100)), 12); // the last step is small, not zero
    expect(at(51, 'linear')).toBeCloseTo(0.05, 12);
    expect(at(11, 'cosine', 10)).toBeCloseTo(0.1, 12); // decay starts after the warm-up
    expect(at(56, 'cosine', 10)).toBeCloseTo(0.05, 12); // (56 − 10 − 1) / (100 − 10) = 0.5
  });
});

describe('data augmentation', () => {
  it('shifts (padding with the mean, i.e. zero) and mirrors the image', async () => {
    const trainer = await loadTrainer(configYaml({ data: { dataset: 'mnist', pixels: '0-255' } }));
    const model = (await import(pathToFileURL(join(trainer.dir, 'model.js')).href)) as {
      set_image_augmented(input: Float32Array, slot: number, pixels: Uint8Array, offset: number, mean: Float64Array, dx: number, dy: number, flip: boolean): void;
    };
    const net = new trainer.Net();
    const side = 28;
    const pixels = Uint8Array.from({ length: side * side }, (_, i) => i % 251);
    const mean = new Float64Array([7]);
    // The input buffer has a zero border of 2 (conv1's padding): interior (r, c) is at (r + 2) * 32 + c + 2.
    const read = (r: number, c: number) => net.input[(r + 2) * 32 + c + 2]!;
    const source = (r: number, c: number) => (r < 0 || r >= side || c < 0 || c >= side ? 0 : pixels[r * side + c]! - 7);
    for (const [dx, dy, flip] of [[0, 0, true], [3, -2, false], [-4, 4, true]] as const) {
      model.set_image_augmented(net.input as Float32Array, 0, pixels, 0, mean, dx, dy, flip);
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) expect(read(r, c)).toBe(source(r + dy, (flip ? side - 1 - c : c) + dx));
      }
    }
  });

  it('is reproducible: the same seed gives the same weights', async () => {
    const text = readFileSync('configs/example.yaml', 'utf8').replace('mean: channel', 'mean: channel\n  augment: { flip: true, crop: 3 }').replace('learning_rate: 0.05', 'learning_rate: 0.05\n  schedule: cosine\n  warmup: 10');
    const run = async () => {
      const out = join(tempDir(), 'run');
      const { metrics } = await train('example.yaml', { text, iterations: 30, out });
      return { metrics, weights: readFileSync(join(out, 'weights.bin')) };
    };
    const a = await run();
    const b = await run();
    expect(b.weights.equals(a.weights)).toBe(true);
    expect(a.metrics.history.at(-1)!.learningRate).toBeCloseTo(0.05 * 0.5 * (1 + Math.cos((Math.PI * 19) / 20)), 10);
  });

  it('alternating flip: a coin per image for the first epoch, then the other way each epoch', () => {
    const images = 2000;
    let first = 0;
    for (let index = 0; index < images; index++) {
      const flips = Array.from({ length: 6 }, (_, epoch) => alternateFlip(7, index, epoch));
      if (flips[0]) first++;
      for (let epoch = 1; epoch < 6; epoch++) expect(flips[epoch]).toBe(!flips[epoch - 1]);
    }
    // Fair coins: 1000 ± 3.5σ (σ ≈ 22).
    expect(Math.abs(first - images / 2)).toBeLessThan(80);
    // Another seed, other coins.
    const differ = Array.from({ length: images }, (_, i) => alternateFlip(7, i, 0) !== alternateFlip(8, i, 0)).filter(Boolean).length;
    expect(Math.abs(differ - images / 2)).toBeLessThan(80);
  });

  it('explains YAML 1.1 booleans', () => {
    const text = configYaml().replace('dataset: mnist', 'dataset: mnist\n  augment:\n    flip: yes');
    expect(text).toContain('    flip: yes\n');
    const errors = validate(parseConfig('a.yaml', text));
    expect(errors[0]!.message).toMatch(/^data\.augment\.flip must be one of .*false.*true.*alternate.*; found "yes"$/);
    expect(errors[0]!.hint).toBe('YAML 1.2 reads yes/no/on/off as text: write true or false');
  });
});
