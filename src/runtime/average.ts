// The exponential moving average of the weights (train.ema), evaluated instead of the
// weights themselves: avg ← decay·avg + (1 − decay)·w after each step.

export function updateAverage(average: Float32Array | Float64Array, values: Float32Array | Float64Array, decay: number): void {
  for (let i = 0; i < values.length; i++) average[i] = decay * average[i]! + (1 - decay) * values[i]!;
}

/** Exchanges the contents of two arrays of one length (the weights and their average). */
export function swapContents(a: Float32Array | Float64Array, b: Float32Array | Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const t = a[i]!;
    a[i] = b[i]!;
    b[i] = t;
  }
}
