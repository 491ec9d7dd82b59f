// netc predict: a run's network on image files gives exactly the classes the run's own test
// measured for the same images; sizes, channels and formats are checked, naming the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import { predict } from '../src/predict/index.js';
import { resizeBilinear } from '../src/predict/images.js';
import { loadMnist } from '../src/runtime/mnist.js';
import type { Metrics } from '../src/runtime/train-loop.js';
import { runCli, tempDir } from './helpers.js';

const { test: mnistTest } = loadMnist(undefined);

/** MNIST test image `index` as a PNG (gray), `scale` times its size (nearest neighbour). */
function digitPng(index: number, scale = 1): Buffer {
  const side = 28 * scale;
  const png = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = mnistTest.images[index * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      png.data.set([v, v, v, 255], (y * side + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

describe('netc predict', () => {
  let run: string;
  let metrics: Metrics;
  let images: string;
  beforeAll(async () => {
    run = join(tempDir(), 'run');
    metrics = (await train('configs/example.yaml', { iterations: 150, out: run })).metrics;
    images = tempDir();
  }, 120_000);

  it("agrees with the run's own test: its misclassified images get the same wrong class, the others their label", async () => {
    const wrong = metrics.test.misclassified.slice(0, 6);
    expect(wrong.length).toBeGreaterThan(0);
    const kept = new Set(metrics.test.misclassified.map((m) => m.index));
    const right = Array.from({ length: metrics.test.misclassified.at(-1)!.index }, (_, i) => i).filter((i) => !kept.has(i)).slice(0, 6);
    const files = [...wrong.map((m) => m.index), ...right].map((index) => {
      const file = join(images, `test-${index}.png`);
      writeFileSync(file, digitPng(index));
      return file;
    });
    const predictions = await predict(run, files);
    expect(predictions.map((p) => p.classes[0]!.label)).toEqual([...wrong.map((m) => String(m.predicted)), ...right.map((i) => String(mnistTest.labels[i]))]);
    for (const p of predictions) expect(p.classes.reduce((sum, c) => sum + c.probability, 0)).toBeCloseTo(1, 5);
  });

  it('reads folders and JPEG; --resize scales a larger image to the same prediction', async () => {
    const folder = join(images, 'folder');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.png'), digitPng(3));
    writeFileSync(join(folder, 'b.png'), digitPng(3, 2));
    const rgba = PNG.sync.read(digitPng(3)).data;
    writeFileSync(join(folder, 'c.jpg'), jpeg.encode({ data: rgba, width: 28, height: 28 }, 95).data);
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    const [a, b, c] = await predict(run, [folder], { resize: true });
    expect([a, b, c].map((p) => p!.file.split('/').at(-1))).toEqual(['a.png', 'b.png', 'c.jpg']);
    // Doubled by nearest neighbour, halved bilinearly with centres aligned: the same pixels.
    expect(b!.classes).toEqual(a!.classes);
    expect(c!.classes[0]!.probability).toBeGreaterThan(0);
    const ran = await runCli('predict', run, join(folder, 'a.png'), '--json');
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.out)[0].classes).toHaveLength(10);
  });

  it('bilinear resizing keeps a constant image constant and averages pairs when halving', () => {
    const flat = resizeBilinear({ width: 3, height: 2, rgba: new Uint8Array(24).fill(77) }, 7, 5);
    expect(new Set(flat.rgba)).toEqual(new Set([77]));
    const pairs = resizeBilinear({ width: 4, height: 1, rgba: Uint8Array.from([0, 0, 0, 0, 100, 100, 100, 100, 10, 10, 10, 10, 30, 30, 30, 30]) }, 2, 1);
    expect([...pairs.rgba.filter((_, i) => i % 4 === 0)]).toEqual([50, 20]);
  });

  it('names the file and both shapes for a wrong size, and refuses colour, non-images and damaged files', async () => {
    const big = join(images, 'big.png');
    writeFileSync(big, digitPng(0, 2));
    const colour = join(images, 'colour.png');
    const png = PNG.sync.read(digitPng(0));
    png.data[0] = 255;
    png.data[1] = 0;
    writeFileSync(colour, PNG.sync.write(png));
    const text = join(images, 'text.png');
    writeFileSync(text, 'hello');
    const cut = join(images, 'cut.png');
    writeFileSync(cut, digitPng(0).subarray(0, 60));
    for (const [file, message] of [
      [big, `${big}: error: is 56×56 pixels; the network takes 28×28`],
      [colour, `${colour}: error: is a colour image; the network takes grayscale images (1 channel)`],
      [text, `${text}: error: is not a PNG or JPEG image`],
      [cut, `${cut}: error: cannot be decoded`],
      [join(images, 'missing.png'), 'missing.png: error: no such file or folder'],
    ] as const) {
      const ran = await runCli('predict', run, file);
      expect(ran.code).toBe(1);
      expect(ran.err).toContain(message);
      expect(ran.err).not.toMatch(/internal error|\n\s+at /);
    }
    expect((await runCli('predict', images, big)).err).toContain('metrics.json: error: missing');
    expect(readFileSync(big).length).toBeGreaterThan(0);
  });
});
