// dense in ONNX: a Conv whose kernel covers its whole input. netc flattens channel by
// channel, so the weights [units][c·h·w] are the kernels [units][c][h][w] as they are, and
// the output stays 4-D (units × 1 × 1) for whatever reads it.
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  const { height, width } = ctx.inputShapes[0]!;
  const bias = ctx.param('b');
  ctx.node('Conv', [ctx.inputs[0]!, ctx.param('w', [ctx.outputShape.channels, ctx.inputShapes[0]!.channels, height, width])!, ...(bias ? [bias] : [])], {
    kernel_shape: { ints: [height, width] },
  });
};
