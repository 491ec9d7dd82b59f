// tanh: the hyperbolic tangent, elementwise; in place when nothing else reads its input.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export const definition = activation({
  type: 'tanh',
  description: 'Hyperbolic tangent, element-wise.',
  // tanh′ = 1 − tanh²: the backward pass needs only the output.
  gradient: { readsInputs: false, readsOutput: true, inPlace: true },
});

export const tanh = { ...definition, kernels: { ts: tsElementwise({ keepsZero: true }), wasm: wasmElementwise({ keepsZero: true }) }, onnx: onnxForm, pytorch: pytorchForm };
