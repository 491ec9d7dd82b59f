// Batch normalisation's running statistics, updated once per training step from the
// statistics of that batch's groups (each thread wrote its own groups' slots). Both
// backends call this after the optimiser step, on the thread that steps.

/**
 * `stats` holds, per group slot, `stride` means then `stride` unbiased variances (the
 * first `channels` of each used). The batch's mean and variance are the averages over
 * its `groups` groups, in slot order; running ← momentum·running + (1 − momentum)·batch.
 */
export function updateRunningStats(stats: ArrayLike<number>, groups: number, channels: number, stride: number, mean: Float32Array | Float64Array, variance: Float32Array | Float64Array, momentum: number): void {
  for (let c = 0; c < channels; c++) {
    let m = 0;
    let v = 0;
    for (let g = 0; g < groups; g++) {
      m += stats[g * 2 * stride + c]!;
      v += stats[g * 2 * stride + stride + c]!;
    }
    mean[c] = momentum * mean[c]! + ((1 - momentum) * m) / groups;
    variance[c] = momentum * variance[c]! + ((1 - momentum) * v) / groups;
  }
}
