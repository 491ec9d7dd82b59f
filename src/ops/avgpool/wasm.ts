// avgpool in the WebAssembly backend: four channels of a pixel at a time.
import { bufferView, type WasmKernels } from '../../emit/wasm/plan.js';
import type { LayerOf } from '../types.js';
import type { AvgPoolOptions } from './index.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const layer = op.layer as LayerOf<AvgPoolOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    return {
      backward: mode !== 'none',
      template: {
        name: op.name,
        size: layer.size,
        stride: layer.stride,
        x: bufferView(x),
        y: bufferView(y),
        scale: 1 / (layer.size * layer.size),
        kx: Array.from({ length: layer.size }, (_, i) => ({ xoff: i * x.pixelBytes })),
        xStart: x.at + x.originBytes,
        yStart: y.at + y.originBytes,
        dxStart: x.gradAt + x.originBytes,
        dyStart: y.gradAt + y.originBytes,
        dxAt: x.gradAt,
        colStep: layer.stride * x.pixelBytes,
        rowStep: layer.stride * x.rowBytes,
        accumulate: mode === 'accumulate',
      },
    };
  },
};
