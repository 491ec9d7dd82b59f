// gelu: the Gaussian error linear unit x·Φ(x), Φ the standard normal distribution function
// (exact, with erf — not the tanh approximation).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export const definition = activation({
  type: 'gelu',
  description: 'Gaussian error linear unit: x·Φ(x), with Φ the standard normal cumulative distribution, element-wise.',
  // gelu′ = Φ(x) + x·φ(x) needs x itself.
  gradient: { readsInputs: true, readsOutput: false },
});

export const gelu = { ...definition, kernels: { ts: tsElementwise({ keepsZero: true }), wasm: wasmElementwise({ keepsZero: true }) }, onnx: onnxForm, pytorch: pytorchForm };
