// dropout in the WebAssembly backend: the masks' random bits four at a time (i32x4
// multiplies and shifts), for the four channels of a pixel.
import { bufferView, type WasmKernels } from '../../emit/wasm/plan.js';
import type { LayerOf } from '../types.js';
import { salt, threshold, type DropoutOptions } from './index.js';

export const wasmKernels: WasmKernels = {
  view(op, plan) {
    const layer = op.layer as LayerOf<DropoutOptions>;
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    const plane = x.height * x.width;
    return {
      backward: mode !== 'none',
      helpers: ['hash'],
      template: {
        name: op.name,
        x: bufferView(x),
        y: bufferView(y),
        rate: layer.rate,
        scale: 1 / (1 - layer.rate),
        salt: salt(op.name) | 0,
        threshold: threshold(layer.rate) | 0,
        inPlace: op.inPlace,
        accumulate: mode === 'accumulate',
        plane,
        lanes: [0, plane, 2 * plane, 3 * plane],
        vectorStep: 4 * plane,
        sampleElements: x.channels * plane,
        forwardLoop: { from: x.at + x.originBytes, to: y.at + y.originBytes, fromSample: x.sampleBytes, toSample: y.sampleBytes, fromRow: x.rowBytes, toRow: y.rowBytes, fromPixel: x.pixelBytes, toPixel: y.pixelBytes },
        backwardLoop: { from: y.gradAt + y.originBytes, to: x.gradAt + x.originBytes, fromSample: y.sampleBytes, toSample: x.sampleBytes, fromRow: y.rowBytes, toRow: x.rowBytes, fromPixel: y.pixelBytes, toPixel: x.pixelBytes },
      },
    };
  },
};
