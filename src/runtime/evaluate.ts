// Measuring a network: validation batches during training, the whole test set at the end —
// each image alone, or with test-time augmentation: the network's probabilities for the
// image and for its mirror (and shifted copies), averaged.
import type { Prepared } from './data.js';
import type { ImageSet } from './images.js';
import type { Augmentation, Trainable } from './net.js';

/** How many misclassified test images a run keeps for its report. */
export const KEPT_MISCLASSIFIED = 48;

export type TestAugment = 'none' | 'flip' | 'flip_shift';

export interface Misclassified {
  /** Index in the test set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
}

/** The views of each image a test-time augmentation averages, with their weights. */
const VIEWS: Record<TestAugment, readonly { augment?: Augmentation; weight: number }[]> = {
  none: [{ weight: 1 }],
  flip: [{ weight: 0.5 }, { augment: { dx: 0, dy: 0, flip: true }, weight: 0.5 }],
  // The image and its mirror, half the weight; the same shifted one pixel up-left and down-right, the rest.
  flip_shift: [
    { weight: 0.25 },
    { augment: { dx: 0, dy: 0, flip: true }, weight: 0.25 },
    ...[-1, 1].flatMap((d) => [
      { augment: { dx: d, dy: d, flip: false }, weight: 0.125 },
      { augment: { dx: d, dy: d, flip: true }, weight: 0.125 },
    ]),
  ],
};

export interface Measured {
  readonly loss: number;
  readonly predictions: Uint8Array;
}

/**
 * The first n images of `set` from `first` on, through the net in evaluation mode: their
 * mean loss and predicted classes (with test-time augmentation, from averaged probabilities).
 */
export function measure(net: Trainable, set: ImageSet, first: number, n: number, mean: Float64Array, imageSize: number, classes: number, augment: TestAugment): Measured {
  for (let slot = 0; slot < n; slot++) net.labels[slot] = set.labels[first + slot]!;
  const views = VIEWS[augment];
  if (views.length === 1) {
    for (let slot = 0; slot < n; slot++) net.setImage(slot, set.images, (first + slot) * imageSize, mean);
    const loss = net.evaluate(n);
    return { loss, predictions: Uint8Array.from(net.predictions.subarray(0, n)) };
  }
  const average = classProbabilities(net, set, first, n, mean, imageSize, classes, augment);
  const predictions = new Uint8Array(n);
  let loss = 0;
  for (let slot = 0; slot < n; slot++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (average[slot * classes + k]! > average[slot * classes + best]!) best = k;
    predictions[slot] = best;
    loss -= Math.log(Math.max(average[slot * classes + net.labels[slot]!]!, Number.MIN_VALUE));
  }
  return { loss: loss / n, predictions };
}

/** The class probabilities of n images (n × classes), averaged over the test-time augmentation's views. */
export function classProbabilities(net: Trainable, set: ImageSet, first: number, n: number, mean: Float64Array, imageSize: number, classes: number, augment: TestAugment): Float64Array {
  const average = new Float64Array(n * classes);
  for (const view of VIEWS[augment]) {
    for (let slot = 0; slot < n; slot++) net.setImage(slot, set.images, (first + slot) * imageSize, mean, view.augment);
    net.evaluate(n);
    for (let i = 0; i < n * classes; i++) average[i] = average[i]! + view.weight * net.probabilities[i]!;
  }
  return average;
}

export function countCorrect(net: Trainable, n: number): number {
  let correct = 0;
  for (let s = 0; s < n; s++) if (net.predictions[s] === net.labels[s]) correct++;
  return correct;
}

/** Consecutive batches of the validation images, wrapping around. */
export class BatchCursor {
  constructor(
    private readonly start: number,
    private readonly count: number,
    /** The next validation image, for checkpoints. */
    public position = 0,
  ) {}

  accuracy(net: Trainable, data: Prepared, batches: number, batch: number, imageSize: number, classes: number, augment: TestAugment): number {
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      // A batch of validation images, wrapping around: measured as one contiguous run or two.
      let left = batch;
      while (left > 0) {
        const n = Math.min(left, this.count - this.position);
        const { predictions } = measure(net, data.train, this.start + this.position, n, data.mean, imageSize, classes, augment);
        for (let s = 0; s < n; s++) if (predictions[s] === data.train.labels[this.start + this.position + s]) correct++;
        this.position = (this.position + n) % this.count;
        left -= n;
      }
    }
    return correct / (batches * batch);
  }
}

export async function evaluate(
  net: Trainable,
  set: ImageSet,
  mean: Float64Array,
  batch: number,
  imageSize: number,
  classes: number,
  augment: TestAugment,
  onProgress: (evaluated: number, accuracy: number) => void,
): Promise<{ accuracy: number; loss: number; confusion: number[][]; misclassified: Misclassified[] }> {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const misclassified: Misclassified[] = [];
  let lossSum = 0;
  let correct = 0;
  for (let first = 0; first < set.count; first += batch) {
    const n = Math.min(batch, set.count - first);
    const { loss, predictions } = measure(net, set, first, n, mean, imageSize, classes, augment);
    lossSum += loss * n;
    for (let slot = 0; slot < n; slot++) {
      const truth = set.labels[first + slot]!;
      const predicted = predictions[slot]!;
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
