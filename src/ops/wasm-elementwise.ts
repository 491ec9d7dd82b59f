// Elementwise ops in the WebAssembly backend: four channels of one pixel at a time, over the
// whole buffer when x and y share a layout (and f keeps the zero border zero), else row by
// row over the interiors.
import { bufferView, type WasmBuffer, type WasmKernels } from '../emit/wasm/plan.js';

export function wasmElementwise(options: { keepsZero: boolean; helpers?: readonly string[]; fields?: (op: Parameters<WasmKernels['view']>[0]) => Record<string, unknown> }): WasmKernels {
  return {
    view(op, plan) {
      const [xId] = op.inputs;
      const x = plan.buffer(xId!);
      const y = plan.buffer(op.output);
      const mode = op.inputGrads[0]!;
      const { readsInputs, readsOutput } = op.op.gradient;
      const flat = x.pad === y.pad && (options.keepsZero || x.pad === 0);
      const fields = options.fields?.(op) ?? {};
      return {
        backward: mode !== 'none',
        helpers: options.helpers,
        template: {
          name: op.name,
          x: bufferView(x),
          y: bufferView(y),
          flat,
          inPlace: op.inPlace,
          accumulate: mode === 'accumulate',
          readsInput: readsInputs,
          readsOutput,
          // The loops' own contexts carry the op's fields too (the expressions inside them read them).
          forward: { flat, sampleBytes: x.sampleBytes, from: x.at, to: y.at, ...rows(x, y, x.at, y.at), ...fields },
          // No backward loop where x needs no gradient (its gradient buffer does not exist).
          backwardPass: mode === 'none' ? undefined : { flat, sampleBytes: x.sampleBytes, dy: y.gradAt, dx: x.gradAt, xv: x.at, yv: y.at, accumulate: mode === 'accumulate', readsInput: readsInputs, readsOutput, ...rows(x, y, x.gradAt, y.gradAt), xvRow: x.at + x.originBytes, yvRow: y.at + y.originBytes, ...fields },
          ...fields,
        },
      };
    },
  };
}

/** Row-by-row addresses over the interiors of x and y (for different layouts). */
function rows(x: WasmBuffer, y: WasmBuffer, xAt: number, yAt: number) {
  return {
    xRow0: xAt + x.originBytes,
    yRow0: yAt + y.originBytes,
    xSample: x.sampleBytes,
    ySample: y.sampleBytes,
    xRow: x.rowBytes,
    yRow: y.rowBytes,
    height: x.height,
    rowBytes: x.width * x.pixelBytes,
  };
}
