// globalavgpool: the mean of each channel over the whole image: height × width × channels →
// 1 × 1 × channels.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { elements } from '../common.js';
import type { OpDefinition } from '../types.js';
import { tsKernels } from './ts.js';
import { wasmKernels } from './wasm.js';

export const definition: OpDefinition = {
  type: 'globalavgpool',
  description: 'Global average pooling: the mean of each channel over the whole image (height × width × channels → 1 × 1 × channels).',
  options: {},
  arity: { min: 1, max: 1 },
  example: '- globalavgpool',
  infer: (_layer, [input]) => ({ output: { height: 1, width: 1, channels: input!.channels }, flops: elements(input!) }),
  describe: (_layer, [input]) => `${input!.height}×${input!.width} → 1×1`,
  gradient: { readsInputs: false, readsOutput: false },
};

export const globalavgpool = { ...definition, kernels: { ts: tsKernels, wasm: wasmKernels }, onnx: onnxForm, pytorch: pytorchForm };
