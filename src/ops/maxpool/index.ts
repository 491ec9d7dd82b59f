// maxpool: the largest value of each size×size window, per channel.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { windowedShape, windowText } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface MaxPoolOptions {
  readonly size: number;
  readonly stride: number;
}

export const definition: OpDefinition<MaxPoolOptions> = {
  type: 'maxpool',
  description: 'Max pooling: the largest value of each size×size window, per channel.',
  options: {
    size: { description: 'Window height and width.', type: 'integer', minimum: 1, maximum: 31, default: 2 },
    stride: { description: 'Step between windows. Default: the window size (windows side by side).', type: 'integer', minimum: 1, maximum: 31 },
  },
  arity: { min: 1, max: 1 },
  example: '- maxpool: {size: 2}',
  complete: (options) => ({ ...options, stride: options.stride ?? options.size }),
  infer(layer, [input], ctx) {
    return { output: windowedShape(input!, layer.size, layer.stride, 0, input!.channels, 'pooling window', ctx, layer.name), flops: 0 };
  },
  describe: (layer) => windowText(layer.size, layer.stride, layer.size),
  // Its backward pass routes each window's gradient through the recorded argmax.
  gradient: { readsInputs: false, readsOutput: false, sparsifies: true },
};

export const maxpool = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
