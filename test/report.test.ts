// Reports: precision and recall against a hand-computed case, the figures of a run, and
// report.html opened in a real headless browser (offline, every figure loaded).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { train } from '../src/pipeline.js';
import { classStats, renderReport, type RunRecord } from '../src/report/index.js';
import type { Metrics } from '../src/runtime/train-loop.js';
import { checkOfflinePage, CHROMIUM, inBrowser, INSTALL_BROWSER, RUN_BROWSER } from './browser.js';
import { tempDir } from './helpers.js';

describe('precision and recall', () => {
  it('match a hand-computed 3-class case', () => {
    // rows: true class, columns: predicted class
    const stats = classStats([
      [5, 1, 0],
      [2, 3, 1],
      [0, 0, 0],
    ]);
    // class 0: predicted 7 times, 5 right; 6 images, 5 found.
    expect(stats[0]).toEqual({ precision: 5 / 7, recall: 5 / 6, support: 6, predicted: 7 });
    expect(stats[1]).toEqual({ precision: 3 / 4, recall: 3 / 6, support: 6, predicted: 4 });
    // class 2: predicted once (wrongly), never present.
    expect(stats[2]!.precision).toBe(0);
    expect(stats[2]!.recall).toBeNaN();
  });
});

function syntheticRun(): RunRecord {
  const classes = ['cat', 'dog', 'bird'];
  const metrics = {
    format: 'netc-metrics/1',
    name: 'tiny',
    status: 'completed',
    startedAt: '2026-11-27T18:00:00.000Z',
    finishedAt: '2026-11-27T18:01:00.000Z',
    params: { total: 90, layers: [{ name: 'conv1', type: 'conv', outputShape: [4, 4, 2], params: 56 }] },
    data: { dataset: 'cifar10', train: 10, validation: 2, test: 12, image: [4, 4, 3], mean: [0, 0, 0] },
    train: { iterations: 200, batchSize: 4, seed: 1, threads: 1, backend: 'wasm', seconds: 1.5, samplesPerSecond: 533, validationSeconds: 0.1 },
    report: { every: 100, smoothing: 0.995, validationBatches: 10 },
    history: [
      { iteration: 100, learningRate: 0.01, loss: 2, accuracy: 0.3, validationAccuracy: 0.4 },
      { iteration: 200, learningRate: 0.01, loss: 1.5, accuracy: 0.5, validationAccuracy: 0.55 },
    ],
    test: {
      accuracy: 8 / 12,
      loss: 0.9,
      count: 12,
      seconds: 0.1,
      classes,
      confusion: [
        [3, 1, 0],
        [1, 4, 0],
        [1, 1, 1],
      ],
      misclassified: [
        { index: 2, label: 0, predicted: 1 },
        { index: 7, label: 2, predicted: 0 },
      ],
    },
  } satisfies Metrics;
  return {
    metrics,
    weights: Float32Array.from({ length: 2 * 3 * 3 * 3 + 2 }, (_, i) => Math.sin(i)),
    params: [
      { name: 'conv1_w', offset: 0, size: 54, shape: [2, 3, 3, 3] },
      { name: 'conv1_b', offset: 54, size: 2, shape: [2] },
    ],
    misclassified: Uint8Array.from({ length: 2 * 48 }, (_, i) => (i * 37) % 256),
    description: 'A <tiny> network',
  };
}

