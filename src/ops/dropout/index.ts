// dropout: in training, each value is kept with probability 1 − rate (and scaled by
// 1/(1 − rate)) or zeroed; in evaluation, the identity. The masks are counter-based random
// bits (runtime/hash.ts) of the run's seed, the step, the layer and the value's index in
// the whole batch: the same on both backends and for any number of threads, and made
// again in the backward pass rather than stored.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface DropoutOptions {
  readonly rate: number;
}

export const definition: OpDefinition<DropoutOptions> = {
  type: 'dropout',
  description: 'Dropout: in training, each value is zeroed with probability `rate` and the others scaled by 1/(1 − rate); in evaluation, values pass unchanged. Masks follow the seed: the same seed, the same masks.',
  options: { rate: { description: 'The probability that a value is zeroed.', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.5 } },
  arity: { min: 1, max: 1 },
  example: '- dropout: {rate: 0.25}',
  infer: (_layer, [input]) => ({ output: input!, flops: elements(input!) }),
  describe: (layer) => `rate ${layer.rate}`,
  gradient: { readsInputs: false, readsOutput: false, inPlace: true },
};

export const dropout = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };

/** A layer's salt: the FNV-1a hash of its name (masks of different layers differ). */
export function salt(name: string): number {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(name, 'utf8')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

/** round(rate·2³²), the smallest kept value of the 32 random bits. */
export function threshold(rate: number): number {
  return Math.min(2 ** 32 - 1, Math.round(rate * 2 ** 32));
}
