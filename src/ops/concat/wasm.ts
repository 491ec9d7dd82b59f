// concat in the WebAssembly backend: per pixel, each input's channels copied to their place
// in the output — whole vectors where the place starts on a multiple of four (an input's
// zero padding is overwritten by the next input), one by one elsewhere.
import { bufferView, F, type WasmKernels } from '../../emit/wasm/plan.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const y = plan.buffer(op.output);
    let offset = 0;
    const inputs = op.inputs.map((t, i) => {
      const x = plan.buffer(t);
      const entry = {
        i,
        x: bufferView(x),
        start: x.at + x.originBytes,
        gradStart: x.gradAt + x.originBytes,
        offsetBytes: offset * F,
        aligned: offset % 4 === 0,
        copyBytes: x.pixelBytes,
        // Backward: whole vectors of this input's channels, then the rest one by one (its padding stays zero).
        vectorBytes: Math.floor(x.channels / 4) * 16,
        scalars: Array.from({ length: x.channels % 4 }, (_, k) => ({ at: (Math.floor(x.channels / 4) * 4 + k) * F })),
        channelBytes: x.channels * F,
        accumulate: op.inputGrads[i] === 'accumulate',
        grad: op.inputGrads[i] !== 'none',
      };
      offset += x.channels;
      return entry;
    });
    return {
      backward: inputs.some((x) => x.grad),
      template: { name: op.name, y: bufferView(y), yStart: y.at + y.originBytes, dyStart: y.gradAt + y.originBytes, inputs, grads: inputs.filter((x) => x.grad) },
    };
  },
};
