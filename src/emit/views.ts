// IR → the values the templates print. Every number, offset and name is computed here, so
// the templates hold only code text and never decide or calculate anything.
import type { Buffer, ConvOp, DenseOp, MaxPoolOp, Op, ParamView, Program, ReluOp, Tap } from '../lower/index.js';

export type DType = 'float32' | 'float64';

export interface SourceInfo {
  /** The config file as named in the regenerate command. */
  readonly file: string;
  /** Short hash of the resolved config. */
  readonly hash: string;
  readonly version: string;
  /** The command that regenerates these files. */
  readonly command: string;
}

/** `+ 33`, or nothing for a zero offset. */
function plus(offset: number): string {
  return offset === 0 ? '' : ` + ${offset}`;
}

function bufferView(buffer: Buffer) {
  return {
    ...buffer,
    rows: buffer.height + 2 * buffer.pad,
    cols: buffer.width + 2 * buffer.pad,
    shape: `${buffer.height}×${buffer.width}×${buffer.channels}`,
    originPlus: plus(buffer.origin),
  };
}

function tapView(tap: Tap, rowOffset: number) {
  return { index: tap.index, kx: tap.kx, xOff: plus(tap.offset - rowOffset), wOff: plus(tap.index), dxOff: plus(tap.offset - rowOffset) };
}

/** Taps grouped by window row: one partial sum per row keeps the add chains short. */
function tapRows(taps: readonly Tap[], relative: boolean) {
  const rows = new Map<number, Tap[]>();
  for (const tap of taps) rows.set(tap.ky, [...(rows.get(tap.ky) ?? []), tap]);
  return [...rows.values()].map((row) => row.map((tap) => tapView(tap, relative ? row[0]!.offset : 0)));
}

function windowView(op: ConvOp | MaxPoolOp) {
  const padding = op.kind === 'conv' ? op.padding : 0;
  return {
    name: op.name,
    size: op.size,
    stride: op.stride,
    x: bufferView(op.x),
    y: bufferView(op.y),
    full: op.unroll === 'full',
    // The top-left tap of output (0, 0): the conv's padding reaches into the border.
    xStartPlus: plus(op.x.origin - padding * (op.x.rowStride + 1)),
    xRowStep: op.stride * op.x.rowStride,
    taps: op.taps.map((tap) => tapView(tap, 0)),
    // For 'row' unrolling: one window row, offsets relative to the row's first tap.
    rowTaps: tapRows(op.taps, true)[0]!,
    rows: tapRows(op.taps, false),
    inputGrad: op.inputGrad,
  };
}

/** Whether and why dy is sparse, for the templates. */
function sparsity(op: ConvOp | DenseOp) {
  return { sparseGrad: op.sparseGrad.length > 0, sparseBecause: op.sparseGrad.join(' and ') };
}

function convView(op: ConvOp) {
  return { ...windowView(op), ...sparsity(op), padding: op.padding, cin: op.x.channels, cout: op.y.channels, kk: op.size * op.size, weight: op.weight.name, bias: op.bias.name };
}

function maxPoolView(op: MaxPoolOp) {
  const view = windowView(op);
  return { ...view, first: view.taps[0]!, rest: view.taps.slice(1), restRowTaps: view.rowTaps.slice(1), argmax: op.argmax };
}

function denseView(op: DenseOp) {
  const lanes = Array.from({ length: op.lanes }, (_, lane) => ({ lane, off: plus(lane) }));
  return {
    ...sparsity(op),
    name: op.name,
    x: bufferView(op.x),
    y: bufferView(op.y),
    inputs: op.inputs,
    units: op.units,
    lanes,
    laneCount: op.lanes,
    rest: lanes.slice(1),
    inputGrad: op.inputGrad,
    weight: op.weight.name,
    bias: op.bias.name,
  };
}

function reluView(op: ReluOp) {
  return { name: op.name, y: bufferView(op.y), inputGrad: op.inputGrad };
}

