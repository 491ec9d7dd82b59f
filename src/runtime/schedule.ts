// The learning rate at each iteration: an optional linear warm-up, then constant, cosine
// or linear decay to zero at the last iteration.

export type Schedule = 'constant' | 'cosine' | 'linear';

export function learningRateAt(iteration: number, iterations: number, settings: { learningRate: number; schedule: Schedule; warmup: number }): number {
  const { learningRate, schedule, warmup } = settings;
  if (iteration <= warmup) return (learningRate * iteration) / warmup;
  // Progress through the decay, from 0 at the first iteration after the warm-up to 1 after the last.
  const progress = (iteration - warmup - 1) / Math.max(1, iterations - warmup);
  switch (schedule) {
    case 'constant':
      return learningRate;
    case 'cosine':
      return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
    case 'linear':
      return learningRate * (1 - progress);
  }
}
