// The WebAssembly backend's plan: how the graph lives in one linear memory shared by all
// threads, and how each op's kernels see it.
//
// Tensors are stored pixel-major (HWC): per sample, rows of pixels, each pixel its channels
// padded with zeros to a multiple of four, so that one f32x4 holds four channels of one
// pixel and kernels vectorise over channels whatever the image size. Like the TypeScript
// backend, a storage has a zero border of whole pixels where its readers need one; its
// gradient twin has the same layout. Parameters stay in the canonical layout both
// backends share ([co][ci][ky][kx]); ops that want another (blocks of output channels for
// a GEMM micro-kernel) declare packed copies, made once per step by prepare().
//
// Memory: the shared part first (parameters, optimiser state, running statistics, packed
// weights), then one region a thread (gradients, the input, every storage and its
// gradient, per-op buffers, labels, predictions). Every array starts on 16 bytes.
import type { Graph, GraphOp, ParamView, StateView } from '../../lower/graph.js';
import { storageBorders } from '../common.js';

export const F = 4; // bytes per float32

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** One storage's layout, in bytes. */
export interface WasmBuffer {
  readonly name: string;
  readonly channels: number;
  /** Channels as stored: a multiple of 4 (the extra ones hold zeros). */
  readonly cp: number;
  readonly height: number;
  readonly width: number;
  readonly pad: number;
  readonly pixelBytes: number;
  readonly rowBytes: number;
  readonly sampleBytes: number;
  /** From a sample's start to its pixel (0, 0). */
  readonly originBytes: number;
  /** Region-relative address of the values, and of the gradient twin (-1: none). */
  readonly at: number;
  readonly gradAt: number;
  readonly shape: string;
}

/** What an op's wasm view gives its template; `pack` names the weight packings its glue does. */
export interface WasmOpView {
  /** Whether the op's module exports <name>_backward (called in reverse order). */
  readonly backward: boolean;
  /** Copies of parameters in the layout the kernels want, made by prepare() (see glue). */
  readonly packs?: readonly Packing[];
  /** Gradients computed in a packed layout, unpacked into the canonical one after backward. */
  readonly unpacks?: readonly Packing[];
  /** Batch norm's running statistics, updated after each training step (runtime/statistics.ts). */
  readonly updates?: readonly WasmStatsUpdate[];
  /** Functions of the op's module that prepare() calls after the packings (e.g. Winograd's kernel transforms). */
  readonly transforms?: readonly { readonly name: string; readonly backwardOnly: boolean }[];
  /** Shared functions its kernels call (src/ops/shared/wasm-<name>.hbs), emitted once: 'hash'. */
  readonly helpers?: readonly string[];
  readonly template: Readonly<Record<string, unknown>>;
}

export interface WasmStatsUpdate {
  /** Absolute address of the groups' statistics ([slot][mean, variance][stride]). */
  readonly stats: number;
  readonly groups: number;
  readonly channels: number;
  readonly stride: number;
  readonly mean: string;
  readonly variance: string;
  readonly momentum: number;
}

/**
 * A conv or dense weight tensor in another layout: element (o, i, t) of the canonical
 * [outputs][inputs][taps] tensor goes to `to + ((block·taps + t)·inputs + i)·width + lane`
 * for output o = block·width + lane ("blocks"), or to `to + (t·inputs + i)·outPadded + o`
 * ("rows"); `flip` reverses the taps (dL/dx of a convolution correlates with the flipped
 * kernel), `swap` exchanges the roles of outputs and inputs.
 */
export interface Packing {
  readonly name: string;
  /** A parameter view (or a state view, for packings read by kernels only). */
  readonly from: Pick<ParamView, 'name' | 'offset' | 'size'>;
  readonly kind: 'blocks' | 'rows';
  /** Read by the backward pass only (not packed for evaluation). */
  readonly backwardOnly?: boolean;
  /** Absolute (shared) or region-relative address. */
  readonly to: number;
  readonly shared: boolean;
  readonly outputs: number;
  readonly inputs: number;
  readonly taps: number;
  /** Lanes per block ('blocks'), padded outputs per row ('rows'). */
  readonly width: number;
  /** 'blocks': the widths of successive blocks (the last may be narrower). */
  readonly blocks?: readonly number[];
  readonly flip: boolean;
  readonly swap: boolean;
  /** The inputs are a C×H×W image read pixel by pixel: input c·H·W + p is packed at p·cp + c. */
  readonly hwc?: { readonly channels: number; readonly pixels: number; readonly cp: number };
  /** Packed inputs per output (≥ inputs: padded input channels, or rows). */
  readonly packedInputs?: number;
}

