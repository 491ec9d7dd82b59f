// add in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';

export const tsKernels: TsKernels = (op, plan) => {
  const y = plan.buffer(op.output);
  const inputs = op.inputs.map((t, i) => ({ i, x: bufferView(plan.buffer(t)), mode: op.inputGrads[i]!, accumulate: op.inputGrads[i] === 'accumulate', grad: op.inputGrads[i] !== 'none' }));
  return {
    forward: [...op.inputs.map((t) => plan.values(t)), plan.values(op.output)],
    backward: inputs.some((x) => x.grad) ? [plan.grads(op.output), ...op.inputs.flatMap((t, i) => (inputs[i]!.grad ? [plan.grads(t)] : []))] : undefined,
    template: { name: op.name, y: bufferView(y), inputs, grads: inputs.filter((x) => x.grad), rest: inputs.slice(1) },
  };
};
