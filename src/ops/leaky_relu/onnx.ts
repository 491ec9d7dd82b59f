// leaky_relu in ONNX: LeakyRelu, alpha the slope.
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { LeakyReluOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('LeakyRelu', ctx.inputs, { alpha: { float: (ctx.layer as LayerOf<LeakyReluOptions>).slope } });
};
