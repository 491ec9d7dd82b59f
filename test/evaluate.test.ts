// Test-time augmentation (data.augment.test): which views of each image are measured, and
// how their probabilities are weighed into predictions and the loss.
import { describe, expect, it } from 'vitest';
import { measure } from '../src/runtime/evaluate.js';
import type { ImageSet } from '../src/runtime/images.js';
import type { Augmentation, Trainable } from '../src/runtime/net.js';

const CLASSES = 3;

/**
 * A stand-in network: each slot's probabilities depend only on the view it was given —
 * the image itself and its mirror say class 0 (0.6) over class 1 (0.4); shifted copies say
 * class 1 for sure. It records the views it saw.
 */
function viewNet(batch: number) {
  const views: (Augmentation | undefined)[] = new Array(batch);
  const seen = new Set<string>();
  const probabilities = new Float64Array(batch * CLASSES);
  const predictions = new Uint8Array(batch);
  const net = {
    labels: new Uint8Array(batch),
    predictions,
    probabilities,
    setImage(slot: number, _pixels: Uint8Array, _offset: number, _mean: Float64Array, augment?: Augmentation) {
      views[slot] = augment;
      seen.add(JSON.stringify(augment ?? null));
    },
    evaluate(n: number) {
      for (let s = 0; s < n; s++) {
        const shifted = (views[s]?.dx ?? 0) !== 0 || (views[s]?.dy ?? 0) !== 0;
        probabilities.set(shifted ? [0, 1, 0] : [0.6, 0.4, 0], s * CLASSES);
        predictions[s] = shifted ? 1 : 0;
      }
      return 0;
    },
  };
  return { net: net as unknown as Trainable, seen };
}

const SET: ImageSet = { images: new Uint8Array(8 * 4), labels: Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0]), count: 8, height: 2, width: 2, channels: 1 } as unknown as ImageSet;

describe('test-time augmentation', () => {
  it('none: the image alone', () => {
    const { net, seen } = viewNet(4);
    const { predictions } = measure(net, SET, 0, 4, new Float64Array(1), 4, CLASSES, 'none');
    expect([...seen]).toEqual(['null']);
    expect([...predictions]).toEqual([0, 0, 0, 0]);
  });

  it('flip: the image and its mirror, averaged', () => {
    const { net, seen } = viewNet(4);
    const { predictions, loss } = measure(net, SET, 0, 4, new Float64Array(1), 4, CLASSES, 'flip');
    expect([...seen]).toEqual(['null', JSON.stringify({ dx: 0, dy: 0, flip: true })]);
    expect([...predictions]).toEqual([0, 0, 0, 0]);
    // Labels 1, 0, 1, 0: −log 0.4 and −log 0.6, alternately.
    expect(loss).toBeCloseTo(-(Math.log(0.4) + Math.log(0.6)) / 2, 12);
  });

  it('flip_shift: also shifted one pixel up-left and down-right (mirrored or not), half the weight in all', () => {
    const { net, seen } = viewNet(4);
    const { predictions, loss } = measure(net, SET, 2, 4, new Float64Array(1), 4, CLASSES, 'flip_shift');
    expect(new Set(seen)).toEqual(
      new Set([null, { dx: 0, dy: 0, flip: true }, { dx: -1, dy: -1, flip: false }, { dx: -1, dy: -1, flip: true }, { dx: 1, dy: 1, flip: false }, { dx: 1, dy: 1, flip: true }].map((v) => JSON.stringify(v))),
    );
    // Class 0: 0.5·0.6 = 0.3; class 1: 0.5·0.4 + 0.5·1 = 0.7 — the shifted views win.
    expect([...predictions]).toEqual([1, 1, 1, 1]);
    // Images 2–5 have labels 1, 0, 1, 0.
    expect(loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3)) / 2, 12);
  });
});
