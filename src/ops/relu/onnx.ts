// relu in ONNX: Relu.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Relu', ctx.inputs);
};
