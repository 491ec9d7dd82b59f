// dropout in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import { salt, threshold, type DropoutOptions } from './index.js';

export const tsKernels: TsKernels = (op, plan) => {
  const layer = op.layer as LayerOf<DropoutOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const mode = op.inputGrads[0]!;
  return {
    forward: [plan.values(xId!), plan.values(op.output)],
    backward: mode === 'none' ? undefined : [plan.grads(op.output), plan.grads(xId!)],
    template: {
      name: op.name,
      x: bufferView(x),
      y: bufferView(plan.buffer(op.output)),
      rate: layer.rate,
      scale: 1 / (1 - layer.rate),
      salt: salt(op.name),
      threshold: threshold(layer.rate),
      inPlace: op.inPlace,
      accumulate: mode === 'accumulate',
    },
  };
};
