// Users' own data: an image folder (drawn here: circles, squares, triangles) and an IDX set
// (a slice of MNIST, gzipped, with class names) train end to end, their class names in the
// results and the report; a folder is decoded once and cached; bad images name their file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import { Rng } from '../src/runtime/rng.js';
import { loadMnist } from '../src/runtime/mnist.js';
import { runCli, tempDir } from './helpers.js';

const SHAPES = ['circle', 'square', 'triangle'] as const;

/** A 16×16 gray image of `shape`: white on black, at a random place and size, with noise. */
function drawShape(shape: (typeof SHAPES)[number], rng: Rng): Buffer {
  const png = new PNG({ width: 16, height: 16 });
  const r = 3 + rng.uniform() * 3;
  const cx = r + rng.uniform() * (16 - 2 * r);
  const cy = r + rng.uniform() * (16 - 2 * r);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const [dx, dy] = [x + 0.5 - cx, y + 0.5 - cy];
      const inside = shape === 'circle' ? dx * dx + dy * dy <= r * r : shape === 'square' ? Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8 : dy <= r * 0.8 && dy >= -r && Math.abs(dx) <= (dy + r) / 2;
      const v = Math.max(0, Math.min(255, Math.round((inside ? 220 : 20) + 30 * rng.normal())));
      png.data.set([v, v, v, 255], (y * 16 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

/** train/ and test/ with one folder per shape. */
function shapesFolder(perClass: { train: number; test: number }): string {
  const root = join(tempDir(), 'shapes');
  const rng = new Rng(7);
  for (const split of ['train', 'test'] as const) {
    for (const shape of SHAPES) {
      mkdirSync(join(root, split, shape), { recursive: true });
      for (let i = 0; i < perClass[split]; i++) writeFileSync(join(root, split, shape, `${i}.png`), drawShape(shape, rng));
    }
  }
  return root;
}

describe('an image folder dataset', () => {
  it('trains end to end in seconds, with the folder names as classes in the results and the report', async () => {
    const data = shapesFolder({ train: 100, test: 30 });
    const cache = tempDir();
    process.env.NETC_CACHE = cache;
    try {
      const out = join(tempDir(), 'run');
      const { metrics } = await train('configs/example-folder.yaml', { dataPath: data, out });
      expect(metrics.test.classes).toEqual(['circle', 'square', 'triangle']);
      expect(metrics.data.train).toBe(270);
      expect(metrics.test.count).toBe(90);
      expect(metrics.test.accuracy).toBeGreaterThan(0.8);
      expect(readFileSync(join(out, 'confusion.svg'), 'utf8')).toContain('triangle');
      // Decoded once: the second run reuses the cache's IDX files.
      const decoded = readdirSync(join(cache, 'folders'));
      expect(decoded).toHaveLength(1);
      await train('configs/example-folder.yaml', { dataPath: data, iterations: 10, out: join(tempDir(), 'again') });
      expect(readdirSync(join(cache, 'folders'))).toEqual(decoded);
      // netc predict on one of the drawn images gives one of the folder names.
      const predicted = await runCli('predict', out, join(data, 'test', 'square', '0.png'));
      expect(predicted.out).toMatch(/0\.png: (circle|square|triangle) \d/);
    } finally {
      delete process.env.NETC_CACHE;
    }
  });

  it('names the image, and both shapes, when one does not match the input; and the classes when they do not match the network', async () => {
    const data = shapesFolder({ train: 3, test: 2 });
    const big = new PNG({ width: 20, height: 16 });
    writeFileSync(join(data, 'train', 'square', 'odd.png'), PNG.sync.write(big));
    process.env.NETC_CACHE = tempDir();
    try {
      const ran = await runCli('train', 'configs/example-folder.yaml', '--data', data, '--out', join(tempDir(), 'run'));
      expect(ran.code).toBe(1);
      expect(ran.err).toContain(`${join(data, 'train', 'square', 'odd.png')}: error: is 20×16 pixels; the network takes 16×16`);
      writeFileSync(join(data, 'train', 'square', 'odd.png'), drawShape('square', new Rng(1)));
      for (const split of ['train', 'test']) mkdirSync(join(data, split, 'star'));
      for (const split of ['train', 'test']) writeFileSync(join(data, split, 'star', '0.png'), drawShape('circle', new Rng(2)));
      const classes = await runCli('train', 'configs/example-folder.yaml', '--data', data, '--out', join(tempDir(), 'run'));
      expect(classes.code).toBe(1);
      expect(classes.err).toContain("error: the data has 4 classes (circle, square, star, triangle); the network's last layer outputs 3");
    } finally {
      delete process.env.NETC_CACHE;
    }
  });
});

describe('decoding an image folder', () => {
  it('keeps colour images channel by channel: what the trainer reads back is each image’s pixels, planar', async () => {
    const { decodeImageFolder } = await import('../src/run/folder.js');
    const { loadIdxFolder } = await import('../src/runtime/idx.js');
    const root = join(tempDir(), 'colours');
    const pixel = (split: number, cls: number, i: number, p: number, c: number) => (split * 97 + cls * 53 + i * 31 + p * 7 + c * 3) % 256;
    ['train', 'test'].forEach((split, s) =>
      ['blue', 'red'].forEach((cls, k) => {
        mkdirSync(join(root, split, cls), { recursive: true });
        for (let i = 0; i < 2; i++) {
          const png = new PNG({ width: 4, height: 3 });
          for (let p = 0; p < 12; p++) png.data.set([pixel(s, k, i, p, 0), pixel(s, k, i, p, 1), pixel(s, k, i, p, 2), 255], p * 4);
          writeFileSync(join(root, split, cls, `${i}.png`), PNG.sync.write(png));
        }
      }),
    );
    const dataset = loadIdxFolder(decodeImageFolder(root, { height: 3, width: 4, channels: 3 }, tempDir()));
    expect(dataset.classNames).toEqual(['blue', 'red']);
    expect([dataset.train.count, dataset.train.height, dataset.train.width, dataset.train.channels]).toEqual([4, 3, 4, 3]);
    expect([...dataset.train.labels]).toEqual([0, 0, 1, 1]);
    // The third training image (red, i = 0), channel 2, pixel 5.
    expect(dataset.train.images[2 * 36 + 2 * 12 + 5]).toBe(pixel(0, 1, 0, 5, 2));
    expect(dataset.test.images[1 * 36 + 0 * 12 + 11]).toBe(pixel(1, 0, 1, 11, 0));
  });
});

describe('an IDX dataset', () => {
  it('reads any IDX pair (gzipped, with classes.txt) and trains end to end', async () => {
    const { train: mnistTrain, test: mnistTest } = loadMnist(undefined);
    const dir = tempDir();
    const write = (name: string, magic: number, dims: number[], bytes: Uint8Array) => {
      const header = Buffer.alloc(4 + 4 * dims.length);
      header.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
      writeFileSync(join(dir, name), gzipSync(Buffer.concat([header, bytes])));
    };
    write('train-images-idx3-ubyte.gz', 0x803, [6000, 28, 28], mnistTrain.images.subarray(0, 6000 * 784));
    write('train-labels-idx1-ubyte.gz', 0x801, [6000], mnistTrain.labels.subarray(0, 6000));
    write('t10k-images-idx3-ubyte.gz', 0x803, [1000, 28, 28], mnistTest.images.subarray(0, 1000 * 784));
    write('t10k-labels-idx1-ubyte.gz', 0x801, [1000], mnistTest.labels.subarray(0, 1000));
    const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    writeFileSync(join(dir, 'classes.txt'), names.join('\n') + '\n');
    const config = readFileSync('configs/example.yaml', 'utf8').replace('dataset: mnist ', 'dataset: idx   ').replace('validation: 2000', 'validation: 500');
    const { metrics } = await train('configs/example.yaml', { text: config, dataPath: dir, iterations: 200, out: join(tempDir(), 'run') });
    expect(metrics.test.classes).toEqual(names);
    expect(metrics.data.train).toBe(5500);
    expect(metrics.test.count).toBe(1000);
    expect(metrics.test.accuracy).toBeGreaterThan(0.7);
    // A folder without a test split says what is missing.
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 't10k-labels-idx1-ubyte.gz'));
    const ran = await runCli('train', 'configs/example.yaml', '--set', 'data.dataset=idx', '--data', dir, '--out', join(tempDir(), 'broken'));
    expect(ran.code).toBe(1);
    expect(ran.err).toContain(`${dir}: error: holds no test labels file`);
  });
});
