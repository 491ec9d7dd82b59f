// globalavgpool in the WebAssembly backend: each pixel's channels added into the output
// pixel, four at a time, then scaled.
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
        scale: 1 / (x.height * x.width),
        xStart: x.at + x.originBytes,
        dxStart: x.gradAt + x.originBytes,
        yStart: y.at + y.originBytes,
        dyStart: y.gradAt + y.originBytes,
        accumulate: mode === 'accumulate',
      },
    };
  },
};
