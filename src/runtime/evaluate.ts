// Measuring a network: validation batches during training, the whole test set at the end.
import type { Prepared } from './data.js';
import type { ImageSet } from './images.js';
import type { Trainable } from './net.js';

/** How many misclassified test images a run keeps for its report. */
export const KEPT_MISCLASSIFIED = 48;

export interface Misclassified {
  /** Index in the test set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
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

  accuracy(net: Trainable, data: Prepared, batches: number, batch: number, imageSize: number): number {
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      for (let slot = 0; slot < batch; slot++) {
        const index = this.start + this.position;
        this.position = (this.position + 1) % this.count;
        net.setImage(slot, data.train.images, index * imageSize, data.mean);
        net.labels[slot] = data.train.labels[index]!;
      }
      net.evaluate(batch);
      correct += countCorrect(net, batch);
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
