// avgpool: the mean of each size×size window, per channel.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements, windowedShape, windowText } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface AvgPoolOptions {
  readonly size: number;
  readonly stride: number;
}

export const definition: OpDefinition<AvgPoolOptions> = {
  type: 'avgpool',
  description: 'Average pooling: the mean of each size×size window, per channel.',
  options: {
    size: { description: 'Window height and width.', type: 'integer', minimum: 1, maximum: 31, default: 2 },
    stride: { description: 'Step between windows. Default: the window size (windows side by side).', type: 'integer', minimum: 1, maximum: 31 },
  },
  arity: { min: 1, max: 1 },
  example: '- avgpool: {size: 2}',
  complete: (options) => ({ ...options, stride: options.stride ?? options.size }),
  infer(layer, [input], ctx) {
    const output = windowedShape(input!, layer.size, layer.stride, 0, input!.channels, 'pooling window', ctx, layer.name);
    return { output, flops: elements(output) * layer.size * layer.size };
  },
  describe: (layer) => windowText(layer.size, layer.stride, layer.size),
  gradient: { readsInputs: false, readsOutput: false },
};

export const avgpool = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
