// lower: the shape table → the IR. A list of small passes, in order:
//   1. allocate   one activation buffer per layer output; relu works in place
//   2. pad        give each buffer the zero border its consumers read (conv padding)
//   3. params     carve the one flat parameter array into named views, with their init
//   4. ops        one op per layer: strides, unrolled window taps, which need dL/dx,
//                 whose dL/dy is sparse (relu or maxpool follows), and for stride-1
//                 convs the gather form of dL/dx (padded dy, flipped taps)
//   5. verify     check the IR is self-consistent before anything is emitted
import type { LayerInfo, NetworkInfo } from '../infer/index.js';
import { DATASETS } from '../runtime/datasets.js';
import type { Buffer, DxGather, LayerSummary, Op, ParamView, Program, Tap, TrainerSettings, Unroll } from './ir.js';
import { verify } from './verify.js';

export type * from './ir.js';

/** Windows with more taps than this are unrolled one row at a time. */
export const MAX_UNROLLED_TAPS = 81;

interface BufferPlan {
  name: string;
  channels: number;
  height: number;
  width: number;
  pad: number;
}

export function lower(network: NetworkInfo): Program {
  const { plans, inputOf, outputOf } = allocate(network);
  pad(network, plans, inputOf);
  const buffers = new Map([...plans].map(([name, plan]) => [name, finish(plan)]));
  const { views, count } = layoutParameters(network);
  const ops = network.layers.map((info) => buildOp(info, buffers.get(inputOf[info.index]!)!, buffers.get(outputOf[info.index]!)!, views, network));
  const logits = buffers.get(outputOf[network.layers.length - 1]!)!;
  const program: Program = {
    name: network.config.name,
    batch: network.config.train.batch_size,
    classes: network.classes,
    input: buffers.get('input')!,
    params: [...views.values()].flat(),
    paramCount: count,
    buffers: [...buffers.values()].filter((b) => b.name !== 'input'),
    scratch: ops.flatMap((op) => (op.kind === 'conv' && op.dxGather ? [op.dxGather.buffer] : [])),
    ops,
    loss: { kind: 'softmax_cross_entropy', logits, classes: network.classes },
    layers: network.layers.map(summarise),
    trainer: trainerSettings(network),
  };
  verify(program, network);
  return program;
}

/** Pass 1: the buffer each layer reads and writes. */
function allocate(network: NetworkInfo) {
  const { input } = network;
  const plans = new Map<string, BufferPlan>([['input', { name: 'input', ...input, pad: 0 }]]);
  const inputOf: string[] = [];
  const outputOf: string[] = [];
  let current = 'input';
  for (const info of network.layers) {
    inputOf.push(current);
    // relu rewrites its input in place: y > 0 exactly where x > 0, so the backward pass
    // needs only y, and a separate buffer would cost memory and bandwidth.
    if (info.layer.type !== 'relu') {
      current = `${info.layer.name}_out`;
      plans.set(current, { name: current, ...info.output, pad: 0 });
    }
    outputOf.push(current);
  }
  return { plans, inputOf, outputOf };
}

/** Pass 2: a conv with padding p reads a zero border of p around its input. */
function pad(network: NetworkInfo, plans: Map<string, BufferPlan>, inputOf: string[]): void {
  for (const info of network.layers) {
    if (info.layer.type === 'conv') {
      const plan = plans.get(inputOf[info.index]!)!;
      plan.pad = Math.max(plan.pad, info.layer.padding);
    }
  }
}

function finish(plan: BufferPlan): Buffer {
  const rowStride = plan.width + 2 * plan.pad;
  const channelStride = rowStride * (plan.height + 2 * plan.pad);
  return {
    ...plan,
    rowStride,
    channelStride,
    sampleStride: channelStride * plan.channels,
    origin: plan.pad * rowStride + plan.pad,
  };
}

/** Pass 3: weights then biases of each layer, in layer order, in one flat array. */
function layoutParameters(network: NetworkInfo): { views: Map<string, ParamView[]>; count: number } {
  const views = new Map<string, ParamView[]>();
  let offset = 0;
  for (const info of network.layers) {
    const { layer } = info;
    if (layer.type !== 'conv' && layer.type !== 'dense') continue;
    const weightShape = layer.type === 'conv' ? [layer.filters, info.input.channels, layer.size, layer.size] : [layer.units, info.fanIn];
    const std = layer.init.scale * Math.sqrt(2 / info.fanIn);
    const weight: ParamView = { name: `${layer.name}_w`, layer: layer.name, offset, size: info.weights, shape: weightShape, init: { kind: 'normal', std } };
    offset += info.weights;
    const bias: ParamView = { name: `${layer.name}_b`, layer: layer.name, offset, size: info.biases, shape: [info.biases], init: { kind: 'constant', value: layer.init.bias } };
    offset += info.biases;
    views.set(layer.name, [weight, bias]);
  }
  return { views, count: offset };
}

