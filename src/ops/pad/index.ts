// pad: more channels, the new ones zero (He et al.'s identity shortcut "option A", where a
// residual stage widens).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface PadOptions {
  readonly channels: number;
}

export const definition: OpDefinition<PadOptions> = {
  type: 'pad',
  description: 'Zero channels added after the input’s: the output has `channels` channels, the first ones the input’s (an identity shortcut that widens).',
  options: { channels: { description: 'Output channels: the input’s, then zeros up to this many.', type: 'integer', minimum: 1, maximum: 4096 } },
  required: ['channels'],
  arity: { min: 1, max: 1 },
  example: '- pad: {channels: 32}',
  infer(layer, [input], ctx) {
    if (layer.channels < input!.channels) {
      ctx.fail('channels', `${layer.name}: ${layer.channels} channels are fewer than its input's ${input!.channels}; pad only adds channels`, `use channels ≥ ${input!.channels}; the input is ${ctx.from(0)}`);
    }
    return { output: { ...input!, channels: layer.channels }, flops: 0 };
  },
  describe: (layer, [input]) => `${input!.channels}→${layer.channels}`,
  gradient: { readsInputs: false, readsOutput: false },
};

export const pad = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
