// conv in the WebAssembly backend: what wasm.hbs prints. The forward pass and, for stride 1,
// dL/dx are the same GEMM micro-kernel pass (dL/dx correlates the zero-bordered dL/dy with
// the flipped kernels, channel roles swapped) — or, for 3×3 and 5×5 kernels over maps where
// it pays, Winograd's F(2×2, 3×3), F(4×4, 3×3) or F(4×4, 5×5) (src/ops/shared/winograd.ts).
// dL/dw is a GEMM over positions on packed panels (or by the forward pass's form, with 16
// channels or more a side; or by window rows in registers, with at most 4 input channels);
// dL/dx of a strided convolution is scattered tap by tap.
import { bufferView, F, type Packing, type WasmBuffer, type WasmKernels, type WasmPlan } from '../../emit/wasm/plan.js';
import type { GraphOp } from '../../lower/graph.js';
import { blockPacking, columnBlocks, tile, tileLocals, TILE_ROWS, tileWindow } from '../shared/gemm.js';
import type { LayerOf } from '../types.js';
import type { ConvOptions } from './index.js';
import { winogradForm, winogradGradBytes, winogradGradForm, winogradLocals, winogradPass, winogradScratch, winogradWeightGrad, type WinogradForm } from '../shared/winograd.js';

/** The locals Winograd passes by these forms add to their function. */
function winogradLocalsOf(forms: (WinogradForm | undefined)[]): string {
  const alpha = Math.max(0, ...forms.map((form) => form?.alpha ?? 0));
  if (alpha === 0) return '';
  return [
    ...['$vr', '$vt', '$c', '$cs', '$p', '$ty', '$tx', '$rows', '$r', '$xi', '$vx', '$mx', '$ux'].map((name) => `(local ${name} i32)`),
    ...['$e', ...winogradLocals(alpha)].map((name) => `(local ${name} v128)`),
  ].join(' ');
}

/**
 * A pass of the forward micro-kernel: out[pos][co] (+)= Σ in[corner + pos·stride + tap][ci]·w[co][ci][tap],
 * `in` read through a zero border, weights packed in blocks of output channels.
 */
function pass(options: {
  label: string;
  x: WasmBuffer;
  xAt: number;
  /** How far the window of output (0, 0) starts before the input's pixel (0, 0). */
  pad: number;
  stride: number;
  k: number;
  cin: number;
  y: WasmBuffer;
  yAt: number;
  weights: number;
  bias?: number;
  accumulate: boolean;
}) {
  const { x, y, k, stride, cin } = options;
  const groups = columnBlocks(y.cp / 4);
  const chunk = samplesInCache(x.sampleBytes);
  let wStart = options.weights;
  const fullWidth = Math.floor(y.width / TILE_ROWS) * TILE_ROWS;
  const rest = y.width - fullWidth;
  // What every tile of the pass needs beside its own shape.
  const common = { bias: options.bias !== undefined, accumulate: options.accumulate, ...tileWindow(x, cin, k, k) };
  return {
    label: options.label,
    chunk,
    corner: options.xAt + x.originBytes - options.pad * (x.rowBytes + x.pixelBytes),
    xSample: x.sampleBytes,
    rowStep: stride * x.rowBytes,
    yStart: options.yAt + y.originBytes,
    ySample: y.sampleBytes,
    yRow: y.rowBytes,
    height: y.height,
    groups: groups.map((g) => {
      const blockBytes = k * k * cin * g.nv * 16;
      const group = {
        ...g,
        wStart,
        wBlockBytes: blockBytes,
        bStart: (options.bias ?? 0) + g.first * 16,
        yChannel: g.first * 16,
        chanStep: g.nv * 16,
        full: fullWidth > 0 ? { ...tile(TILE_ROWS, g.nv, stride * x.pixelBytes, y.pixelBytes), ...common, width: fullWidth, step: TILE_ROWS } : undefined,
        tail: rest > 0 ? { ...tile(rest, g.nv, stride * x.pixelBytes, y.pixelBytes), ...common } : undefined,
        xTileStep: TILE_ROWS * stride * x.pixelBytes,
        yTileStep: TILE_ROWS * y.pixelBytes,
      };
      wStart += blockBytes * g.count;
      return group;
    }),
  };
}

