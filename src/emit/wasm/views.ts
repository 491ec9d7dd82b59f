// IR + memory layout → the values the WebAssembly templates print: byte addresses,
// strides in bytes, tap offsets, how many columns go four at a time. As for TypeScript,
// every number is computed here; the templates only print.
import type { Buffer, ConvOp, DenseOp, MaxPoolOp, Op, Program, ReluOp, Tap } from '../../lower/index.js';
import type { WasmLayout } from './layout.js';

const F = 4; // bytes per float32

function bufferBytes(buffer: Buffer, at: number) {
  return {
    at,
    origin: at + buffer.origin * F,
    sampleBytes: buffer.sampleStride * F,
    channelBytes: buffer.channelStride * F,
    rowBytes: buffer.rowStride * F,
    height: buffer.height,
    width: buffer.width,
    widthBytes: buffer.width * F,
    channels: buffer.channels,
    shape: `${buffer.height}×${buffer.width}×${buffer.channels}`,
  };
}

/** Columns of a row: the first `vector` four at a time (stride 1 only), the rest one by one. */
function columns(width: number, stride: number) {
  const vector = stride === 1 ? Math.floor(width / 4) * 4 : 0;
  return { vectorCols: vector > 0, vectorBytes: vector * F, scalarCols: vector < width, scalarStartBytes: vector * F, scalarStartX: vector * stride * F };
}

function tapViews(taps: readonly Tap[], base: number) {
  return taps.map((tap, id) => ({ id, index: tap.index, kx: tap.kx, xOff: (tap.offset - base) * F, wOff: (tap.index - (taps[0]?.index ?? 0)) * F }));
}

function address(layout: WasmLayout, name: string): number {
  const at = layout.buffers.get(name);
  if (at === undefined) throw new Error(`netc: no memory for ${name}`);
  return at;
}

/**
 * dL/dx as a gather (see DxGather): the forward pass's template, reading the padded copy
 * of dy as its input and writing dx's interior, with the channel roles swapped.
 */
function gatherView(op: ConvOp, layout: WasmLayout) {
  const gather = op.dxGather!;
  const padded = bufferBytes(gather.buffer, address(layout, gather.buffer.name));
  const dx = bufferBytes(op.x, address(layout, `d${op.x.name}`));
  const dy = bufferBytes(op.y, address(layout, `d${op.y.name}`));
  return {
    name: op.name,
    full: true,
    taps: gather.taps.map((tap, id) => ({ id, xOff: tap.offset * F, wOff: tap.index * F })),
    kkBytes: op.taps.length * F,
    // The pass's "input": the padded dy copy; its "output": dx, inside x's border.
    x: padded,
    xStart: padded.at,
    y: dx,
    xRowStepBytes: padded.rowBytes,
    strideBytes: F,
    ...columns(op.x.width, 1),
    dxChannels: op.x.channels,
    dyChannels: op.y.channels,
    w: layout.params + op.weight.offset * F,
    copy: { from: dy.origin, to: padded.origin, planes: op.y.channels, rows: op.y.height, rowBytes: dy.widthBytes, fromRowBytes: dy.rowBytes, toRowBytes: padded.rowBytes, fromPlaneBytes: dy.channelBytes, toPlaneBytes: padded.channelBytes },
  };
}

function convView(op: ConvOp, layout: WasmLayout) {
  const x = bufferBytes(op.x, op.x.name === 'input' ? layout.input : address(layout, op.x.name));
  const y = bufferBytes(op.y, address(layout, op.y.name));
  const start = (op.x.origin - op.padding * (op.x.rowStride + 1)) * F;
  const full = op.unroll === 'full';
  const rowTaps = op.taps.filter((t) => t.ky === 0);
  // The gather form of dx needs the whole kernel unrolled (its taps are flipped).
  const gather = op.dxGather !== null && full ? gatherView(op, layout) : null;
  return {
    gather,
    scatter: op.inputGrad && gather === null,
    name: op.name,
    size: op.size,
    stride: op.stride,
    padding: op.padding,
    cin: op.x.channels,
    cout: op.y.channels,
    full,
    taps: tapViews(full ? op.taps : rowTaps, 0),
    kkBytes: op.taps.length * F,
    rowWeightBytes: op.size * F,
    x,
    y,
    xStart: x.at + start,
    dxStart: (op.inputGrad ? address(layout, `d${op.x.name}`) : 0) + start,
    dxAt: op.inputGrad ? address(layout, `d${op.x.name}`) : 0,
    dy: address(layout, `d${op.y.name}`) + op.y.origin * F,
    xRowStepBytes: op.stride * op.x.rowStride * F,
    kyRowBytes: op.x.rowStride * F,
    strideBytes: op.stride * F,
    w: layout.params + op.weight.offset * F,
    b: layout.params + op.bias.offset * F,
    dw: layout.grads + op.weight.offset * F,
    db: layout.grads + op.bias.offset * F,
    ...columns(op.y.width, op.stride),
    fill: columns(op.y.width, 1),
    inputGrad: op.inputGrad,
    sparseGrad: op.sparseGrad.length > 0,
    sparseBecause: op.sparseGrad.join(' and '),
  };
}

