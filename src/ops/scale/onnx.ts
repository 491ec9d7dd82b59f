// scale in ONNX: Mul by the factor.
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { ScaleOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Mul', [ctx.inputs[0]!, ctx.floats('factor', [(ctx.layer as LayerOf<ScaleOptions>).factor], [])]);
};
