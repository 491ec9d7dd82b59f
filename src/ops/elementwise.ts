// What the elementwise ops (the activations) share: one input, an output of the same
// shape, a forward map y = f(x) and a backward map dx = dy·f′, in place where the graph
// allows. Each activation's folder holds only its formulas.
import { bufferView, type TsKernels } from '../emit/ts/plan.js';
import type { GraphOp } from '../lower/graph.js';
import type { GradientInfo, InferResult, OpDefinition } from './types.js';

/** The definition of an activation with the given options; shape in = shape out. */
export function activation<Options>(spec: {
  type: string;
  description: string;
  options?: OpDefinition<Options>['options'];
  gradient: GradientInfo;
  describe?: OpDefinition<Options>['describe'];
}): OpDefinition<Options> {
  return {
    type: spec.type,
    description: spec.description,
    options: spec.options ?? {},
    arity: { min: 1, max: 1 },
    example: `- ${spec.type}`,
    infer: (_layer, [input]): InferResult => ({ output: input!, flops: 0 }),
    describe: spec.describe ?? (() => ''),
    gradient: spec.gradient,
  };
}

/**
 * The TypeScript view of an elementwise op: x and y, whether one flat loop covers them
 * (the same layout, and borders that f keeps at zero), and the gradient's mode.
 */
export function tsElementwise(options: { keepsZero: boolean; fields?: (op: GraphOp) => Record<string, unknown> }): TsKernels {
  return (op, plan) => {
    const [xId] = op.inputs;
    const x = plan.buffer(xId!);
    const y = plan.buffer(op.output);
    const mode = op.inputGrads[0]!;
    const { readsInputs, readsOutput } = op.op.gradient;
    const backward = mode === 'none' ? undefined : [...(readsInputs ? [plan.values(xId!)] : []), ...(readsOutput ? [plan.values(op.output)] : []), plan.grads(op.output), plan.grads(xId!)];
    return {
      forward: [plan.values(xId!), plan.values(op.output)],
      backward,
      template: {
        name: op.name,
        x: bufferView(x),
        y: bufferView(y),
        flat: x.pad === y.pad && (options.keepsZero || x.pad === 0),
        inPlace: op.inPlace,
        accumulate: mode === 'accumulate',
        readsInput: readsInputs,
        readsOutput,
        ...options.fields?.(op),
      },
    };
  };
}
