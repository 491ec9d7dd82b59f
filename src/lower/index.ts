// lower: the shape table → the graph IR. A list of small passes, in order:
//   1. tensors    one value per layer output, with its producer and consumers
//   2. params     carve the flat parameter and state arrays into named views, with their init
//   3. gradients  which tensors need a gradient (something before them trains)
//   4. in place   an op that may overwrite its input does so when it is the input's only reader
//   5. storage    the memory of each tensor (shared in place), with the zero border its readers need
//   6. modes      per op input: the first backward pass to reach a gradient writes it, later ones add
//   7. sparsity   whose dL/dy is mostly zero (relu or maxpool read it): their backward skips zeros
//   8. verify     check the graph is self-consistent before any backend plans it
import type { LayerInfo, NetworkInfo } from '../infer/index.js';
import { opOf } from '../ops/index.js';
import { DATASETS } from '../runtime/datasets.js';
import type { GradMode, Graph, GraphOp, LayerSummary, OptimizerSpec, ParamView, StateView, Storage, Tensor, TrainerSettings } from './graph.js';
import { verify } from './verify.js';

export type * from './graph.js';
export { INPUT } from './graph.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function lower(network: NetworkInfo, options: LowerOptions = {}): Graph {
  const { tensors, outputOf } = buildTensors(network);
  const { params, paramCount, state, stateCount, byLayer } = layoutParameters(network);
  markGradients(network, tensors, outputOf);
  const inPlace = chooseInPlace(network, tensors, outputOf);
  const storages = assignStorage(network, tensors, outputOf, inPlace);
  const ops: GraphOp[] = network.layers.map((info, index) => {
    const op = opOf(info.layer.type)!;
    const views = byLayer.get(info.layer.name) ?? { params: {}, state: {} };
    const trains = Object.values(views.params).some((p) => p.trainable);
    const inputs = info.layer.inputs.map((name) => (name === 'input' ? 0 : outputOf.get(name)!));
    return {
      index,
      name: info.layer.name,
      type: info.layer.type,
      op,
      layer: info.layer,
      info,
      inputs,
      output: outputOf.get(info.layer.name)!,
      params: views.params,
      state: views.state,
      inputGrads: [],
      backward: trains || inputs.some((t) => tensors[t]!.needsGrad),
      inPlace: inPlace.has(index),
      sparseGrad: [],
    };
  });
  assignGradModes(ops, tensors);
  markSparseGradients(ops, tensors);
  const last = ops[ops.length - 1]!;
  const unit = splitUnit(network);
  const batch = network.config.train.batch_size;
  const graph: Graph = {
    name: network.config.name,
    batch,
    chunk: options.chunk ?? chooseChunk(batch, unit, bytesPerSample(tensors, storages)),
    classes: network.classes,
    tensors,
    storages,
    ops,
    params,
    paramCount,
    state,
    stateCount,
    logits: last.output,
    loss: { kind: 'softmax_cross_entropy', classes: network.classes, labelSmoothing: network.config.train.label_smoothing },
    optimizer: optimizerSpec(network, params),
    splitUnit: unit,
    layers: network.layers.map(summarise),
    trainer: trainerSettings(network),
  };
  verify(graph, network);
  return graph;
}

/** Pass 1: the input (tensor 0) and one tensor per layer, with who reads it. */
function buildTensors(network: NetworkInfo) {
  const tensors: Mutable<Tensor>[] = [{ id: 0, name: 'input', shape: network.input, producer: null, consumers: [], needsGrad: false, storage: 0 }];
  const outputOf = new Map<string, number>([['input', 0]]);
  network.layers.forEach((info, index) => {
    const id = tensors.length;
    tensors.push({ id, name: info.layer.name, shape: info.output, producer: index, consumers: [], needsGrad: false, storage: -1 });
    outputOf.set(info.layer.name, id);
  });
  network.layers.forEach((info, index) => {
    for (const name of new Set(info.layer.inputs)) (tensors[outputOf.get(name)!]!.consumers as number[]).push(index);
  });
  return { tensors, outputOf };
}

