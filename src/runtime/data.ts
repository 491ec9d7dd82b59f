// Preparing a dataset for training: the validation hold-out, the per-channel mean, and
// the shuffled order of training images.
import { DataError, type Dataset, type ImageSet } from './images.js';
import type { Rng } from './rng.js';

export interface Prepared {
  readonly train: ImageSet;
  /** Training images [0, trainCount) are trained on; [trainCount, count) validate. */
  readonly trainCount: number;
  readonly validationCount: number;
  readonly test: ImageSet;
  /** Per-channel mean of the training images after scaling (zeros when not subtracted). */
  readonly mean: Float64Array;
}

export interface PrepareOptions {
  readonly validation: number;
  readonly pixelScale: number;
  readonly subtractMean: boolean;
}

export function prepare(dataset: Dataset, options: PrepareOptions): Prepared {
  const { train, test } = dataset;
  const trainCount = train.count - options.validation;
  if (trainCount < 1) {
    throw new DataError('config', `data.validation holds out ${options.validation} images, but the training set has only ${train.count}`);
  }
  const mean = new Float64Array(train.channels);
  if (options.subtractMean) {
    const plane = train.height * train.width;
    for (let i = 0; i < trainCount; i++) {
      for (let c = 0; c < train.channels; c++) {
        let sum = 0;
        const start = (i * train.channels + c) * plane;
        for (let p = start; p < start + plane; p++) sum += train.images[p]!;
        mean[c] = mean[c]! + sum;
      }
    }
    for (let c = 0; c < train.channels; c++) mean[c] = (mean[c]! * options.pixelScale) / (trainCount * plane);
  }
  return { train, trainCount, validationCount: options.validation, test, mean };
}

/** Draws training images in a shuffled order, reshuffled every epoch. */
export class Sampler {
  private readonly order: Int32Array;
  private cursor: number;

  constructor(
    count: number,
    private readonly rng: Rng,
  ) {
    this.order = Int32Array.from({ length: count }, (_, i) => i);
    this.cursor = count; // shuffle before the first draw
  }

  next(): number {
    if (this.cursor === this.order.length) {
      this.rng.shuffle(this.order);
      this.cursor = 0;
    }
    return this.order[this.cursor++]!;
  }

  /** The current epoch's order and the position in it, for checkpoints. */
  get state(): { readonly order: Int32Array; readonly cursor: number } {
    return { order: Int32Array.from(this.order), cursor: this.cursor };
  }

  restore(order: Int32Array, cursor: number): void {
    this.order.set(order);
    this.cursor = cursor;
  }
}
