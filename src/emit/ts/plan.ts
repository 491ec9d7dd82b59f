// The TypeScript backend's plan: how the graph's tensors are laid out and named in the
// generated model.ts. Every tensor is stored channel-planar, [n][channels][rows][cols],
// with the zero border its readers need around each plane (so windowed kernels never
// branch at the edges); in-place ops share their input's storage; gradients have twins of
// the same layout, named d<storage>.
import type { Graph, GraphOp } from '../../lower/graph.js';
import { storageBorders } from '../common.js';

export type DType = 'float32' | 'float64';

/** One storage's layout, in elements. */
export interface TsBuffer {
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

/** An op's own buffer (maxpool's argmax): per sample (`perSample` each) or `size` in all. */
export interface TsExtra {
  /** The field is named <op>_<suffix>. */
  readonly suffix: string;
  readonly type: 'Int32Array' | 'Uint8Array' | 'float';
  readonly perSample?: number;
  readonly size?: number;
  readonly what: string;
  /** One array every thread's Net shares (batch norm's group statistics), rather than one a thread. */
  readonly shared?: boolean;
}

/** Batch norm's running statistics, updated after each training step (runtime/statistics.ts). */
export interface StatsUpdate {
  /** The shared extra holding the groups' statistics. */
  readonly stats: string;
  readonly groups: number;
  readonly channels: number;
  readonly stride: number;
  readonly mean: string;
  readonly variance: string;
  readonly momentum: number;
}

export interface TsOpView {
  /** Arguments of <name>_forward(…, n, ctx): fields such as this.conv1_w. */
  readonly forward: readonly string[];
  /** Arguments of <name>_backward(…, n, ctx); absent when the op has no backward pass. */
  readonly backward?: readonly string[];
  readonly extras?: readonly TsExtra[];
  readonly updates?: readonly StatsUpdate[];
  /** What its template (src/ops/<type>/ts.hbs) prints. */
  readonly template: Readonly<Record<string, unknown>>;
}

export type TsKernels = (op: GraphOp, plan: TsPlan) => TsOpView;

export class TsPlan {
  readonly array: 'Float32Array' | 'Float64Array';
  private readonly buffers: TsBuffer[];

  constructor(
    readonly graph: Graph,
    readonly dtype: DType,
  ) {
    this.array = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
    const borders = storageBorders(graph);
    this.buffers = graph.storages.map((s) => layout(s.name, s.shape.channels, s.shape.height, s.shape.width, borders[s.id]!));
  }

  /** The layout of a tensor's storage. */
  buffer(tensor: number): TsBuffer {
    return this.buffers[this.graph.tensors[tensor]!.storage]!;
  }

  storageBuffer(storage: number): TsBuffer {
    return this.buffers[storage]!;
  }

  /** The field holding a tensor's values: this.conv1_out. */
  values(tensor: number): string {
    return `this.${this.buffer(tensor).name}`;
  }

  /** The field holding a tensor's gradient: this.dconv1_out. */
  grads(tensor: number): string {
    return `this.d${this.buffer(tensor).name}`;
  }

  param(op: GraphOp, suffix: string): string {
    return `this.${view(op, suffix)}`;
  }

  paramGrad(op: GraphOp, suffix: string): string {
    return `this.d${view(op, suffix)}`;
  }

  state(op: GraphOp, suffix: string): string {
    const state = op.state[suffix];
    if (!state) throw new Error(`netc: ${op.name} has no state ${suffix}`);
    return `this.${state.name}`;
  }

  extra(op: GraphOp, suffix: string): string {
    return `this.${op.name}_${suffix}`;
  }
}

function view(op: GraphOp, suffix: string): string {
  const param = op.params[suffix];
  if (!param) throw new Error(`netc: ${op.name} has no parameter ${suffix}`);
  return param.name;
}

export function layout(name: string, channels: number, height: number, width: number, pad: number): TsBuffer {
  const rowStride = width + 2 * pad;
  const channelStride = rowStride * (height + 2 * pad);
  return { name, channels, height, width, pad, rowStride, channelStride, sampleStride: channelStride * channels, origin: pad * rowStride + pad };
}

/** `+ 33`, or nothing for a zero offset. */
export function plus(offset: number): string {
  return offset === 0 ? '' : ` + ${offset}`;
}

/** A buffer as templates print it: its shape in words and its padded extent. */
export function bufferView(buffer: TsBuffer) {
  return {
    ...buffer,
    rows: buffer.height + 2 * buffer.pad,
    cols: buffer.width + 2 * buffer.pad,
    shape: `${buffer.height}×${buffer.width}×${buffer.channels}`,
    originPlus: plus(buffer.origin),
  };
}

/** One element of an unrolled window: where it is in the kernel and in the input buffer. */
export interface Tap {
  readonly index: number;
  readonly ky: number;
  readonly kx: number;
  /** Offset in the buffer from the window's top-left element. */
  readonly offset: number;
}

/** Windows with more taps than this are unrolled one row at a time. */
export const MAX_UNROLLED_TAPS = 81;

export function taps(size: number, rowStride: number): Tap[] {
  const list: Tap[] = [];
  for (let ky = 0; ky < size; ky++) for (let kx = 0; kx < size; kx++) list.push({ index: ky * size + kx, ky, kx, offset: ky * rowStride + kx });
  return list;
}

function tapView(tap: Tap, rowOffset: number) {
  return { index: tap.index, kx: tap.kx, xOff: plus(tap.offset - rowOffset), wOff: plus(tap.index), dxOff: plus(tap.offset - rowOffset) };
}

/**
 * A size×size window sliding over `x` (starting `padding` inside its border) with
 * `stride`, as templates print it: all taps, and the taps grouped by window row (one
 * partial sum per row keeps add chains short; windows of more than MAX_UNROLLED_TAPS taps
 * are unrolled one row at a time).
 */
export function windowView(x: TsBuffer, size: number, stride: number, padding: number) {
  const all = taps(size, x.rowStride);
  const rows = new Map<number, Tap[]>();
  for (const tap of all) rows.set(tap.ky, [...(rows.get(tap.ky) ?? []), tap]);
  const grouped = [...rows.values()];
  return {
    size,
    stride,
    full: all.length <= MAX_UNROLLED_TAPS,
    // The top-left tap of output (0, 0): a conv's padding reaches into the border.
    xStartPlus: plus(x.origin - padding * (x.rowStride + 1)),
    xRowStep: stride * x.rowStride,
    taps: all.map((tap) => tapView(tap, 0)),
    rowTaps: grouped[0]!.map((tap) => tapView(tap, grouped[0]![0]!.offset)),
    rows: grouped.map((row) => row.map((tap) => tapView(tap, 0))),
  };
}
