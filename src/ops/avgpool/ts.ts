// avgpool in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels, windowView } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import type { AvgPoolOptions } from './index.js';

export const tsKernels: TsKernels = (op, plan) => {
  const layer = op.layer as LayerOf<AvgPoolOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const mode = op.inputGrads[0]!;
  return {
    forward: [plan.values(xId!), plan.values(op.output)],
    backward: mode === 'none' ? undefined : [plan.grads(op.output), plan.grads(xId!)],
    template: { name: op.name, ...windowView(x, layer.size, layer.stride, 0), x: bufferView(x), y: bufferView(plan.buffer(op.output)), scale: 1 / (layer.size * layer.size), accumulate: mode === 'accumulate' },
  };
};
