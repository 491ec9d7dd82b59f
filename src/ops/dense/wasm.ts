// dense in the WebAssembly backend. Its input is read pixel by pixel (HWC, padded
// channels included). The forward pass is the convolutions' GEMM micro-kernel with one
// window covering the whole map (a tile's rows are samples, its columns units): weights in
// blocks of units ([block][pixel][channel][lanes]). dL/dw is made in rows [input][unit]
// (padded units), dL/dx reads the weights as rows [unit][input].
import { bufferView, F, type Packing, type WasmBuffer, type WasmKernels } from '../../emit/wasm/plan.js';
import type { GraphOp } from '../../lower/graph.js';
import { blockPacking, columnBlocks, tile, tileLocals, TILE_ROWS, TILE_VECTORS, tileWindow } from '../shared/gemm.js';
import type { LayerOf } from '../types.js';
import type { DenseOptions } from './index.js';

/** Input vectors a dL/dx tile accumulates at once: independent chains over the units, within 16 registers with their weights. */
const DX_VECTORS = 6;

export const wasmKernels: WasmKernels = {
  view(op: GraphOp, plan) {
    const layer = op.layer as LayerOf<DenseOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    const w = op.params.w!;
    // Canonical input i = c·H·W + p (pixel p) is packed input p·cp + c.
    const packedInputs = x.height * x.width * x.cp;
    const hwc = { channels: x.channels, pixels: x.height * x.width, cp: x.cp };
    const units = layer.units;
    const up = y.cp;
    const packs: Packing[] = [];
    const unpacks: Packing[] = [];
    // Canonical w[unit][c·pixels + p] is a convolution's w[co][ci][tap] with a tap a pixel.
    const pixels = x.height * x.width;
    const blocks = plan.takeShared(pixels * x.channels * up * F);
    packs.push(blockPacking(`${op.name} weights in blocks of units`, w, blocks, units, x.channels, pixels, up / 4, false, false));
    let bias: number | undefined;
    if (layer.bias) {
      bias = plan.takeShared(up * F);
      packs.push({ name: `${op.name} biases, padded`, from: op.params.b!, kind: 'rows', to: bias, shared: true, outputs: units, inputs: 1, taps: 1, width: up, flip: false, swap: false });
    }
    let dxRows: number | undefined;
    if (mode !== 'none') {
      dxRows = plan.takeShared(units * packedInputs * F);
      packs.push({ name: `${op.name} weights as rows [unit][input] (dL/dx)`, from: w, kind: 'rows', backwardOnly: true, to: dxRows, shared: true, outputs: units, inputs: w.shape[1]!, taps: 1, width: packedInputs, flip: false, swap: true, hwc, packedInputs });
    }
    let dw: number | undefined;
    if (w.trainable) {
      dw = plan.take(packedInputs * up * F);
      unpacks.push({ name: `d${w.name} from rows [input][unit]`, from: w, kind: 'rows', to: dw, shared: false, outputs: units, inputs: w.shape[1]!, taps: 1, width: up, flip: false, swap: false, hwc, packedInputs });
    }
    let db: number | undefined;
    if (layer.bias && op.params.b!.trainable) {
      db = plan.take(up * F);
      unpacks.push({ name: `d${op.params.b!.name}, padded`, from: op.params.b!, kind: 'rows', to: db, shared: false, outputs: units, inputs: 1, taps: 1, width: up, flip: false, swap: false });
    }
    return {
      backward: w.trainable || mode !== 'none',
      packs,
      unpacks,
      template: {
        name: op.name,
        x: bufferView(x),
        y: bufferView(y),
        units,
        inputs: w.shape[1],
        vectors: up / 4,
        xStart: x.at + x.originBytes,
        dxStart: x.gradAt + x.originBytes,
        yStart: y.at + y.originBytes,
        dyStart: y.gradAt + y.originBytes,
        rowRun: x.width * x.pixelBytes,
        rowSkip: x.rowBytes,
        height: x.height,
        weightRow: up * F,
        locals: tileLocals(),
        forward: forwardView(x, y, blocks, bias),
        backwardLocals: [...new Set([...tileLocals(TILE_ROWS, TILE_VECTORS), ...tileLocals(1, DX_VECTORS)])],
        // dw rows are up·4 bytes an input, inputs 4 bytes apart in x: up bytes of dw per byte of x.
        dwPerInputByte: up,
        dwRowBytes: (x.width * x.pixelBytes / 4) * up * F,
        // dL/dw: four inputs (a tile's rows, 4 bytes apart; their dw rows up·4 bytes apart) × blocks of units.
        dwGroups: columnBlocks(up / 4).map((g) => ({ ...g, first16: g.first * 16, dyFirst: y.gradAt + y.originBytes + g.first * 16, chanStep: g.nv * 16, tile: tile(TILE_ROWS, g.nv, 4, up * F) })),
        // dL/dx: one sample × blocks of DX_VECTORS input vectors along a row of pixels.
        dxAt: x.gradAt,
        dxGroups: columnBlocks((x.width * x.pixelBytes) / 16, DX_VECTORS).map((g) => ({ ...g, first16: g.first * 16, chanStep: g.nv * 16, tile: tile(1, g.nv, 0, 0) })),
        bias,
        dxRows,
        dxRowBytes: packedInputs * F,
        dw,
        dwBytes: packedInputs * up * F,
        db,
        accumulate: mode === 'accumulate',
      },
    };
  },
};

/**
 * The forward pass as tiles of the GEMM micro-kernel: TILE_ROWS samples at a time (a row a
 * sample), then one at a time; units in blocks of columns; one window of the whole map.
 */
function forwardView(x: WasmBuffer, y: WasmBuffer, weights: number, bias: number | undefined) {
  const common = { bias: bias !== undefined, accumulate: false, ...tileWindow(x, x.channels, x.height, x.width) };
  let wStart = weights;
  return {
    rows: TILE_ROWS,
    xStart: x.at + x.originBytes,
    xSample: x.sampleBytes,
    yStart: y.at + y.originBytes,
    ySample: y.sampleBytes,
    groups: columnBlocks(y.cp / 4).map((g) => {
      const blockBytes = x.height * x.width * x.channels * g.nv * 16;
      const group = {
        ...g,
        wStart,
        blockBytes,
        bStart: (bias ?? 0) + g.first * 16,
        yChannel: g.first * 16,
        chanStep: g.nv * 16,
        many: { ...tile(TILE_ROWS, g.nv, x.sampleBytes, y.sampleBytes), ...common },
        one: { ...tile(1, g.nv, x.sampleBytes, y.sampleBytes), ...common },
      };
      wStart += blockBytes * g.count;
      return group;
    }),
  };
}
