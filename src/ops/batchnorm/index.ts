// batchnorm: batch normalisation. In training, each channel is normalised with the mean
// and variance of its group of samples; in evaluation, with running averages of those.
//
// What "the batch" is, precisely: each training batch is cut into groups of `group`
// consecutive samples (the last may be smaller), and each group is normalised with its own
// statistics. Threads split batches in whole groups, so the statistics — and the results —
// do not depend on how many threads train. The running mean and variance average the
// groups' statistics once per step: running ← momentum·running + (1 − momentum)·batch.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface BatchNormOptions {
  readonly momentum: number;
  readonly epsilon: number;
  readonly scale: boolean;
  readonly center: boolean;
  readonly group: number;
  readonly lr_scale: number;
}

export const definition: OpDefinition<BatchNormOptions> = {
  type: 'batchnorm',
  description:
    'Batch normalisation: each channel minus its mean, over its standard deviation, times a trained scale, plus a trained shift. Training normalises each group of samples with its own statistics; evaluation uses running averages of them.',
  options: {
    group: {
      description: 'Samples whose statistics are computed together: each batch is cut into groups of this many (the last may be smaller). Threads split batches in whole groups, so results do not depend on the thread count.',
      type: 'integer',
      minimum: 1,
      maximum: 4096,
      default: 32,
    },
    momentum: { description: 'Of the running mean and variance used in evaluation: running ← momentum·running + (1 − momentum)·batch, once per step.', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9 },
    epsilon: { description: 'Added to the variance before its square root.', type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.00001 },
    scale: { description: 'Whether each channel has a trained scale γ (else 1).', type: 'boolean', default: true },
    center: { description: 'Whether each channel has a trained shift β (else 0).', type: 'boolean', default: true },
    lr_scale: { description: 'Factor on the learning rate of γ and β (airbench trains its shifts 64× faster); weight decay stays as it is.', type: 'number', exclusiveMinimum: 0, maximum: 10000, default: 1 },
  },
  arity: { min: 1, max: 1 },
  example: '- batchnorm',
  infer(layer, [input]) {
    const c = input!.channels;
    return {
      output: input!,
      params: [
        ...(layer.scale ? [{ suffix: 'gamma', shape: [c], init: { kind: 'constant', value: 1 }, role: 'norm', trainable: true, lrScale: layer.lr_scale } as const] : []),
        ...(layer.center ? [{ suffix: 'beta', shape: [c], init: { kind: 'constant', value: 0 }, role: 'norm', trainable: true, lrScale: layer.lr_scale } as const] : []),
      ],
      state: [
        { suffix: 'mean', shape: [c], init: 0 },
        { suffix: 'var', shape: [c], init: 1 },
      ],
      flops: 4 * elements(input!),
    };
  },
  describe: (layer) => [layer.group !== 32 ? `groups of ${layer.group}` : '', layer.scale ? '' : 'no scale', layer.center ? '' : 'no shift', layer.lr_scale !== 1 ? `lr × ${layer.lr_scale}` : ''].filter(Boolean).join(', '),
  gradient: { readsInputs: true, readsOutput: false },
  group: (layer) => layer.group,
};

export const batchnorm = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