/** Pass 4: the op of one layer. */
function buildOp(info: LayerInfo, x: Buffer, y: Buffer, views: Map<string, ParamView[]>, network: NetworkInfo): Op {
  const { layer, index } = info;
  // dL/dx is needed only when some earlier layer has parameters to train.
  const inputGrad = network.layers.slice(0, index).some((l) => l.params > 0);
  const base = { name: layer.name, layer: index, x, y, inputGrad };
  switch (layer.type) {
    case 'conv': {
      const [weight, bias] = views.get(layer.name)!;
      const dxGather = inputGrad && layer.stride === 1 ? gather(layer.name, y, layer.size, layer.padding) : null;
      return { ...base, kind: 'conv', sparseGrad: sparsifiers(network, index), dxGather, size: layer.size, stride: layer.stride, padding: layer.padding, weight: weight!, bias: bias!, ...window(layer.size, x) };
    }
    case 'maxpool':
      return { ...base, kind: 'maxpool', size: layer.size, stride: layer.stride, argmax: `${layer.name}_arg`, ...window(layer.size, x) };
    case 'relu':
      return { ...base, kind: 'relu' };
    case 'dense': {
      const [weight, bias] = views.get(layer.name)!;
      return { ...base, kind: 'dense', sparseGrad: sparsifiers(network, index), inputs: info.fanIn, units: layer.units, weight: weight!, bias: bias!, lanes: lanesFor(info.fanIn) };
    }
  }
}

/** dL/dx as a correlation of dy (bordered by size − 1 − padding) with flipped kernels. */
function gather(name: string, y: Buffer, size: number, padding: number): DxGather {
  const buffer = finish({ name: `${name}_dy_padded`, channels: y.channels, height: y.height, width: y.width, pad: size - 1 - padding });
  const taps = window(size, buffer).taps.map((tap) => ({ ...tap, index: size * size - 1 - tap.index }));
  return { buffer, taps };
}

/** The relu and maxpool layers right after layer `index` (they make its dL/dy sparse). */
function sparsifiers(network: NetworkInfo, index: number): string[] {
  const names: string[] = [];
  for (const info of network.layers.slice(index + 1)) {
    if (info.layer.type !== 'relu' && info.layer.type !== 'maxpool') break;
    names.push(info.layer.name);
  }
  return names;
}

/** The taps of a size×size window over buffer x, and how far to unroll them. */
function window(size: number, x: Buffer): { taps: Tap[]; unroll: Unroll } {
  const taps: Tap[] = [];
  for (let ky = 0; ky < size; ky++) {
    for (let kx = 0; kx < size; kx++) taps.push({ index: ky * size + kx, ky, kx, offset: ky * x.rowStride + kx });
  }
  return { taps, unroll: taps.length <= MAX_UNROLLED_TAPS ? 'full' : 'row' };
}

/** The most partial sums (up to 8) that divide the dot-product length evenly. */
function lanesFor(length: number): number {
  return [8, 4, 2].find((lanes) => length % lanes === 0) ?? 1;
}

function summarise(info: LayerInfo): LayerSummary {
  return {
    name: info.layer.name,
    type: info.layer.type,
    outputShape: [info.output.height, info.output.width, info.output.channels],
    params: info.params,
  };
}

function trainerSettings(network: NetworkInfo): TrainerSettings {
  const { data, train, report } = network.config;
  return {
    dataset: data.dataset,
    classNames: DATASETS[data.dataset].classNames,
    validation: data.validation,
    pixelScale: data.pixels === '0-1' ? 1 / 255 : 1,
    subtractMean: data.mean === 'channel',
    iterations: train.iterations,
    learningRate: train.learning_rate,
    schedule: train.schedule,
    warmup: train.warmup,
    augmentFlip: data.augment.flip,
    augmentCrop: data.augment.crop,
    momentum: train.momentum,
    weightDecay: train.weight_decay,
    seed: train.seed,
    reportEvery: report.every,
    smoothing: report.smoothing,
    validationBatches: report.validation_batches,
    threads: train.threads,
    backend: train.backend,
  };
}
