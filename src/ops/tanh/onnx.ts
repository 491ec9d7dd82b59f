// tanh in ONNX: Tanh.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Tanh', ctx.inputs);
};