/** Bytes of one core's cache a pass's inputs may fill (half its L2 on the machines netc is tuned on). */
const CACHE_BYTES = 256 * 1024;

/** Bytes of dy a chunk of dL/dw's packed panels holds (they stay in a core's L2 while every tap reads them). */
const DW_PANEL_BYTES = 128 * 1024;

/** How many samples' inputs fit in that budget (at least one). */
function samplesInCache(bytesPerSample: number): number {
  return Math.max(1, Math.floor(CACHE_BYTES / bytesPerSample));
}

export const wasmKernels: WasmKernels = {
  view(op: GraphOp, plan: WasmPlan) {
    const layer = op.layer as LayerOf<ConvOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const k = layer.size;
    const taps = k * k;
    const cin = x.channels;
    const cout = y.channels;
    const w = op.params.w!;
    const dxMode = op.inputGrads[0]!;
    const trains = w.trainable;
    const packs: Packing[] = [];
    const forwardWeights = plan.takeShared(taps * cin * y.cp * F);
    packs.push(blockPacking(`${op.name} weights in blocks of output channels`, w, forwardWeights, cout, cin, taps, y.cp / 4, false, false));
    let bias: number | undefined;
    if (layer.bias) {
      bias = plan.takeShared(y.cp * F);
      packs.push({ name: `${op.name} biases, padded`, from: op.params.b!, kind: 'rows', to: bias, shared: true, outputs: cout, inputs: 1, taps: 1, width: y.cp, flip: false, swap: false });
    }
    // 3×3 and 5×5 stride-1 passes over maps large enough go by Winograd's F(m×m, r×r): its kernels'
    // transform is made from the packed blocks by prepare(), its tiles go through one scratch
    // area of the thread (the passes never run at once).
    const fastForward = winogradForm(k, layer.stride, y.height, y.width, cin, cout);
    const fastGather = dxMode !== 'none' ? winogradForm(k, layer.stride, x.height, x.width, cout, cin) : undefined;
    const fastWeights = trains ? winogradGradForm(fastForward, cin, cout) : undefined;
    const scratchBytes = Math.max(fastForward ? winogradScratch(fastForward, x, y).bytes : 0, fastGather ? winogradScratch(fastGather, y, x).bytes : 0, fastWeights ? winogradScratch(fastWeights, x, y).bytes : 0);
    const scratch = scratchBytes > 0 ? plan.take(scratchBytes) : 0;
    const points = (form: WinogradForm) => form.alpha * form.alpha;
    const forward = fastForward
      ? { direct: undefined, winograd: winogradPass(fastForward, { label: 'forward', transform: `${op.name}_winograd_forward`, x, xAt: x.at, pad: layer.padding, cin, y, yAt: y.at, blocks: forwardWeights, u: plan.takeShared(points(fastForward) * cin * y.cp * F), bias, accumulate: false, scratch }) }
      : { direct: pass({ label: 'forward', x, xAt: x.at, pad: layer.padding, stride: layer.stride, k, cin, y, yAt: y.at, weights: forwardWeights, bias, accumulate: false }), winograd: undefined };
    // dL/dx: a gather (stride 1) through the flipped kernels, or a scatter tap by tap.
    let gather;
    let scatter;
    if (dxMode !== 'none') {
      const packed = plan.takeShared(taps * cout * x.cp * F);
      if (layer.stride === 1) {
        packs.push({ ...blockPacking(`${op.name} weights flipped, in blocks of input channels (dL/dx)`, w, packed, cout, cin, taps, x.cp / 4, true, true), backwardOnly: true });
        const dx = { label: 'dL/dx', x: y, xAt: y.gradAt, pad: k - 1 - layer.padding, cin: cout, y: x, yAt: x.gradAt, accumulate: dxMode === 'accumulate' };
        gather = fastGather
          ? { direct: undefined, winograd: winogradPass(fastGather, { ...dx, transform: `${op.name}_winograd_dx`, blocks: packed, u: plan.takeShared(points(fastGather) * cout * x.cp * F), scratch }) }
          : { direct: pass({ ...dx, stride: 1, k, weights: packed }), winograd: undefined };
      } else {
        packs.push({ ...blockPacking(`${op.name} weights in blocks of input channels (dL/dx)`, w, packed, cout, cin, taps, x.cp / 4, false, true), backwardOnly: true });
        scatter = scatterView(x, y, layer, cout, packed, dxMode === 'accumulate');
      }
    }
    // dL/dw in rows [tap][input channel (padded)][output channel (padded)], then unpacked.
    const unpacks: Packing[] = [];
    let weightGrad;
    if (trains) {
      const dw = plan.take(taps * x.cp * y.cp * F);
      unpacks.push({ name: `d${w.name} from rows [tap][ci][co]`, from: w, kind: 'rows', to: dw, shared: false, outputs: cout, inputs: cin, taps, width: y.cp, flip: false, swap: false, packedInputs: x.cp });
      weightGrad = fastWeights
        ? { winograd: winogradWeightGrad(fastWeights, { label: 'dL/dw', x, pad: layer.padding, y, dw, du: plan.take(winogradGradBytes(fastWeights, x, y)), scratch }) }
        : narrowInputs(cin, k)
          ? { narrow: narrowWeightGrad(x, y, layer, dw) }
          : { direct: directWeightGrad(plan, x, y, layer, dw) };
    }
    let biasGrad;
    if (layer.bias && op.params.b!.trainable) {
      const db = plan.take(y.cp * F);
      unpacks.push({ name: `d${op.params.b!.name}, padded`, from: op.params.b!, kind: 'rows', to: db, shared: false, outputs: cout, inputs: 1, taps: 1, width: y.cp, flip: false, swap: false });
      biasGrad = { db, dy: y.gradAt + y.originBytes, vectors: y.cp / 4 };
    }
    // The Winograd kernels' transforms prepare() runs (dL/dx's only for training), and their functions.
    const transforms = [forward.winograd?.transform, gather?.winograd?.transform].filter((t) => t !== undefined);
    return {
      backward: trains || dxMode !== 'none',
      packs,
      unpacks,
      transforms: transforms.map((t) => ({ name: t.name, backwardOnly: t !== forward.winograd?.transform })),
      template: {
        transforms,
        forwardLocals: winogradLocalsOf([fastForward]),
        backwardLocals: winogradLocalsOf([gather?.winograd ? fastGather : undefined, weightGrad?.winograd ? fastWeights : undefined]),
        name: op.name,
        size: k,
        stride: layer.stride,
        padding: layer.padding,
        cin,
        cout,
        x: bufferView(x),
        y: bufferView(y),
        locals: tileLocals(Math.max(TILE_ROWS, weightGrad?.narrow ? k : 0)),
        forward,
        gather,
        scatter,
        weightGrad,
        biasGrad,
        dy: y.gradAt + y.originBytes,
        ySample: y.sampleBytes,
        yRow: y.rowBytes,
        yPixel: y.pixelBytes,
        height: y.height,
        width: y.width,
      },
    };
  },
};

