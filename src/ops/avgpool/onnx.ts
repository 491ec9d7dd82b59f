// avgpool in ONNX: AveragePool, windows without padding (the last partial window dropped, as netc does).
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { AvgPoolOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  const { size, stride } = ctx.layer as LayerOf<AvgPoolOptions>;
  ctx.node('AveragePool', ctx.inputs, { kernel_shape: { ints: [size, size] }, strides: { ints: [stride, stride] } });
};
