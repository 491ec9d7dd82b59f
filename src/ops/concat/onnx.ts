// concat in ONNX: Concat along the channels (axis 1 of NCHW).
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Concat', ctx.inputs, { axis: { int: 1 } });
};
