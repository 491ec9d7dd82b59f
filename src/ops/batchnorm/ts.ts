// batchnorm in the TypeScript backend: what ts.hbs prints.
import { bufferView, type TsKernels } from '../../emit/ts/plan.js';
import type { LayerOf } from '../types.js';
import type { BatchNormOptions } from './index.js';

export const tsKernels: TsKernels = (op, plan) => {
  const layer = op.layer as LayerOf<BatchNormOptions>;
  const [xId] = op.inputs;
  const x = plan.buffer(xId!);
  const y = plan.buffer(op.output);
  const c = x.channels;
  const groups = Math.ceil(plan.graph.batch / layer.group);
  const mode = op.inputGrads[0]!;
  const scale = layer.scale ? plan.param(op, 'gamma') : undefined;
  const center = layer.center ? plan.param(op, 'beta') : undefined;
  const list = (...items: (string | undefined | false)[]) => items.filter((a): a is string => typeof a === 'string');
  const stats = plan.extra(op, 'stats');
  const saved = plan.extra(op, 'saved');
  return {
    forward: list(plan.values(xId!), scale, center, plan.state(op, 'mean'), plan.state(op, 'var'), plan.values(op.output), stats, saved),
    backward: list(plan.values(xId!), scale, plan.grads(op.output), layer.scale && plan.paramGrad(op, 'gamma'), layer.center && plan.paramGrad(op, 'beta'), mode !== 'none' && plan.grads(xId!), saved),
    extras: [
      { suffix: 'stats', type: 'float', size: groups * 2 * c, what: `the mean and unbiased variance of each of a batch's ${groups} groups, per channel (for the running statistics)`, shared: true },
      { suffix: 'saved', type: 'float', size: groups * 2 * c, what: `each of this thread's groups' mean and 1/sqrt(variance + ε), per channel, for the backward pass` },
    ],
    updates: [{ stats: `${op.name}_stats`, groups, channels: c, stride: c, mean: op.state.mean!.name, variance: op.state.var!.name, momentum: layer.momentum }],
    template: {
      name: op.name,
      x: bufferView(x),
      y: bufferView(y),
      channels: c,
      group: layer.group,
      epsilon: layer.epsilon,
      scale: layer.scale,
      center: layer.center,
      inputGrad: mode !== 'none',
      accumulate: mode === 'accumulate',
    },
  };
};
