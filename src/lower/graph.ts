// The graph IR: values (tensors) with one producer and any number of consumers, and ops in
// topological order. It is independent of any backend: memory layout, unrolling, SIMD
// lanes and gather/scatter choices belong to each backend's plan (emit/ts, emit/wasm).
// Produced by lower, checked by verify between passes, read by the emitters.
import type { LayerInfo } from '../infer/index.js';
import type { Op } from '../ops/index.js';
import type { Layer, ParamInit } from '../ops/types.js';
import type { LayerSummary } from '../runtime/net.js';
import type { TrainerSettings as RuntimeSettings } from '../runtime/train-loop.js';
import type { Shape } from '../infer/shape.js';

/** The trainer's settings; the config's hash is added by emit, which knows it. */
export type TrainerSettings = Omit<RuntimeSettings, 'configHash'>;

export type { LayerSummary };

export interface Tensor {
  readonly id: number;
  /** The layer that produces it ('input' for the network's input). */
  readonly name: string;
  readonly shape: Shape;
  /** Index of the producing op; null for the network's input. */
  readonly producer: number | null;
  /** Indexes of the ops that read it, in order. */
  readonly consumers: readonly number[];
  /** Its gradient is needed: some op before it has parameters to train. */
  readonly needsGrad: boolean;
  /** The storage that holds it (tensors of in-place ops share their input's). */
  readonly storage: number;
}

/**
 * Memory for one or more tensors: an in-place op's output lives in its input's storage.
 * Each storage has a gradient twin, named d<name>.
 */
export interface Storage {
  readonly id: number;
  /** `conv1_out`, or `input`. */
  readonly name: string;
  readonly shape: Shape;
  readonly tensors: readonly number[];
  /** The zero border its readers need around each channel plane (a conv's padding). */
  readonly border: number;
  /** Some backward pass reads these values, so they live until then. */
  readonly readInBackward: boolean;
}

/** How an op's backward pass produces the gradient of one of its inputs. */
export type GradMode = 'none' | 'write' | 'accumulate';

/** A named slice of the flat parameter array (and of its gradient and optimiser twins). */
export interface ParamView {
  readonly name: string;
  readonly layer: string;
  readonly offset: number;
  readonly size: number;
  /** Shape in storage order, e.g. [out][in][ky][kx] for conv weights. */
  readonly shape: readonly number[];
  readonly init: ParamInit;
  readonly role: 'weight' | 'bias' | 'norm';
  readonly trainable: boolean;
  /** Factor on the learning rate (0 where frozen). */
  readonly lrScale: number;
}

/** A named slice of the flat state array (batch norm's running statistics). */
export interface StateView {
  readonly name: string;
  readonly layer: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
  readonly init: number;
}

export interface GraphOp {
  readonly index: number;
  readonly name: string;
  readonly type: string;
  readonly op: Op;
  readonly layer: Layer;
  readonly info: LayerInfo;
  /** Tensor ids it reads, in the order of the layer's inputs. */
  readonly inputs: readonly number[];
  readonly output: number;
  /** Its parameters by suffix (conv1_w is params.w). */
  readonly params: Readonly<Record<string, ParamView>>;
  readonly state: Readonly<Record<string, StateView>>;
  /** Per input: whether its backward pass writes, adds to, or skips that input's gradient. */
  readonly inputGrads: readonly GradMode[];
  /** Whether it has a backward pass at all (parameters to train, or input gradients). */
  readonly backward: boolean;
  /** Its output overwrites its input. */
  readonly inPlace: boolean;
  /** The ops after it whose backward passes leave most of its dL/dy zero. */
  readonly sparseGrad: readonly string[];
}

export interface LossSpec {
  readonly kind: 'softmax_cross_entropy';
  readonly classes: number;
  /** ε: the target is (1 − ε)·onehot + ε/classes. */
  readonly labelSmoothing: number;
}

/** How the optimiser updates the parameters (see the schema's train options). */
export interface OptimizerSpec {
  readonly kind: 'sgd' | 'adam' | 'adamw';
  /** μ of sgd, β1 of adam. */
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Weight decay of each parameter view, by name (0 where left out). */
  readonly decays: Readonly<Record<string, number>>;
  /** The weights' moving average's decay (0: none). */
  readonly ema: number;
}

export interface Graph {
  readonly name: string;
  readonly batch: number;
  /**
   * Samples one thread's memory holds: the batch, or for large activations fewer, in whole
   * split units — a thread then works through its share of a batch a chunk at a time.
   */
  readonly chunk: number;
  readonly classes: number;
  /** Tensor 0 is the network's input. */
  readonly tensors: readonly Tensor[];
  readonly storages: readonly Storage[];
  readonly ops: readonly GraphOp[];
  readonly params: readonly ParamView[];
  readonly paramCount: number;
  readonly state: readonly StateView[];
  readonly stateCount: number;
  /** The tensor holding the logits (the last op's output). */
  readonly logits: number;
  readonly loss: LossSpec;
  readonly optimizer: OptimizerSpec;
  /**
   * Threads split each batch in whole groups of this many samples (batch norm's groups),
   * so that what a thread computes does not depend on how many threads there are.
   */
  readonly splitUnit: number;
  readonly layers: readonly LayerSummary[];
  readonly trainer: TrainerSettings;
}

export const INPUT = 0;
