// conv: a 2-D convolution with square kernels, any stride and zero padding, with or
// without a bias.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements, INIT_OPTION, type InitOptions, TRAINABLE_OPTION, weightInit, windowedShape } from '../common.js';
import type { LayerOf, OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export interface ConvOptions {
  readonly filters: number;
  readonly size: number;
  readonly stride: number;
  readonly padding: number;
  readonly bias: boolean;
  readonly init: InitOptions;
  readonly trainable: boolean;
}

export const definition: OpDefinition<ConvOptions> = {
  type: 'conv',
  description: 'A 2-D convolution with square kernels: each of `filters` output channels sums a size×size window over all input channels, plus a bias.',
  options: {
    filters: { description: 'Output channels.', type: 'integer', minimum: 1, maximum: 4096 },
    size: { description: 'Kernel height and width.', type: 'integer', minimum: 1, maximum: 31 },
    stride: { description: 'Step between windows.', type: 'integer', minimum: 1, maximum: 31, default: 1 },
    padding: { description: 'Zeros added on each side of the input.', type: 'integer', minimum: 0, maximum: 30, default: 0 },
    bias: { description: 'Whether each output channel adds a trained bias (leave it out before batch normalisation, which has its own).', type: 'boolean', default: true },
    init: INIT_OPTION,
    trainable: TRAINABLE_OPTION,
  },
  required: ['filters', 'size'],
  arity: { min: 1, max: 1 },
  example: '- conv: {filters: 16, size: 3, padding: 1}',
  infer(layer, [input], ctx) {
    const { size, stride, padding, filters, name } = layer;
    if (padding >= size) {
      ctx.fail('padding', `${name}: padding ${padding} is not smaller than the kernel size ${size}; the extra rows and columns would see only zeros`, `use padding ≤ ${size - 1}`);
    }
    const output = windowedShape(input!, size, stride, padding, filters, 'kernel', ctx, name);
    const fanIn = ctx.exact(size * size * input!.channels);
    if (layer.init.whiten && filters !== 2 * fanIn) {
      ctx.fail('filters', `${name}: whitening filters come in ${fanIn} pairs (one a ${size}×${size}×${input!.channels} patch dimension, and its negative); found filters: ${filters}`, `set filters: ${2 * fanIn}`);
    }
    if (layer.init.whiten && layer.init.identity) ctx.fail('init', `${name}: init.whiten and init.identity are two ways to start; choose one`);
    if (layer.init.whiten && ctx.from(0) !== `the network input (${input!.height}×${input!.width}×${input!.channels})`) {
      ctx.fail('init', `${name}: whitening filters are computed from the images, so the layer must read the network's input; it reads ${ctx.from(0)}`, 'make it the first layer');
    }
    const weights = { suffix: 'w', shape: [filters, input!.channels, size, size], init: weightInit(layer.init, fanIn), role: 'weight', trainable: layer.trainable } as const;
    const bias = { suffix: 'b', shape: [filters], init: { kind: 'constant', value: layer.init.bias }, role: 'bias', trainable: layer.trainable } as const;
    ctx.exact(fanIn * filters);
    return { output, params: layer.bias ? [weights, bias] : [weights], flops: ctx.exact(2 * elements(output) * fanIn) };
  },
  describe(layer, [input]) {
    return `${layer.size}×${layer.size}, ${input!.channels}→${layer.filters}${layer.stride !== 1 ? `, stride ${layer.stride}` : ''}${layer.padding ? `, pad ${layer.padding}` : ''}${layer.bias ? '' : ', no bias'}${layer.init.whiten ? ', whitening' : ''}${layer.trainable ? '' : ', frozen'}`;
  },
  gradient: { readsInputs: true, readsOutput: false },
  border: (layer) => layer.padding,
  outputGradBorder: (op) => {
    const layer = op.layer as LayerOf<ConvOptions>;
    return op.inputGrads[0] !== 'none' && layer.stride === 1 ? layer.size - 1 - layer.padding : 0;
  },
};

export const conv = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
