// add in ONNX: Add for two inputs, Sum for more.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node(ctx.inputs.length === 2 ? 'Add' : 'Sum', ctx.inputs);
};
