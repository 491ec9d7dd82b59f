// pad in the WebAssembly backend: per pixel, the input's channels (with their zero
// padding), then zeros; backward, the input's channels of dy.
import { bufferView, type WasmKernels } from '../../emit/wasm/plan.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    return {
      backward: mode !== 'none',
      template: {
        name: op.name,
        x: bufferView(x),
        y: bufferView(y),
        xStart: x.at + x.originBytes,
        yStart: y.at + y.originBytes,
        dxStart: x.gradAt + x.originBytes,
        dyStart: y.gradAt + y.originBytes,
        zeroBytes: y.pixelBytes - x.pixelBytes,
        // Backward: the input's channels only (its padding lanes stay zero): whole vectors, then one by one.
        vectorBytes: Math.floor(x.channels / 4) * 16,
        scalars: Array.from({ length: x.channels % 4 }, (_, k) => ({ at: (Math.floor(x.channels / 4) * 4 + k) * 4 })),
        accumulate: mode === 'accumulate',
      },
    };
  },
};