/** Pass 2: each layer's parameters (then its state), layer by layer, in two flat arrays. */
function layoutParameters(network: NetworkInfo) {
  const params: ParamView[] = [];
  const state: StateView[] = [];
  const byLayer = new Map<string, { params: Record<string, ParamView>; state: Record<string, StateView> }>();
  let offset = 0;
  let stateOffset = 0;
  for (const info of network.layers) {
    const { layer } = info;
    const views = { params: {} as Record<string, ParamView>, state: {} as Record<string, StateView> };
    for (const spec of info.paramSpecs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const view: ParamView = { name: `${layer.name}_${spec.suffix}`, layer: layer.name, offset, size, shape: spec.shape, init: spec.init, role: spec.role, trainable: spec.trainable, lrScale: spec.trainable ? (spec.lrScale ?? 1) : 0 };
      params.push(view);
      views.params[spec.suffix] = view;
      offset += size;
    }
    for (const spec of info.stateSpecs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const view: StateView = { name: `${layer.name}_${spec.suffix}`, layer: layer.name, offset: stateOffset, size, shape: spec.shape, init: spec.init };
      state.push(view);
      views.state[spec.suffix] = view;
      stateOffset += size;
    }
    byLayer.set(layer.name, views);
  }
  return { params, paramCount: offset, state, stateCount: stateOffset, byLayer };
}

/** Pass 3: a tensor needs a gradient when its producer, or anything before it, trains. */
function markGradients(network: NetworkInfo, tensors: Mutable<Tensor>[], outputOf: ReadonlyMap<string, number>): void {
  for (const info of network.layers) {
    const trains = info.paramSpecs.some((p) => p.trainable);
    const upstream = info.layer.inputs.some((name) => tensors[outputOf.get(name)!]!.needsGrad);
    tensors[outputOf.get(info.layer.name)!]!.needsGrad = trains || upstream;
  }
}

/**
 * Pass 4: ops that may run in place do, when their input has no other reader, is not the
 * network's input, and its producer's backward pass does not read it (it would find it
 * overwritten).
 */
function chooseInPlace(network: NetworkInfo, tensors: readonly Tensor[], outputOf: ReadonlyMap<string, number>): Set<number> {
  const chosen = new Set<number>();
  network.layers.forEach((info, index) => {
    const op = opOf(info.layer.type)!;
    if (!op.gradient.inPlace || info.layer.inputs.length !== 1) return;
    const input = tensors[outputOf.get(info.layer.inputs[0]!)!]!;
    if (input.producer === null || input.consumers.length !== 1) return;
    const producer = network.layers[input.producer]!;
    if (opOf(producer.layer.type)!.gradient.readsOutput) return;
    chosen.add(index);
  });
  return chosen;
}

/** Pass 5: storages — a tensor's own, or its in-place producer's input's — and their borders. */
function assignStorage(network: NetworkInfo, tensors: Mutable<Tensor>[], outputOf: ReadonlyMap<string, number>, inPlace: ReadonlySet<number>): Storage[] {
  const storages: Mutable<Storage>[] = [];
  for (const tensor of tensors) {
    if (tensor.producer !== null && inPlace.has(tensor.producer)) {
      const source = tensors[outputOf.get(network.layers[tensor.producer]!.layer.inputs[0]!)!]!;
      tensor.storage = source.storage;
      (storages[source.storage]!.tensors as number[]).push(tensor.id);
    } else {
      tensor.storage = storages.length;
      storages.push({ id: storages.length, name: tensor.producer === null ? 'input' : `${tensor.name}_out`, shape: tensor.shape, tensors: [tensor.id], border: 0, readInBackward: false });
    }
  }
  network.layers.forEach((info, index) => {
    const op = opOf(info.layer.type)!;
    const border = op.border?.(info.layer as never) ?? 0;
    for (const name of info.layer.inputs) {
      const storage = storages[tensors[outputOf.get(name)!]!.storage]!;
      storage.border = Math.max(storage.border, border);
      if (op.gradient.readsInputs) storage.readInBackward = true;
    }
    if (op.gradient.readsOutput) storages[tensors[outputOf.get(info.layer.name)!]!.storage]!.readInBackward = true;
    void index;
  });
  return storages;
}

/**
 * Pass 6: backward runs in reverse order; the first op to reach a tensor's gradient
 * writes it, the others add to it. Tensors that need no gradient get none.
 */
function assignGradModes(ops: GraphOp[], tensors: readonly Tensor[]): void {
  const written = new Set<number>();
  for (const op of [...ops].reverse()) {
    (op as Mutable<GraphOp>).inputGrads = op.inputs.map((t): GradMode => {
      if (!op.backward || !tensors[t]!.needsGrad) return 'none';
      if (written.has(t)) return 'accumulate';
      written.add(t);
      return 'write';
    });
  }
}

