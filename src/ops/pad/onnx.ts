// pad in ONNX: Pad with zeros after the input's channels.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  const extra = ctx.outputShape.channels - ctx.inputShapes[0]!.channels;
  // Pads: the start of each axis (N, C, H, W), then the end of each.
  ctx.node('Pad', [ctx.inputs[0]!, ctx.int64s('pads', [0, 0, 0, 0, 0, extra, 0, 0])]);
};