export interface WasmKernels {
  readonly view: (op: GraphOp, plan: WasmPlan) => WasmOpView;
}

export class WasmPlan {
  readonly params: number;
  readonly momentum: number;
  /** Adam's second moments (-1: none), and each parameter's learning-rate factor and weight decay. */
  readonly variance: number;
  readonly rates: number;
  readonly decays: number;
  readonly state: number;
  private shared: number;
  private region = 0;
  readonly grads: number;
  private readonly buffers: WasmBuffer[];

  constructor(readonly graph: Graph) {
    let shared = 0;
    this.params = shared;
    shared += align(graph.paramCount * F);
    this.momentum = shared;
    shared += align(graph.paramCount * F);
    this.variance = graph.optimizer.kind === 'sgd' ? -1 : shared;
    if (graph.optimizer.kind !== 'sgd') shared += align(graph.paramCount * F);
    this.rates = shared;
    shared += align(graph.paramCount * F);
    this.decays = shared;
    shared += align(graph.paramCount * F);
    this.state = shared;
    shared += align(graph.stateCount * F);
    this.shared = shared;
    this.grads = this.take(graph.paramCount * F);
    const borders = storageBorders(graph);
    const needsGrad = (storage: number) => graph.storages[storage]!.tensors.some((t) => graph.tensors[t]!.needsGrad) || graph.tensors[graph.logits]!.storage === storage;
    this.buffers = graph.storages.map((s) => {
      const cp = Math.ceil(s.shape.channels / 4) * 4;
      const pad = borders[s.id]!;
      const pixelBytes = cp * F;
      const rowBytes = (s.shape.width + 2 * pad) * pixelBytes;
      const sampleBytes = (s.shape.height + 2 * pad) * rowBytes;
      const at = this.take(sampleBytes * graph.chunk);
      const gradAt = s.id !== 0 && needsGrad(s.id) ? this.take(sampleBytes * graph.chunk) : -1;
      return {
        name: s.name,
        channels: s.shape.channels,
        cp,
        height: s.shape.height,
        width: s.shape.width,
        pad,
        pixelBytes,
        rowBytes,
        sampleBytes,
        originBytes: pad * rowBytes + pad * pixelBytes,
        at,
        gradAt,
        shape: `${s.shape.height}×${s.shape.width}×${s.shape.channels}`,
      };
    });
  }

  /** Region-relative memory for this thread's use. */
  take(bytes: number): number {
    const at = this.region;
    this.region += align(bytes);
    return at;
  }

  /** Shared memory (absolute address), once for all threads. */
  takeShared(bytes: number): number {
    const at = this.shared;
    this.shared += align(bytes);
    return at;
  }

  get sharedBytes(): number {
    return align(this.shared);
  }

  get regionBytes(): number {
    return align(this.region);
  }

  buffer(tensor: number): WasmBuffer {
    return this.buffers[this.graph.tensors[tensor]!.storage]!;
  }

  storageBuffer(storage: number): WasmBuffer {
    return this.buffers[storage]!;
  }

  /** Absolute address of a parameter view. */
  param(view: ParamView | undefined): number {
    if (!view) throw new Error('netc: no such parameter');
    return this.params + view.offset * F;
  }

  /** Region-relative address of a parameter view's gradient. */
  paramGrad(view: ParamView | undefined): number {
    if (!view) throw new Error('netc: no such parameter');
    return this.grads + view.offset * F;
  }

  stateAt(view: StateView | undefined): number {
    if (!view) throw new Error('netc: no such state');
    return this.state + view.offset * F;
  }
}

/** A buffer as templates print it. */
export function bufferView(buffer: WasmBuffer) {
  return { ...buffer, vectors: buffer.cp / 4, widthBytes: buffer.width * buffer.pixelBytes, interiorRowBytes: buffer.width * buffer.pixelBytes };
}
