// maxpool in ONNX: MaxPool, windows without padding (the last partial window dropped, as netc does).
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { MaxPoolOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  const { size, stride } = ctx.layer as LayerOf<MaxPoolOptions>;
  ctx.node('MaxPool', ctx.inputs, { kernel_shape: { ints: [size, size] }, strides: { ints: [stride, stride] } });
};
