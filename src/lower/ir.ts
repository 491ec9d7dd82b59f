// The IR: a sequential program of layers with fixed shapes and concrete memory layout,
// independent of the language it is emitted in. Produced by lower, checked by verify,
// consumed by the emitters.
import type { LayerSummary } from '../runtime/net.js';
import type { TrainerSettings as RuntimeSettings } from '../runtime/train-loop.js';

/** The trainer's settings; the config's hash is added by emit, which knows it. */
export type TrainerSettings = Omit<RuntimeSettings, 'configHash'>;

export type { LayerSummary };

/**
 * Per-sample storage of a tensor: channels × (height + 2·pad) × (width + 2·pad), with a
 * zero border of `pad` so that windowed kernels never branch at the edges. Strides and
 * the offset of the first interior element are in elements.
 */
export interface Buffer {
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly pad: number;
  readonly rowStride: number;
  readonly channelStride: number;
  readonly sampleStride: number;
  /** Offset of element (c=0, y=0, x=0) inside a sample: pad·rowStride + pad. */
  readonly origin: number;
}

/** A named slice of the flat parameter array (and of its gradient and momentum twins). */
export interface ParamView {
  readonly name: string;
  readonly layer: string;
  readonly offset: number;
  readonly size: number;
  /** Shape in storage order, e.g. [out][in][ky][kx] for conv weights. */
  readonly shape: readonly number[];
  readonly init: { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'constant'; readonly value: number };
}

/** One element of an unrolled window: its position and its offset from the window's corner. */
export interface Tap {
  readonly index: number;
  readonly ky: number;
  readonly kx: number;
  /** Offset in the input buffer from the window's top-left element. */
  readonly offset: number;
}

/**
 * How a window loop is unrolled: 'full' emits all size×size taps as straight-line code;
 * 'row' keeps a loop over window rows and unrolls each row (for large windows).
 */
export type Unroll = 'full' | 'row';

interface OpBase {
  readonly name: string;
  /** Index of the source layer in the config. */
  readonly layer: number;
  readonly x: Buffer;
  readonly y: Buffer;
  /**
   * Whether the backward pass computes dL/dx: only when an earlier layer has parameters
   * to train (never for the network input).
   */
  readonly inputGrad: boolean;
}

/**
 * The relu and maxpool ops right after an op: their backward passes zero most of the op's
 * dL/dy, so its backward pass skips zeros. Empty when dy is dense.
 */
export type SparseGradSources = readonly string[];

/**
 * dL/dx of a stride-1 convolution as a gather: a correlation of dy, copied into a buffer
 * with a zero border of size − 1 − padding, with the kernels flipped (tap t reads weight
 * size² − 1 − t) and the channel roles swapped. Backends may use it instead of scattering.
 */
export interface DxGather {
  /** The padded copy of dy: the conv's output channels and shape, border k − 1 − p. */
  readonly buffer: Buffer;
  /** Taps over `buffer`; tap.index is the weight each one reads. */
  readonly taps: readonly Tap[];
}

export interface ConvOp extends OpBase {
  readonly kind: 'conv';
  readonly sparseGrad: SparseGradSources;
  readonly dxGather: DxGather | null;
  readonly size: number;
  readonly stride: number;
  readonly padding: number;
  readonly weight: ParamView;
  readonly bias: ParamView;
  readonly taps: readonly Tap[];
  readonly unroll: Unroll;
}

export interface ReluOp extends OpBase {
  readonly kind: 'relu';
}

export interface MaxPoolOp extends OpBase {
  readonly kind: 'maxpool';
  readonly size: number;
  readonly stride: number;
  readonly taps: readonly Tap[];
  readonly unroll: Unroll;
  /** Int32 buffer, laid out like y, holding the x index of each window's maximum. */
  readonly argmax: string;
}

export interface DenseOp extends OpBase {
  readonly kind: 'dense';
  readonly sparseGrad: SparseGradSources;
  readonly inputs: number;
  readonly units: number;
  readonly weight: ParamView;
  readonly bias: ParamView;
  /** Partial sums in the dot products (more independent adds, same order every run). */
  readonly lanes: number;
}

export type Op = ConvOp | ReluOp | MaxPoolOp | DenseOp;

export interface LossOp {
  readonly kind: 'softmax_cross_entropy';
  readonly logits: Buffer;
  readonly classes: number;
}

export interface Program {
  readonly name: string;
  readonly batch: number;
  readonly classes: number;
  readonly input: Buffer;
  readonly params: readonly ParamView[];
  readonly paramCount: number;
  /** Activation buffers; each has a gradient twin named d<name>. */
  readonly buffers: readonly Buffer[];
  /** Scratch buffers some backends use (the padded dy copies of DxGather). */
  readonly scratch: readonly Buffer[];
  readonly ops: readonly Op[];
  readonly loss: LossOp;
  readonly layers: readonly LayerSummary[];
  readonly trainer: TrainerSettings;
}
