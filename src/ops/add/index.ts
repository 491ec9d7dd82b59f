// add: the elementwise sum of two or more layers' outputs of the same shape (a residual
// connection).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { formatShape } from '../../infer/shape.js';
import { elements, sameShape } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export const definition: OpDefinition = {
  type: 'add',
  description: 'The elementwise sum of the outputs of the layers named in `inputs` (two or more, all of one shape): a residual connection.',
  options: {},
  arity: { min: 2, max: 8 },
  example: '- add: {inputs: [bn2, shortcut]}',
  infer(layer, inputs, ctx) {
    const first = inputs[0]!;
    const other = inputs.findIndex((shape) => !sameShape(shape, first));
    if (other > 0) {
      ctx.fail(
        'inputs',
        `${layer.name}: its inputs differ in shape: ${ctx.from(0)} and ${ctx.from(other)}; an add needs them equal`,
        first.channels !== inputs[other]!.channels
          ? 'give both branches the same number of channels (a 1×1 conv on the shortcut, for one)'
          : `bring both to ${formatShape(first)} (the same strides and pooling on each branch)`,
      );
    }
    return { output: first, flops: (inputs.length - 1) * elements(first) };
  },
  describe: (_layer, inputs) => `${inputs.length} inputs`,
  gradient: { readsInputs: false, readsOutput: false },
};

export const add = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
