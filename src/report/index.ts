// report: a finished run folder → its figures and report.html, beside metrics.json.
// Everything is rendered in memory first and then written file by file atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { userError } from '../diagnostics.js';
import { packageRoot, version } from '../paths.js';
import { readMetrics, readRunFile, readWeights } from '../runs.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { ParamSummary } from '../runtime/net.js';
import type { Metrics } from '../runtime/train-loop.js';
import { confusionSpec, learningCurvesSpec } from './charts.js';
import { classStats } from './confusion.js';
import { gridSvg, kernelCells } from './grids.js';
import { planarToRgb, svgSize, svgToPng, vegaLiteToSvg } from './render.js';

export { classStats } from './confusion.js';

export interface RunRecord {
  readonly metrics: Metrics;
  readonly weights: Float32Array;
  readonly params: readonly ParamSummary[];
  readonly misclassified: Uint8Array;
  readonly description: string;
}

export function readRun(dir: string): RunRecord {
  const metrics = readMetrics(dir);
  const { values: weights, params } = readWeights(dir);
  const misclassified = readRunFile(dir, 'misclassified.bin');
  const imageBytes = metrics.data.image.reduce((a, b) => a * b, 1);
  if (misclassified.length !== metrics.test.misclassified.length * imageBytes) {
    throw userError(join(dir, 'misclassified.bin'), `is ${misclassified.length} bytes; metrics.json lists ${metrics.test.misclassified.length} images of ${imageBytes} bytes`, 'train the run again, or restore the file');
  }
  const description = /^description: (.*)$/m.exec(existsSync(join(dir, 'config.yaml')) ? readFileSync(join(dir, 'config.yaml'), 'utf8') : '')?.[1] ?? '';
  return { metrics, weights, params, misclassified, description };
}

/** The report's files: name → contents. */
export async function renderReport(run: RunRecord, runDir: string): Promise<Map<string, string | Buffer>> {
  const { metrics } = run;
  const files = new Map<string, string | Buffer>();
  const figure = (name: string, svg: string) => {
    files.set(`${name}.svg`, svg);
    files.set(`${name}.png`, svgToPng(svg));
    return svgSize(svg);
  };
  const classes = metrics.test.classes;
  const divergedAt = metrics.status === 'diverged' ? metrics.divergence?.iteration : undefined;
  const curves = figure('learning-curves', await vegaLiteToSvg(learningCurvesSpec(metrics.history, `${metrics.name}: learning curves`, { iterations: metrics.train.iterations, divergedAt })));
  const confusion = figure('confusion', await vegaLiteToSvg(confusionSpec(metrics.test.confusion, classes, `${metrics.name}: confusion matrix (test set, ${metrics.test.count} images)`)));

  const kernelParam = run.params.find((p) => p.shape.length === 4);
  const kernelLayer = kernelParam?.name.replace(/_w$/, '') ?? '(no convolution)';
  const [filters = 0, channels = 1, kernelSize = 1] = kernelParam?.shape ?? [];
  const kernelWeights = kernelParam ? run.weights.subarray(kernelParam.offset, kernelParam.offset + kernelParam.size) : new Float32Array();
  const kernelScale = Math.max(4, Math.floor(64 / kernelSize));
  const kernels = figure('kernels', gridSvg(kernelCells(kernelWeights, filters, channels, kernelSize), { title: `${kernelLayer}: ${filters} kernels of ${kernelSize}×${kernelSize}×${channels}`, columns: 8, scale: kernelScale }));

  const [height, width, depth] = metrics.data.image;
  const imageSize = height * width * depth;
  const wrong = metrics.test.misclassified.map((m, i) => ({
    rgb: planarToRgb(run.misclassified.subarray(i * imageSize, (i + 1) * imageSize), width, height, depth),
    width,
    height,
    caption: [`true: ${classes[m.label]}`, `predicted: ${classes[m.predicted]}`],
  }));
  const misclassified = figure('misclassified', gridSvg(wrong, { title: `${metrics.name}: misclassified test images`, columns: 8, scale: 3 }));

  const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
  // metrics.json writes NaN and ±Infinity (a diverged run's loss) as null.
  const fixed = (x: number | null, digits: number) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'not a number');
  const html = reportTemplate()({
    version,
    runDir,
    name: metrics.name,
    description: run.description,
    diverged: divergedAt !== undefined,
    divergedAt: divergedAt ?? 0,
    divergence: metrics.divergence?.message ?? '',
    testAccuracy: fixed(metrics.test.accuracy, 4),
    testLoss: fixed(metrics.test.loss, 4),
    testCount: metrics.test.count,
    params: metrics.params.total,
    iterations: metrics.train.iterations,
    batch: metrics.train.batchSize,
    seconds: fixed(metrics.train.seconds, 1),
    samplesPerSecond: fixed(metrics.train.samplesPerSecond, 0),
    smoothing: metrics.report.smoothing,
    validationBatches: metrics.report.validationBatches,
    figures: { curves, confusion, kernels, misclassified },
    kernelLayer,
    misclassifiedCount: wrong.length,
    classes: classStats(metrics.test.confusion).map((s, k) => ({ name: classes[k], support: s.support, predicted: s.predicted, precision: pct(s.precision), recall: pct(s.recall) })),
    layers: metrics.params.layers.map((l) => ({ ...l, shape: l.outputShape.join('×') })),
  });
  files.set('report.html', html);
  return files;
}

export async function writeReport(runDir: string): Promise<string[]> {
  const files = await renderReport(readRun(runDir), runDir);
  for (const [name, contents] of files) writeFileAtomic(join(runDir, name), contents);
  return [...files.keys()];
}

let compiled: HandlebarsTemplateDelegate | undefined;

function reportTemplate(): HandlebarsTemplateDelegate {
  // HTML-escaping on: names and descriptions come from the user's config.
  compiled ??= Handlebars.create().compile(readFileSync(join(packageRoot, 'src', 'report', 'report.hbs'), 'utf8'), { strict: true });
  return compiled;
}
