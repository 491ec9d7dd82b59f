// batchnorm in ONNX: BatchNormalization in inference mode, with the running statistics; a
// missing scale is ones, a missing shift zeros.
import type { OnnxForm } from '../../export/onnx.js';
import type { LayerOf } from '../types.js';
import type { BatchNormOptions } from './index.js';

export const onnxForm: OnnxForm = (ctx) => {
  const { epsilon } = ctx.layer as LayerOf<BatchNormOptions>;
  const c = ctx.outputShape.channels;
  const gamma = ctx.param('gamma') ?? ctx.floats('gamma', Array(c).fill(1), [c]);
  const beta = ctx.param('beta') ?? ctx.floats('beta', Array(c).fill(0), [c]);
  ctx.node('BatchNormalization', [ctx.inputs[0]!, gamma, beta, ctx.state('mean'), ctx.state('var')], { epsilon: { float: epsilon } });
};
