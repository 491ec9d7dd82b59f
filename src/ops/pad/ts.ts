// pad in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';

export const tsKernels: TsKernels = (op, plan) => {
  const [xId] = op.inputs;
  const mode = op.inputGrads[0]!;
  return {
    forward: [plan.values(xId!), plan.values(op.output)],
    backward: mode === 'none' ? undefined : [plan.grads(op.output), plan.grads(xId!)],
    template: { name: op.name, x: bufferView(plan.buffer(xId!)), y: bufferView(plan.buffer(op.output)), accumulate: mode === 'accumulate' },
  };
};
