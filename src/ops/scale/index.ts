// scale: every value times a constant (airbench scales its logits by 1/9).
import { onnxForm } from './onnx.js';
import { pytorchForm } from './pytorch.js';
import { activation, tsElementwise } from '../elementwise.js';
import type { LayerOf } from '../types.js';
import { wasmElementwise } from '../wasm-elementwise.js';

export interface ScaleOptions {
  readonly factor: number;
}

export const definition = {
  ...activation<ScaleOptions>({
    type: 'scale',
    description: 'Every value times a constant factor (scaled logits keep the loss gentle at the start).',
    options: { factor: { description: 'The factor.', type: 'number', minimum: -1000, maximum: 1000 } },
    // dx = factor·dy needs neither x nor y; in place, it overwrites its input.
    gradient: { readsInputs: false, readsOutput: false, inPlace: true },
    describe: (layer) => `× ${layer.factor}`,
  }),
  required: ['factor'],
  example: '- scale: {factor: 0.125}',
};

const factor = (op: { layer: unknown }) => ({ factor: (op.layer as LayerOf<ScaleOptions>).factor });

export const scale = { ...definition, kernels: { ts: tsElementwise({ keepsZero: true, fields: factor }), wasm: wasmElementwise({ keepsZero: true, fields: factor }) }, onnx: onnxForm, pytorch: pytorchForm };