describe('report figures', () => {
  it('renders every figure as SVG and PNG, with the run’s numbers and class names', async () => {
    const files = await renderReport(syntheticRun(), 'runs/tiny/x');
    expect([...files.keys()].sort()).toEqual(
      ['confusion.png', 'confusion.svg', 'kernels.png', 'kernels.svg', 'learning-curves.png', 'learning-curves.svg', 'misclassified.png', 'misclassified.svg', 'report.html'].sort(),
    );
    const confusion = files.get('confusion.svg') as string;
    // Precision of 'cat': 3 of 5 predicted; recall of 'dog': 4 of 5; overall 8 of 12.
    expect(confusion).toContain('60.0%');
    expect(confusion).toContain('80.0%');
    expect(confusion).toContain('66.7%');
    for (const name of ['cat', 'dog', 'bird', 'precision', 'recall', 'Predicted class', 'True class']) expect(confusion).toContain(name);
    const misclassified = files.get('misclassified.svg') as string;
    expect(misclassified).toContain('true: bird');
    expect(misclassified).toContain('predicted: cat');
    const kernels = PNG.sync.read(files.get('kernels.png') as Buffer);
    expect(kernels.width).toBeGreaterThan(100);
    const html = files.get('report.html') as string;
    expect(html).toContain('A &lt;tiny&gt; network');
    expect(html).toContain('<td class="n">66.7%</td>'.replace('66.7', '60.0'));
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  // metrics.json as a diverged run writes it: NaN and Infinity became null.
  const diverged = (history: Metrics['history']): RunRecord => {
    const run = syntheticRun();
    const message = 'iteration 4: the loss is NaN; the first non-finite gradients are in dconv1_w';
    const metrics = { ...run.metrics, status: 'diverged', divergence: { iteration: 4, message, testedIteration: null }, history, test: { ...run.metrics.test, loss: null as unknown as number } } satisfies Metrics;
    return { ...run, metrics: { ...metrics, train: { ...metrics.train, iterations: 3 } } };
  };

  it('renders a diverged run: no history yet, a null test loss, the divergence marked', async () => {
    const files = await renderReport(diverged([]), 'runs/tiny/x');
    const curves = files.get('learning-curves.svg') as string;
    expect(curves).toContain('diverged at iteration 4');
    expect(PNG.sync.read(files.get('learning-curves.png') as Buffer).width).toBeGreaterThan(300);
    const html = files.get('report.html') as string;
    expect(html).toContain('Training diverged at iteration 4');
    expect(html).toContain('the first non-finite gradients are in dconv1_w');
    expect(html).toContain('<b>not a number</b><span>test loss</span>');
  });

  it('renders a loss that explodes on a log scale, and a history of one point', async () => {
    const exploding = [1, 2, 3].map((iteration) => ({ iteration, learningRate: 100, loss: 10 ** (iteration * 8), accuracy: 0, validationAccuracy: null }));
    const curves = (await renderReport(diverged([...exploding, { ...exploding[2]!, iteration: 4, loss: null as unknown as number }]), 'x')).get('learning-curves.svg') as string;
    expect(curves).toContain('loss (log scale)');
    const one = (await renderReport({ ...syntheticRun(), metrics: { ...syntheticRun().metrics, history: [syntheticRun().metrics.history[0]!] } }, 'x')).get('learning-curves.svg') as string;
    expect(one).not.toContain('diverged');
    expect(one).toContain('Training loss');
  });

  it('names the validation curve only for a run that measured one', async () => {
    const run = syntheticRun();
    const curves = async (history: Metrics['history']) => (await renderReport({ ...run, metrics: { ...run.metrics, history } }, 'x')).get('learning-curves.svg') as string;
    expect(await curves(run.metrics.history)).toContain('>validation<');
    const without = await curves(run.metrics.history.map((h) => ({ ...h, validationAccuracy: null })));
    expect(without).toContain('training (moving average)');
    expect(without).not.toContain('>validation<');
  });
});

describe('report.html without a browser', () => {
  it('is valid HTML, names only files beside it, and loads nothing from the network', async () => {
    const out = join(tempDir(), 'run');
    await train('configs/example.yaml', { iterations: 20, out });
    expect(await checkOfflinePage(join(out, 'report.html'))).toEqual([]);
  });
});

if (!RUN_BROWSER) console.warn(`report.html was not opened in a browser: no Chromium at ${CHROMIUM} (install it with \`${INSTALL_BROWSER}\`, or set CHROMIUM_PATH)`);

describe('report.html in a headless browser', () => {
  it.skipIf(!RUN_BROWSER)(`loads every figure offline, without console errors or network requests (needs Chromium: ${INSTALL_BROWSER})`, async () => {
    const out = join(tempDir(), 'run');
    await train('configs/example.yaml', { iterations: 200, out });
    await inBrowser(join(out, 'report.html'), async ({ page, problems, images }) => {
      expect(images.map((i) => i.src)).toEqual(['learning-curves.svg', 'confusion.svg', 'kernels.png', 'misclassified.png']);
      expect(images.filter((i) => !i.loaded)).toEqual([]);
      expect(await page.textContent('#params')).toContain('20042');
      expect(problems).toEqual([]);
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/report.png', fullPage: true });
      expect(readFileSync('test-output/report.png').length).toBeGreaterThan(10_000);
    });
  });
});
