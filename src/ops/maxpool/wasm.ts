// maxpool in the WebAssembly backend: four channels of a pixel at a time; the window's
// argmax is kept per value (the tap index), and the backward pass routes each gradient to
// the tap that won with a compare and a mask — no scatter.
import { bufferView, F, type WasmKernels } from '../../emit/wasm/plan.js';
import type { GraphOp } from '../../lower/graph.js';
import type { LayerOf } from '../types.js';
import type { MaxPoolOptions } from './index.js';

export const wasmKernels: WasmKernels = {
  view(op: GraphOp, plan) {
    const layer = op.layer as LayerOf<MaxPoolOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    // The winning tap of every output value: [n][height][width][cp] int32.
    const argSample = y.height * y.width * y.cp * F;
    const arg = plan.take(argSample * plan.graph.chunk);
    const kx = Array.from({ length: layer.size }, (_, i) => ({ kx: i, xoff: i * x.pixelBytes }));
    return {
      backward: mode !== 'none',
      template: {
        name: op.name,
        size: layer.size,
        stride: layer.stride,
        x: bufferView(x),
        y: bufferView(y),
        xStart: x.at + x.originBytes,
        yStart: y.at + y.originBytes,
        dxStart: x.gradAt + x.originBytes,
        dyStart: y.gradAt + y.originBytes,
        dxAt: x.gradAt,
        arg,
        argSample,
        argRow: y.width * y.cp * F,
        colStep: layer.stride * x.pixelBytes,
        rowStep: layer.stride * x.rowBytes,
        first: kx[0]!,
        rest: kx.slice(1),
        kx,
        accumulate: mode === 'accumulate',
      },
    };
  },
};
