// Counter-based random bits: dropout masks as a function of (seed, step, layer, element)
// alone, so that both backends, any number of threads and the tests draw the same masks
// without sharing a generator; alternating flips as one of (seed, image, epoch). lowbias32
// is Chris Wellons' 32-bit integer hash (two multiply-xorshift rounds); the WebAssembly
// kernels compute the same, four at a time.

export function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The key of one layer's masks at one step: layers differ by their salt. */
export function maskKey(seed: number, step: number, salt: number): number {
  return lowbias32((lowbias32((seed ^ salt) >>> 0) + step) >>> 0);
}

/**
 * Whether element `element` (its index in the batch's tensor, channel-planar: ((sample·C +
 * c)·H + y)·W + x, sample counted in the whole batch) is kept: its bits are at least
 * `threshold` = round(rate·2³²).
 */
export function kept(key: number, element: number, threshold: number): boolean {
  return lowbias32((element ^ key) >>> 0) >= threshold;
}

/**
 * Alternating flip (airbench): image `index` is mirrored in epoch 0 by a coin of its own,
 * and in each later epoch the other way round from the one before.
 */
export function alternateFlip(seed: number, index: number, epoch: number): boolean {
  return ((lowbias32((lowbias32(seed >>> 0) ^ index) >>> 0) ^ epoch) & 1) === 1;
}
