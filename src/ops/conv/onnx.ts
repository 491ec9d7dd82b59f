// conv in ONNX: Conv, its weights [co][ci][k][k] already ONNX's OIHW.
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { ConvOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  const { size, stride, padding } = ctx.layer as LayerOf<ConvOptions>;
  const bias = ctx.param('b');
  ctx.node('Conv', [ctx.inputs[0]!, ctx.param('w')!, ...(bias ? [bias] : [])], {
    kernel_shape: { ints: [size, size] },
    strides: { ints: [stride, stride] },
    pads: { ints: [padding, padding, padding, padding] },
  });
};
