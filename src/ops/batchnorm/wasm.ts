// batchnorm in the WebAssembly backend: four channels at a time, per group of samples;
// per-channel sums kept in a small scratch area. γ, β and the running statistics are
// packed (padded to the stored channels) once per step.
import { bufferView, F, type Packing, type WasmKernels } from '../../emit/wasm/plan.js';
import type { LayerOf } from '../types.js';
import type { BatchNormOptions } from './index.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const layer = op.layer as LayerOf<BatchNormOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const c = x.channels;
    const cpBytes = x.cp * F;
    const groups = Math.ceil(plan.graph.batch / layer.group);
    const mode = op.inputGrads[0]!;
    const padded = (name: string, from: Packing['from'], shared: boolean): Packing => ({ name, from, kind: 'rows', to: shared ? plan.takeShared(cpBytes) : plan.take(cpBytes), shared, outputs: c, inputs: 1, taps: 1, width: x.cp, flip: false, swap: false });
    const packs: Packing[] = [padded(`${op.name} running mean, padded`, op.state.mean!, true), padded(`${op.name} running variance, padded`, op.state.var!, true)];
    if (layer.scale) packs.push(padded(`${op.name} γ, padded`, op.params.gamma!, true));
    if (layer.center) packs.push(padded(`${op.name} β, padded`, op.params.beta!, true));
    const at = (suffix: string) => packs.find((p) => p.from.name === `${op.name}_${suffix}`)?.to;
    const unpacks: Packing[] = [];
    if (layer.scale && op.params.gamma!.trainable) unpacks.push(padded(`d${op.name}_gamma, padded`, op.params.gamma!, false));
    if (layer.center && op.params.beta!.trainable) unpacks.push(padded(`d${op.name}_beta, padded`, op.params.beta!, false));
    const stats = plan.takeShared(groups * 2 * cpBytes);
    const saved = plan.take(groups * 2 * cpBytes);
    // Scratch: per-channel sums and the coefficients made from them.
    const scratch = { sum: plan.take(cpBytes), squares: plan.take(cpBytes), k: plan.take(cpBytes), shift: plan.take(cpBytes) };
    return {
      backward: mode !== 'none' || unpacks.length > 0,
      packs,
      unpacks,
      updates: [{ stats, groups, channels: c, stride: x.cp, mean: op.state.mean!.name, variance: op.state.var!.name, momentum: layer.momentum }],
      template: {
        name: op.name,
        x: bufferView(x),
        y: bufferView(y),
        group: layer.group,
        epsilon: layer.epsilon,
        scale: layer.scale,
        center: layer.center,
        gamma: at('gamma'),
        beta: at('beta'),
        mean: at('mean'),
        variance: at('var'),
        dgamma: unpacks.find((p) => p.from.name.endsWith('_gamma'))?.to,
        dbeta: unpacks.find((p) => p.from.name.endsWith('_beta'))?.to,
        stats,
        saved,
        savedGroup: 2 * cpBytes,
        cpBytes,
        ...scratch,
        // The pixel loops: x (values), y (values or gradients), dx as x's values moved to its gradient.
        xStart: x.at + x.originBytes,
        yStart: y.at + y.originBytes,
        dyStart: y.gradAt + y.originBytes,
        dxDelta: x.gradAt - x.at,
        xSample: x.sampleBytes,
        ySample: y.sampleBytes,
        xRow: x.rowBytes,
        yRow: y.rowBytes,
        xPixel: x.pixelBytes,
        yPixel: y.pixelBytes,
        height: x.height,
        width: x.width,
        pixels: x.height * x.width,
        inputGrad: mode !== 'none',
        accumulate: mode === 'accumulate',
      },
    };
  },
};
