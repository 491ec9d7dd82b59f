// globalavgpool in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';

export const tsKernels: TsKernels = (op, plan) => {
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const mode = op.inputGrads[0]!;
  return {
    forward: [plan.values(xId!), plan.values(op.output)],
    backward: mode === 'none' ? undefined : [plan.grads(op.output), plan.grads(xId!)],
    template: { name: op.name, x: bufferView(x), y: bufferView(plan.buffer(op.output)), scale: 1 / (x.height * x.width), accumulate: mode === 'accumulate' },
  };
};
