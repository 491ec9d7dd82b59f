// leaky_relu: x where x > 0, slope·x elsewhere; in place when nothing else reads its input.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import type { LayerOf } from '../types.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export interface LeakyReluOptions {
  readonly slope: number;
}

export const definition = activation<LeakyReluOptions>({
  type: 'leaky_relu',
  description: 'Leaky rectified linear unit: x where x > 0, slope·x elsewhere, element-wise.',
  options: { slope: { description: 'The slope for negative inputs.', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.01 } },
  // The output has the input's sign (slope ≥ 0), so the backward pass needs only the output.
  gradient: { readsInputs: false, readsOutput: true, inPlace: true },
  describe: (layer) => `slope ${layer.slope}`,
});

const slope = (op: { layer: unknown }) => ({ slope: (op.layer as LayerOf<LeakyReluOptions>).slope });

export const leaky_relu = { ...definition, kernels: { ts: tsElementwise({ keepsZero: true, fields: slope }), wasm: wasmElementwise({ keepsZero: true, fields: slope }) }, onnx: onnxForm, pytorch: pytorchForm };
