// The learning rate at each iteration: an optional linear warm-up, then constant, cosine
// or linear decay to zero at the last iteration, or piecewise linear between given corners.

export type Schedule = 'constant' | 'cosine' | 'linear' | 'piecewise';

export function learningRateAt(iteration: number, iterations: number, settings: { learningRate: number; schedule: Schedule; warmup: number; schedulePoints?: readonly (readonly [number, number])[] }): number {
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
    case 'piecewise':
      return learningRate * piecewise(settings.schedulePoints ?? [], progress);
  }
}

/** The factor at `fraction` of training, linear between corners [fraction, factor] (fractions rising). */
export function piecewise(points: readonly (readonly [number, number])[], fraction: number): number {
  const after = points.findIndex(([at]) => at > fraction);
  if (after < 0) return points[points.length - 1]?.[1] ?? 1;
  if (after === 0) return points[0]![1];
  const [x0, y0] = points[after - 1]!;
  const [x1, y1] = points[after]!;
  return y0 + ((y1 - y0) * (fraction - x0)) / (x1 - x0);
}
