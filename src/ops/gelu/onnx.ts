// gelu in ONNX: x·Φ(x) = x · (1 + erf(x/√2)) / 2, from Erf (Gelu itself arrived in opset 20).
import type { OnnxForm } from '../../export/onnx.js';

export const onnxForm: OnnxForm = (ctx) => {
  const x = ctx.inputs[0]!;
  const erf = ctx.node('Erf', [ctx.node('Mul', [x, ctx.floats('rsqrt2', [Math.SQRT1_2], [])], undefined, 'scaled')], undefined, 'erf');
  const phi = ctx.node('Mul', [ctx.node('Add', [erf, ctx.floats('one', [1], [])], undefined, 'plus_one'), ctx.floats('half', [0.5], [])], undefined, 'phi');
  ctx.node('Mul', [x, phi]);
};
