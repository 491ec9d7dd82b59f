// add in the WebAssembly backend: four channels at a time, row by row over the interiors
// (its inputs may have different borders).
import { bufferView, type WasmKernels } from '../../emit/wasm/plan.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const y = plan.buffer(op.output);
    const inputs = op.inputs.map((t, i) => {
      const x = plan.buffer(t);
      return { i, x: bufferView(x), start: x.at + x.originBytes, gradStart: x.gradAt + x.originBytes, accumulate: op.inputGrads[i] === 'accumulate', grad: op.inputGrads[i] !== 'none' };
    });
    return {
      backward: inputs.some((x) => x.grad),
      template: { name: op.name, y: bufferView(y), yStart: y.at + y.originBytes, dyStart: y.gradAt + y.originBytes, rowBytes: y.width * y.pixelBytes, inputs, first: inputs[0], rest: inputs.slice(1), grads: inputs.filter((x) => x.grad) },
    };
  },
};