/**
 * Pass 7: an op's dL/dy is sparse when every reader of its output zeroes most of the
 * gradient it passes back (relu, maxpool); the names say which, for comments.
 */
function markSparseGradients(ops: GraphOp[], tensors: readonly Tensor[]): void {
  for (const op of ops) {
    const names: string[] = [];
    let tensor = tensors[op.output]!;
    while (tensor.consumers.length === 1) {
      const reader = ops[tensor.consumers[0]!]!;
      if (!reader.op.gradient.sparsifies) break;
      names.push(reader.name);
      tensor = tensors[reader.output]!;
    }
    (op as Mutable<GraphOp>).sparseGrad = names;
  }
}

/** Least common multiple of the ops' group sizes: threads take whole groups of every op. */
export interface LowerOptions {
  /** Samples a thread's memory holds (default: chooseChunk's); tests force small ones. */
  readonly chunk?: number;
}

/**
 * Activations past which a thread works through its share of a batch in chunks: measured
 * on a residual net of 1.5 MiB a sample (cifar10-resnet), one thread, ms per sample at 32,
 * 64, 128 and 256 samples: 5.2, 5.3, 5.7, 7.0 — a thread's working set well past the caches
 * costs a third more.
 */
export const CHUNK_BYTES = 64 * 1024 * 1024;

/** The most samples, in whole units (batch-norm groups), whose activations stay within CHUNK_BYTES; the whole batch where it fits. */
export function chooseChunk(batch: number, unit: number, bytes: number): number {
  if (batch * bytes <= CHUNK_BYTES) return batch;
  return Math.min(batch, Math.max(unit, Math.floor(CHUNK_BYTES / bytes / unit) * unit));
}

/** Bytes of one sample's values and gradients, over every storage (float32). */
function bytesPerSample(tensors: readonly Tensor[], storages: readonly Storage[]): number {
  let bytes = 0;
  for (const s of storages) {
    const grad = s.tensors.some((t) => tensors[t]!.needsGrad);
    bytes += s.shape.height * s.shape.width * s.shape.channels * 4 * (grad ? 2 : 1);
  }
  return bytes;
}

function splitUnit(network: NetworkInfo): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let unit = 1;
  for (const info of network.layers) {
    const group = opOf(info.layer.type)!.group?.(info.layer as never);
    if (group) unit = (unit * group) / gcd(unit, group);
  }
  return Math.min(unit, network.config.train.batch_size);
}

function summarise(info: LayerInfo): LayerSummary {
  return {
    name: info.layer.name,
    type: info.layer.type,
    outputShape: [info.output.height, info.output.width, info.output.channels],
    params: info.params,
  };
}

function optimizerSpec(network: NetworkInfo, params: readonly ParamView[]): OptimizerSpec {
  const { train } = network.config;
  // Frozen parameters are not decayed either; `decay: weights` leaves biases and normalisation parameters out.
  const decayed = (view: ParamView) => view.trainable && (train.decay === 'all' || view.role === 'weight');
  return {
    kind: train.optimizer,
    momentum: train.momentum,
    nesterov: train.nesterov,
    beta2: train.beta2,
    epsilon: train.epsilon,
    weightDecay: train.weight_decay,
    decays: Object.fromEntries(params.map((view) => [view.name, decayed(view) ? train.weight_decay : 0])),
    ema: train.ema,
  };
}

function trainerSettings(network: NetworkInfo): TrainerSettings {
  const { data, train, report } = network.config;
  return {
    dataset: data.dataset,
    // Users' own data names its classes when it is read; until then they are numbered.
    classNames: data.dataset === 'idx' || data.dataset === 'folder' ? Array.from({ length: network.classes }, (_, k) => String(k)) : DATASETS[data.dataset].classNames,
    validation: data.validation,
    pixelScale: data.pixels === '0-1' ? 1 / 255 : 1,
    subtractMean: data.mean === 'channel',
    iterations: train.iterations,
    learningRate: train.learning_rate,
    schedule: train.schedule,
    warmup: train.warmup,
    schedulePoints: train.schedule_points,
    augmentFlip: data.augment.flip,
    augmentCrop: data.augment.crop,
    testAugment: data.augment.test,
    lookahead: train.lookahead,
    lookaheadEvery: train.lookahead_every,
    seed: train.seed,
    reportEvery: report.every,
    smoothing: report.smoothing,
    validationBatches: report.validation_batches,
    threads: train.threads,
    backend: train.backend,
  };
}
