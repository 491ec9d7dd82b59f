// maxpool in the TypeScript backend: what ts.hbs prints.
import type { GraphOp } from '../../lower/graph.js';
import { bufferView, type TsKernels, windowView } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import type { MaxPoolOptions } from './index.js';

export const tsKernels: TsKernels = (op: GraphOp, plan) => {
  const layer = op.layer as LayerOf<MaxPoolOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const y = plan.buffer(op.output);
  const window = windowView(x, layer.size, layer.stride, 0);
  const mode = op.inputGrads[0]!;
  const arg = plan.extra(op, 'arg');
  return {
    forward: [plan.values(xId!), plan.values(op.output), arg],
    backward: mode === 'none' ? undefined : [plan.grads(op.output), arg, plan.grads(xId!)],
    extras: [{ suffix: 'arg', type: 'Int32Array', perSample: y.sampleStride, what: `where each window maximum of ${op.name} was` }],
    template: {
      name: op.name,
      ...window,
      x: bufferView(x),
      y: bufferView(y),
      first: window.taps[0]!,
      rest: window.taps.slice(1),
      restRowTaps: window.rowTaps.slice(1),
      accumulate: mode === 'accumulate',
    },
  };
};
