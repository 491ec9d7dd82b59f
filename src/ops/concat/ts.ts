// concat in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';

export const tsKernels: TsKernels = (op, plan) => {
  const y = plan.buffer(op.output);
  let offset = 0;
  const inputs = op.inputs.map((t, i) => {
    const x = plan.buffer(t);
    const entry = { i, x: bufferView(x), offset, accumulate: op.inputGrads[i] === 'accumulate', grad: op.inputGrads[i] !== 'none' };
    offset += x.channels;
    return entry;
  });
  const grads = inputs.filter((x) => x.grad);
  return {
    forward: [...op.inputs.map((t) => plan.values(t)), plan.values(op.output)],
    backward: grads.length > 0 ? [plan.grads(op.output), ...grads.map((x) => plan.grads(op.inputs[x.i]!))] : undefined,
    template: { name: op.name, y: bufferView(y), inputs, grads },
  };
};
