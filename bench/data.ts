// The same data for every peer: a pool of real training batches (drawn with a fixed seed)
// and the test set, as bytes and as prepared float32 images in both layouts.
import { locateDataset } from 'netc';
import { prepare } from 'netc/runtime/data.js';
import type { ImageSet } from 'netc/runtime/images.js';
import { loadDataset } from 'netc/runtime/load.js';
import { Rng } from 'netc/runtime/rng.js';

export const POOL = 32;

export interface BenchData {
  readonly dataset: 'mnist' | 'cifar10';
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly batch: number;
  readonly classes: number;
  readonly pixelScale: number;
  readonly mean: Float64Array;
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** POOL batches of training-image indexes. */
  readonly batches: readonly Int32Array[];
  /** A prepared image (scaled, mean subtracted) in channel-last order (tfjs, ConvNetJS). */
  hwc(set: ImageSet, index: number, out: Float32Array, at: number): void;
}

export async function benchData(settings: { dataset: string; validation: number; pixelScale: number; subtractMean: boolean }, batch: number): Promise<BenchData> {
  if (settings.dataset !== 'mnist' && settings.dataset !== 'cifar10') throw new Error(`the bench runs MNIST and CIFAR-10 configs, not ${settings.dataset}`);
  const prepared = prepare(loadDataset(settings.dataset, await locateDataset(settings.dataset)), settings);
  const { train, test, mean } = prepared;
  const rng = new Rng(12345);
  const batches = Array.from({ length: POOL }, () => Int32Array.from({ length: batch }, () => rng.below(prepared.trainCount)));
  const { height, width, channels } = train;
  const plane = height * width;
  return {
    dataset: settings.dataset as 'mnist' | 'cifar10',
    height,
    width,
    channels,
    batch,
    classes: 10,
    pixelScale: settings.pixelScale,
    mean,
    train,
    test,
    batches,
    hwc(set, index, out, at) {
      const base = index * plane * channels;
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < channels; c++) out[at + p * channels + c] = set.images[base + c * plane + p]! * settings.pixelScale - mean[c]!;
      }
    },
  };
}
