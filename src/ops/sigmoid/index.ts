// sigmoid: the logistic function 1/(1 + e^−x), elementwise; in place when nothing else
// reads its input (it maps 0 to ½, so borders are kept out of its loops).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export const definition = activation({
  type: 'sigmoid',
  description: 'The logistic function 1/(1 + e^−x), element-wise.',
  // σ′ = σ·(1 − σ): the backward pass needs only the output.
  gradient: { readsInputs: false, readsOutput: true, inPlace: true },
});

export const sigmoid = { ...definition, kernels: { ts: tsElementwise({ keepsZero: false }), wasm: wasmElementwise({ keepsZero: false }) }, onnx: onnxForm, pytorch: pytorchForm };
