// dense: fully connected; flattens whatever it gets (channels, then rows, then columns).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements, INIT_OPTION, type InitOptions, TRAINABLE_OPTION, weightInit } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface DenseOptions {
  readonly units: number;
  readonly bias: boolean;
  readonly init: InitOptions;
  readonly trainable: boolean;
}

export const definition: OpDefinition<DenseOptions> = {
  type: 'dense',
  description: 'Fully connected: every output is a weighted sum of all inputs (height × width × channels, flattened), plus a bias.',
  options: {
    units: { description: 'Outputs.', type: 'integer', minimum: 1, maximum: 65536 },
    bias: { description: 'Whether each output adds a trained bias.', type: 'boolean', default: true },
    init: INIT_OPTION,
    trainable: TRAINABLE_OPTION,
  },
  required: ['units'],
  arity: { min: 1, max: 1 },
  example: '- dense: {units: 10}',
  infer(layer, [input], ctx) {
    if (layer.init.identity || layer.init.whiten) ctx.fail('init', `${layer.name}: ${layer.init.identity ? 'identity' : 'whitening'} initialisation is for convolutions`, `remove init.${layer.init.identity ? 'identity' : 'whiten'}`);
    const fanIn = ctx.exact(elements(input!));
    const weights = { suffix: 'w', shape: [layer.units, fanIn], init: weightInit(layer.init, fanIn), role: 'weight', trainable: layer.trainable } as const;
    const bias = { suffix: 'b', shape: [layer.units], init: { kind: 'constant', value: layer.init.bias }, role: 'bias', trainable: layer.trainable } as const;
    return { output: { height: 1, width: 1, channels: layer.units }, params: layer.bias ? [weights, bias] : [weights], flops: ctx.exact(2 * fanIn * layer.units) };
  },
  describe: (layer) => `${layer.units} units${layer.bias ? '' : ', no bias'}${layer.trainable ? '' : ', frozen'}`,
  gradient: { readsInputs: true, readsOutput: false },
};

export const dense = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
