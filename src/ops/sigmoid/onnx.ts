// sigmoid in ONNX: Sigmoid.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Sigmoid', ctx.inputs);
};