function maxPoolView(op: MaxPoolOp, layout: WasmLayout) {
  const x = bufferBytes(op.x, op.x.name === 'input' ? layout.input : address(layout, op.x.name));
  const y = bufferBytes(op.y, address(layout, op.y.name));
  const taps = tapViews(op.taps, 0);
  return {
    name: op.name,
    size: op.size,
    stride: op.stride,
    x,
    y,
    planes: op.x.channels,
    rest: taps.slice(1).map((t) => ({ ...t, element: t.xOff / F })),
    arg: address(layout, op.argmax) + op.y.origin * F,
    dy: address(layout, `d${op.y.name}`) + op.y.origin * F,
    dxAt: op.inputGrad ? address(layout, `d${op.x.name}`) : 0,
    xRowStepBytes: op.stride * op.x.rowStride * F,
    strideBytes: op.stride * F,
    rowGapBytes: (op.y.rowStride - op.y.width) * F,
    inputGrad: op.inputGrad,
  };
}

function reluView(op: ReluOp, layout: WasmLayout) {
  return { name: op.name, y: bufferBytes(op.y, address(layout, op.y.name)), dy: address(layout, `d${op.y.name}`), inputGrad: op.inputGrad };
}

function denseView(op: DenseOp, layout: WasmLayout) {
  const x = bufferBytes(op.x, op.x.name === 'input' ? layout.input : address(layout, op.x.name));
  const y = bufferBytes(op.y, address(layout, op.y.name));
  const vector = Math.floor(op.inputs / 4) * 4;
  return {
    name: op.name,
    inputs: op.inputs,
    units: op.units,
    inputBytes: op.inputs * F,
    vectorBytes: vector * F,
    scalarInputs: vector < op.inputs,
    x,
    y,
    yUnitBytes: op.y.channelStride * F,
    dy: address(layout, `d${op.y.name}`) + op.y.origin * F,
    dxAt: op.inputGrad ? address(layout, `d${op.x.name}`) : 0,
    w: layout.params + op.weight.offset * F,
    b: layout.params + op.bias.offset * F,
    dw: layout.grads + op.weight.offset * F,
    db: layout.grads + op.bias.offset * F,
    dwBytes: op.weight.size * F,
    inputGrad: op.inputGrad,
    sparseGrad: op.sparseGrad.length > 0,
  };
}

function opView(op: Op, layout: WasmLayout) {
  switch (op.kind) {
    case 'conv':
      return convView(op, layout);
    case 'maxpool':
      return maxPoolView(op, layout);
    case 'relu':
      return reluView(op, layout);
    case 'dense':
      return denseView(op, layout);
  }
}

export function wasmView(program: Program, layout: WasmLayout) {
  const ops = program.ops.map((op) => ({ kind: `wasm/${op.kind}`, name: op.name, view: opView(op, layout), backward: op.kind !== 'relu' && op.kind !== 'maxpool' ? true : op.inputGrad }));
  return {
    ops,
    backward: [...ops].reverse().filter((op) => op.backward),
    momentum: program.trainer.momentum,
    damping: 1 - program.trainer.momentum,
    weightDecay: program.trainer.weightDecay,
    params: layout.params,
    momentumAt: layout.momentum,
    grads: layout.grads,
    paramBytes: Math.ceil(program.paramCount / 4) * 16,
  };
}
