// dense in the TypeScript backend: what ts.hbs prints.
import type { GraphOp } from '../../lower/graph.js';
import { bufferView, plus, type TsKernels } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import type { DenseOptions } from './index.js';

/** The most partial sums (up to 8) that divide the dot-product length evenly. */
function lanesFor(length: number): number {
  return [8, 4, 2].find((lanes) => length % lanes === 0) ?? 1;
}

export const tsKernels: TsKernels = (op: GraphOp, plan) => {
  const layer = op.layer as LayerOf<DenseOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const y = plan.buffer(op.output);
  // A bordered input (a stride-1 conv's output, bordered for its gathered dL/dx) is read row
  // by row inside the border; partial sums then divide a row.
  const bordered = x.pad > 0;
  const inputs = x.channels * x.height * x.width;
  const lanes = Array.from({ length: lanesFor(bordered ? x.width : inputs) }, (_, lane) => ({ lane, off: plus(lane) }));
  const mode = op.inputGrads[0]!;
  const bias = layer.bias;
  const args = (...list: (string | false)[]) => list.filter((a): a is string => a !== false);
  return {
    forward: args(plan.values(xId!), plan.param(op, 'w'), bias && plan.param(op, 'b'), plan.values(op.output)),
    backward: args(plan.values(xId!), plan.param(op, 'w'), plan.grads(op.output), plan.paramGrad(op, 'w'), bias && plan.paramGrad(op, 'b'), mode !== 'none' && plan.grads(xId!)),
    template: {
      name: op.name,
      x: bufferView(x),
      y: bufferView(y),
      inputs,
      bordered,
      units: layer.units,
      lanes,
      laneCount: lanes.length,
      rest: lanes.slice(1),
      bias,
      inputGrad: mode !== 'none',
      accumulate: mode === 'accumulate',
      sparseGrad: op.sparseGrad.length > 0,
      sparseBecause: op.sparseGrad.join(' and '),
    },
  };
};
