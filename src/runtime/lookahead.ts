// Lookahead towards a slow average of the weights, as Keller Jordan's airbench does it.
import type { Checkpoint } from './checkpoint.js';
import { DataError } from './images.js';
import type { Trainable } from './net.js';

/**
 * Lookahead (airbench's form): every `every` steps, the weights and running statistics and
 * their slow average both become d·average + (1 − d)·weights, d = decay·(t/T)³; after the
 * last step the weights are the average.
 */
export class Lookahead {
  private readonly params: Float32Array | Float64Array;
  private readonly state: Float32Array | Float64Array;

  constructor(
    private readonly net: Trainable,
    private readonly decay: number,
    private readonly every: number,
    private readonly iterations: number,
  ) {
    this.params = net.params.slice();
    this.state = net.state.slice();
  }

  get tensors(): Record<string, Float32Array | Float64Array> {
    return { lookahead: this.params, lookaheadState: this.state };
  }

  restore(checkpoint: Checkpoint, file: string): void {
    for (const [name, array] of Object.entries(this.tensors)) {
      const saved = checkpoint.tensors[name];
      if (!saved || saved.length !== array.length) throw new DataError(file, `is not a usable checkpoint: it holds no ${name} of ${array.length} values`, 'resume with the config that started the run');
      array.set(saved);
    }
  }

  update(iteration: number): void {
    const last = iteration === this.iterations;
    if (iteration % this.every !== 0 && !last) return;
    const d = last ? 1 : this.decay * (iteration / this.iterations) ** 3;
    for (const [average, values] of [[this.params, this.net.params], [this.state, this.net.state]] as const) {
      for (let i = 0; i < values.length; i++) {
        average[i] = d * average[i]! + (1 - d) * values[i]!;
        values[i] = average[i]!;
      }
    }
  }
}
