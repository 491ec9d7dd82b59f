// relu: max(0, x), elementwise; in place when nothing else reads its input.
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export const definition = activation({
  type: 'relu',
  description: 'Rectified linear unit: max(0, x), element-wise.',
  gradient: { readsInputs: false, readsOutput: true, inPlace: true, sparsifies: true },
});

export const relu = { ...definition, kernels: { ts: tsElementwise({ keepsZero: true }), wasm: wasmElementwise({ keepsZero: true }) }, onnx: onnxForm, pytorch: pytorchForm };
