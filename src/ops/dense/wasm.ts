// dense in the WebAssembly backend. Its input is read pixel by pixel (HWC, padded
// channels included), so its weights are packed in that order: rows [input][unit]
// (padded units) for the forward pass and dL/dw, and [unit][input] for dL/dx.
import { bufferView, F, type Packing, type WasmKernels } from '../../emit/wasm/plan.js';
import type { GraphOp } from '../../lower/graph.js';
import type { LayerOf } from '../types.js';
import type { DenseOptions } from './index.js';

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
    const rows = plan.takeShared(packedInputs * up * F);
    packs.push({ name: `${op.name} weights as rows [input][unit]`, from: w, kind: 'rows', to: rows, shared: true, outputs: units, inputs: w.shape[1]!, taps: 1, width: up, flip: false, swap: false, hwc, packedInputs });
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
        weights: rows,
        weightRow: up * F,
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
