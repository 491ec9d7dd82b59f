// dropout in ONNX: in evaluation it passes values unchanged, so an Identity that keeps the layer's name.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('Identity', ctx.inputs);
};
