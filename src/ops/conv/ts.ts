// conv in the TypeScript backend: what ts.hbs prints.
import type { GraphOp } from '../../lower/graph.js';
import { bufferView, plus, type TsKernels, windowView } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import type { ConvOptions } from './index.js';

export const tsKernels: TsKernels = (op: GraphOp, plan) => {
  const layer = op.layer as LayerOf<ConvOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const y = plan.buffer(op.output);
  const dxMode = op.inputGrads[0]!;
  const bias = layer.bias;
  const args = (...list: (string | false)[]) => list.filter((a): a is string => a !== false);
  // dL/dx of a stride-1 conv is gathered: dy (with a zero border of size − 1 − padding, see
  // outputGradBorder) correlated with the flipped kernels. Strided, it is scattered from dw's loop.
  const k = layer.size;
  const flip = (tap: { index: number; kx: number }) => ({ ...tap, wOff: plus(k * k - 1 - tap.index), flipKx: k - 1 - tap.kx });
  const window = windowView(y, k, 1, k - 1 - layer.padding);
  const gather =
    dxMode !== 'none' && layer.stride === 1
      ? { ...window, rows: window.rows.map((row) => row.map(flip)), rowTaps: window.rowTaps.map(flip), dyStartPlus: window.xStartPlus, dyRowStep: window.xRowStep }
      : undefined;
  return {
    forward: args(plan.values(xId!), plan.param(op, 'w'), bias && plan.param(op, 'b'), plan.values(op.output)),
    backward: args(plan.values(xId!), plan.param(op, 'w'), plan.grads(op.output), plan.paramGrad(op, 'w'), bias && plan.paramGrad(op, 'b'), dxMode !== 'none' && plan.grads(xId!)),
    template: {
      name: op.name,
      ...windowView(x, layer.size, layer.stride, layer.padding),
      padding: layer.padding,
      x: bufferView(x),
      y: bufferView(y),
      cin: x.channels,
      cout: y.channels,
      kk: layer.size * layer.size,
      bias,
      inputGrad: dxMode !== 'none',
      scatter: dxMode !== 'none' && layer.stride !== 1,
      gather,
      accumulate: dxMode === 'accumulate',
      sparseGrad: op.sparseGrad.length > 0,
      sparseBecause: op.sparseGrad.join(' and '),
    },
  };
};