/**
 * Whether dL/dw goes by window rows (narrowWeightGrad): with at most 4 input channels (an
 * image's), the panels' packing — x copied for every tap — costs more than the GEMM saves,
 * and a window row's taps fit the registers as a tile's rows up to 7×7 kernels. cifar10-deep's
 * conv1 (3 → 16, 5×5, 32×32), backward for 8 samples on one thread, interleaved: 1.09–1.15 ms
 * by panels, 0.92–0.98 by window rows.
 */
function narrowInputs(cin: number, k: number): boolean {
  return cin <= 4 && k <= 7;
}

/** dL/dw of a convolution of few input channels: tiles of a window row's taps × output channels, over all positions in registers (see wasm.hbs). */
function narrowWeightGrad(x: WasmBuffer, y: WasmBuffer, layer: LayerOf<ConvOptions>, dw: number) {
  const k = layer.size;
  const tapBytes = x.cp * y.cp * F;
  return {
    dw,
    k,
    cin: x.channels,
    windowRowBytes: k * tapBytes,
    ciBytes: y.cp * F,
    xCorner: x.at + x.originBytes - layer.padding * (x.rowBytes + x.pixelBytes),
    xSample: x.sampleBytes,
    xRow: x.rowBytes,
    xRowStep: layer.stride * x.rowBytes,
    xColStep: layer.stride * x.pixelBytes,
    dyStart: y.gradAt + y.originBytes,
    dySample: y.sampleBytes,
    dyRow: y.rowBytes,
    dyPixel: y.pixelBytes,
    height: y.height,
    width: y.width,
    groups: columnBlocks(y.cp / 4, k <= 5 ? 2 : 1).map((g) => ({ ...g, first16: g.first * 16, chanStep: g.nv * 16, tile: tile(k, g.nv, x.pixelBytes, tapBytes) })),
  };
}

