// Functions JavaScript's Math lacks, for the TypeScript kernels (copied into every trainer).

/**
 * The error function, accurate to about 1e-16: the series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ·x^(2n+1)/(1·3·…·(2n+1)), whose terms are all positive (no
 * cancellation); beyond |x| = 6, erf is ±1 to double precision.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}