/** The statement that runs an op forward, and (when it has one) backward. */
function calls(op: Op): { forward: string; backward?: string } {
  const x = `this.${op.x.name}`;
  const y = `this.${op.y.name}`;
  const dx = op.inputGrad ? `this.d${op.x.name}, ` : '';
  switch (op.kind) {
    case 'conv':
    case 'dense': {
      const [w, b] = [op.weight.name, op.bias.name];
      return {
        forward: `${op.name}_forward(${x}, this.${w}, this.${b}, ${y}, n);`,
        backward: `${op.name}_backward(${x}, this.${w}, this.d${op.y.name}, this.d${w}, this.d${b}, ${dx}n);`,
      };
    }
    case 'maxpool':
      return {
        forward: `${op.name}_forward(${x}, ${y}, this.${op.argmax}, n);`,
        backward: op.inputGrad ? `${op.name}_backward(this.d${op.y.name}, this.${op.argmax}, this.d${op.x.name}, n);` : undefined,
      };
    case 'relu':
      return { forward: `${op.name}_forward(${y}, n);`, backward: op.inputGrad ? `${op.name}_backward(${y}, this.d${op.y.name}, n);` : undefined };
  }
}

function paramView(view: ParamView) {
  return {
    ...view,
    end: view.offset + view.size,
    shapeText: view.shape.map((d) => `[${d}]`).join(''),
    normal: view.init.kind === 'normal',
    std: view.init.kind === 'normal' ? view.init.std : 0,
    value: view.init.kind === 'constant' ? view.init.value : 0,
  };
}

export interface UnrollReport {
  readonly op: string;
  readonly taps: number;
  readonly mode: 'full' | 'row';
}

export function modelView(program: Program, dtype: DType, source: SourceInfo) {
  const array = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const ops = program.ops.map((op) => ({ kind: op.kind, view: opView(op), calls: calls(op) }));
  const gradBuffers = program.buffers.map((b) => ({ ...bufferView(b), size: b.sampleStride * program.batch }));
  const info = {
    name: program.name,
    dtype,
    batch: program.batch,
    classes: program.classes,
    paramCount: program.paramCount,
    inputLength: program.input.sampleStride * program.batch,
    input: { height: program.input.height, width: program.input.width, channels: program.input.channels },
    layers: program.layers,
    params: program.params.map(({ name, offset, size, shape }) => ({ name, offset, size, shape })),
  };
  const { trainer } = program;
  return {
    source,
    array,
    dtype,
    batch: program.batch,
    classes: program.classes,
    paramCount: program.paramCount,
    modelInfo: literal(info),
    params: program.params.map(paramView),
    input: { ...bufferView(program.input), size: program.input.sampleStride * program.batch },
    pixelScale: trainer.pixelScale === 1 ? '1' : `1 / ${Math.round(1 / trainer.pixelScale)}`,
    buffers: gradBuffers,
    argmax: program.ops.filter((op): op is MaxPoolOp => op.kind === 'maxpool').map((op) => ({ name: op.argmax, size: op.y.sampleStride * program.batch, of: op.name })),
    ops,
    backward: [...ops].reverse().filter((op) => op.calls.backward !== undefined),
    loss: { logits: program.loss.logits.name, classes: program.classes },
    momentum: trainer.momentum,
    weightDecay: trainer.weightDecay,
    halfWeightDecay: trainer.weightDecay / 2,
    settings: literal({ ...trainer, configHash: source.hash }),
  };
}

function opView(op: Op) {
  switch (op.kind) {
    case 'conv':
      return convView(op);
    case 'maxpool':
      return maxPoolView(op);
    case 'dense':
      return denseView(op);
    case 'relu':
      return reluView(op);
  }
}

export function unrollReport(program: Program): UnrollReport[] {
  return program.ops.flatMap((op) => (op.kind === 'conv' || op.kind === 'maxpool' ? [{ op: op.name, taps: op.taps.length, mode: op.unroll }] : []));
}

/**
 * A value as a TypeScript literal: JSON (so every string is an escaped literal and no
 * config text can become code), one line per item where the whole does not fit on one.
 */
export function literal(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length <= 100 || value === null || typeof value !== 'object') return flat;
  const inner = indent + '  ';
  const items = Array.isArray(value)
    ? value.map((item) => inner + literal(item, inner))
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${literal(item, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}