/** dL/dw as a GEMM over positions on panels packed per chunk of samples (see wasm.hbs). */
function directWeightGrad(plan: WasmPlan, x: WasmBuffer, y: WasmBuffer, layer: LayerOf<ConvOptions>, dw: number) {
  const k = layer.size;
  // Panels of a chunk of samples: dy in blocks of output channels, x at one tap (4 channels a position).
  const positions = y.height * y.width;
  const dwChunk = Math.max(1, Math.floor(DW_PANEL_BYTES / (positions * y.cp * F)));
  const dyPanel = plan.take(dwChunk * positions * y.cp * F);
  const xPanel = plan.take(dwChunk * positions * 16);
  return {
    dw,
    dwBytes: k * k * x.cp * y.cp * F,
    xCorner: x.at + x.originBytes - layer.padding * (x.rowBytes + x.pixelBytes),
    xSample: x.sampleBytes,
    xRowStep: layer.stride * x.rowBytes,
    xColStep: layer.stride * x.pixelBytes,
    xRow: x.rowBytes,
    xPixel: x.pixelBytes,
    dyStart: y.gradAt + y.originBytes,
    dySample: y.sampleBytes,
    dyRow: y.rowBytes,
    dyPixel: y.pixelBytes,
    k,
    height: y.height,
    width: y.width,
    // Rows of the GEMM: four input channels at a time, over the padded channels.
    ciBlocks: x.cp / 4,
    chunk: dwChunk,
    positions,
    xPanel,
    tapBytes: x.cp * y.cp * F,
    ciBlockBytes: 4 * y.cp * F,
    // A block's dy panel: [position][lanes] for the chunk's positions; blocks one after another.
    groups: columnBlocks(y.cp / 4).map((g) => ({ ...g, tile: tile(4, g.nv, F, y.cp * F), first16: g.first * 16, chanStep: g.nv * 16, panel: dyPanel + g.first * 16 * positions * dwChunk, panelBytes: g.nv * 16 * positions * dwChunk })),
  };
}

/** dL/dx of a strided conv: per tap, dx[pos·stride + tap] += Σ_co dy[pos][co]·w[co][ci][tap]. */
function scatterView(x: WasmBuffer, y: WasmBuffer, layer: LayerOf<ConvOptions>, cout: number, weights: number, accumulate: boolean) {
  const k = layer.size;
  const groups = columnBlocks(x.cp / 4);
  let wStart = weights;
  return {
    accumulate,
    dxAt: x.gradAt,
    dxBytes: x.sampleBytes,
    dxCorner: x.gradAt + x.originBytes - layer.padding * (x.rowBytes + x.pixelBytes),
    dxSample: x.sampleBytes,
    dxRowStep: layer.stride * x.rowBytes,
    dxColStep: layer.stride * x.pixelBytes,
    dxRow: x.rowBytes,
    dxPixel: x.pixelBytes,
    dyStart: y.gradAt + y.originBytes,
    dySample: y.sampleBytes,
    dyRow: y.rowBytes,
    dyPixel: y.pixelBytes,
    height: y.height,
    width: y.width,
    k,
    cout,
    // The border of dx is zeroed again afterwards: taps at the image's edge scatter into it.
    border: x.pad > 0 ? { at: x.gradAt, pad: x.pad, sample: x.sampleBytes, rowBytes: x.rowBytes, padRows: x.pad * x.rowBytes, sideBytes: x.pad * x.pixelBytes, height: x.height, bottom: (x.pad + x.height) * x.rowBytes, right: (x.pad + x.width) * x.pixelBytes, rowsFirst: x.pad * x.rowBytes } : undefined,
    groups: groups.map((g) => {
      const blockBytes = k * k * cout * g.nv * 16;
      const group = { ...g, wStart, wBlockBytes: blockBytes, tapBytes: cout * g.nv * 16, chan: g.first * 16, chanStep: g.nv * 16, tile: tile(1, g.nv, 0, 0) };
      wStart += blockBytes * g.count;
      return group;
    }),
  };
}
