// concat: the outputs of several layers side by side along the channels.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { formatShape } from '../../infer/shape.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export const definition: OpDefinition = {
  type: 'concat',
  description: 'Concatenation along the channels: the outputs of the layers named in `inputs` (two or more, of one height and width) side by side, in that order.',
  options: {},
  arity: { min: 2, max: 16 },
  example: '- concat: {inputs: [branch1, branch2]}',
  infer(layer, inputs, ctx) {
    const first = inputs[0]!;
    const other = inputs.findIndex((s) => s.height !== first.height || s.width !== first.width);
    if (other > 0) {
      ctx.fail('inputs', `${layer.name}: its inputs differ in height or width: ${ctx.from(0)} and ${ctx.from(other)}; a concat joins channels of equal images`, `bring both to ${first.height}×${first.width} (the same strides and pooling on each branch), e.g. not ${formatShape(inputs[other]!)}`);
    }
    return { output: { ...first, channels: ctx.exact(inputs.reduce((n, s) => n + s.channels, 0)) }, flops: 0 };
  },
  describe: (_layer, inputs) => inputs.map((s) => s.channels).join(' + ') + ' channels',
  gradient: { readsInputs: false, readsOutput: false },
};

export const concat = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
