// globalavgpool in ONNX: GlobalAveragePool.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  ctx.node('GlobalAveragePool', ctx.inputs);
};
