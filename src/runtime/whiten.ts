// Whitening filters (init.whiten): a first convolution that decorrelates the pixels of
// its size×size patches. From the training images' patches (prepared as the network sees
// them), their second-moment matrix C = E[p·pᵀ]; its eigenvectors v with eigenvalues λ give
// the filters v/sqrt(λ + ε) and their negatives (after Keller Jordan's airbench, which
// trains a network like this one to 94% on CIFAR-10 in seconds).

/**
 * ε added to each eigenvalue, relative to the patches' mean variance (trace C / dim):
 * airbench's 5e-4 is for pixels normalised to unit variance, and this keeps its meaning
 * whatever the pixel scale.
 */
export const WHITEN_EPSILON = 5e-4;
/** Patches are taken from at most this many images (the first ones). */
export const WHITEN_IMAGES = 5000;

export interface WhitenSpec {
  /** The weight view's offset in the parameters, and the filter geometry. */
  readonly offset: number;
  readonly filters: number;
  readonly channels: number;
  readonly size: number;
}

/**
 * The whitening weights, [filters][channels][size][size]: `images` are count × channels ×
 * height × width bytes, prepared as byte·scale − mean[channel].
 */
export function whiteningWeights(images: Uint8Array, count: number, shape: { height: number; width: number; channels: number }, scale: number, mean: Float64Array, size: number): Float64Array {
  const { height, width, channels } = shape;
  const dim = channels * size * size;
  const moment = new Float64Array(dim * dim);
  const patch = new Float64Array(dim);
  const plane = height * width;
  let patches = 0;
  for (let i = 0; i < Math.min(count, WHITEN_IMAGES); i++) {
    const image = i * channels * plane;
    for (let y = 0; y + size <= height; y++) {
      for (let x = 0; x + size <= width; x++) {
        for (let c = 0; c < channels; c++) {
          for (let ky = 0; ky < size; ky++) {
            for (let kx = 0; kx < size; kx++) patch[(c * size + ky) * size + kx] = images[image + c * plane + (y + ky) * width + x + kx]! * scale - mean[c]!;
          }
        }
        for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) moment[a * dim + b] = moment[a * dim + b]! + patch[a]! * patch[b]!;
        patches++;
      }
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      moment[a * dim + b] = moment[a * dim + b]! / patches;
      moment[b * dim + a] = moment[a * dim + b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += moment[a * dim + a]!;
  const epsilon = (WHITEN_EPSILON * trace) / dim;
  const { values, vectors } = symmetricEigen(moment, dim);
  const weights = new Float64Array(2 * dim * dim);
  for (let k = 0; k < dim; k++) {
    const scaleK = 1 / Math.sqrt(values[k]! + epsilon);
    for (let j = 0; j < dim; j++) {
      weights[k * dim + j] = vectors[j * dim + k]! * scaleK;
      weights[(dim + k) * dim + j] = -vectors[j * dim + k]! * scaleK;
    }
  }
  return weights;
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns of `vectors`, row-major n × n) of a
 * symmetric matrix, by cyclic Jacobi rotations; each eigenvector's sign is fixed so its
 * largest component is positive, so the result does not depend on rounding.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    let largest = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + from]!) > Math.abs(largest)) largest = v[k * n + from]!;
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + to] = sign * v[k * n + from]!;
  });
  return { values, vectors };
}
