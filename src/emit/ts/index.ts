// The TypeScript backend: the graph, planned (ts/plan.ts), as the values model.hbs prints.
// Each op's kernels come from its own template (src/ops/<type>/ts.hbs) and view.
import type { Graph } from '../../lower/graph.js';
import { literal, modelInfo, pixelScaleText, stateView, trainingView, type SourceInfo } from '../common.js';
import { bufferView, type DType, TsPlan } from './plan.js';

export function tsModelView(graph: Graph, dtype: DType, source: SourceInfo) {
  const plan = new TsPlan(graph, dtype);
  const ops = graph.ops.map((op) => {
    const view = op.op.kernels.ts(op, plan);
    return { name: op.name, partial: `ops/${op.type}/ts`, view: view.template, forward: view.forward, backward: op.backward ? view.backward : undefined, extras: view.extras ?? [], updates: view.updates ?? [] };
  });
  const input = plan.storageBuffer(0);
  const needsGrad = (storage: number) => graph.storages[storage]!.tensors.some((t) => graph.tensors[t]!.needsGrad) || graph.tensors[graph.logits]!.storage === storage;
  const buffers = graph.storages
    .filter((s) => s.id !== 0)
    .map((s) => ({ ...bufferView(plan.storageBuffer(s.id)), size: plan.storageBuffer(s.id).sampleStride * graph.chunk, grad: needsGrad(s.id) }));
  const extras = ops.flatMap((op) =>
    op.extras.map((e) => ({ name: `${op.name}_${e.suffix}`, type: e.type === 'float' ? plan.array : e.type, size: e.size ?? (e.perSample ?? 0) * graph.chunk, what: e.what, shared: e.shared === true })),
  );
  const { trainer } = graph;
  return {
    source,
    array: plan.array,
    dtype,
    batch: graph.batch,
    chunk: graph.chunk,
    classes: graph.classes,
    paramCount: graph.paramCount,
    stateCount: graph.stateCount,
    modelInfo: literal(modelInfo(graph, dtype, input.sampleStride * graph.chunk)),
    ...trainingView(graph),
    state: graph.state.map(stateView),
    input: { ...bufferView(input), size: input.sampleStride * graph.chunk },
    pixelScale: pixelScaleText(trainer.pixelScale),
    buffers,
    extras: extras.filter((e) => !e.shared),
    sharedExtras: extras.filter((e) => e.shared),
    updates: ops.flatMap((op) => op.updates),
    ops,
    backward: [...ops].reverse().filter((op) => op.backward !== undefined),
    logits: plan.buffer(graph.logits).name,
    settings: literal({ ...trainer, configHash: source.hash }),
  };
}
