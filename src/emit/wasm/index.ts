// The WebAssembly backend: model.wat (the kernels, as text), model.wasm (assembled, with
// fused multiply-adds), model-simd.wasm (the same without them, for runtimes without
// relaxed SIMD), and model-wasm.ts, the glue that gives them the TypeScript model's Net
// interface. The graph is planned by plan.ts; each op's kernels come from its own
// template (src/ops/<type>/wasm.hbs) and view.
import type { Graph } from '../../lower/graph.js';
import { CompilerBug } from '../../lower/verify.js';
import { pixelScaleText, stateView, trainingView, type SourceInfo } from '../common.js';
import { template } from '../templates.js';
import { assemble } from './assemble.js';
import { F, type Packing, WasmPlan } from './plan.js';

/** The shared helper functions, in the order they are emitted, and what each calls. */
const HELPERS = ['hash'];

export interface WasmFiles {
  readonly wat: string;
  /** With fused multiply-adds (relaxed SIMD). */
  readonly wasm: Uint8Array;
  /** Plain SIMD. */
  readonly simd: Uint8Array;
  /** The TypeScript glue, for the type-check and emit with the rest. */
  readonly glue: string;
}

export function emitWasm(graph: Graph, source: SourceInfo): WasmFiles {
  const plan = new WasmPlan(graph);
  const views = graph.ops.map((op) => op.op.kernels.wasm.view(op, plan));
  const ops = graph.ops.map((op, i) => {
    const view = views[i]!;
    return { name: op.name, partial: `ops/${op.type}/wasm`, view: view.template, backward: op.backward && view.backward, packs: view.packs ?? [], unpacks: view.unpacks ?? [], updates: view.updates ?? [], transforms: view.transforms ?? [] };
  });
  // Helper functions, once each (an op lists every helper its kernels call).
  const needed = new Set(views.flatMap((view) => view.helpers ?? []));
  const helpers = HELPERS.filter((name) => needed.has(name)).map((name) => ({ partial: `ops/shared/wasm-${name}` }));
  // Packings gather through index tables in the shared part (the glue writes them once).
  const zeroAt = plan.takeShared(16);
  const packs = ops.flatMap((op) => op.packs).map((p) => {
    const count = packedLength(p);
    if (!p.shared) throw new CompilerBug(`packing ${p.name}: packed weights are shared by every thread`);
    return { ...packingView(p), count, table: plan.takeShared(count * F), fromAt: ('role' in p.from ? plan.params : plan.state) + p.from.offset * F };
  });
  const unpacks = ops.flatMap((op) => op.unpacks).map((p) => {
    if (p.shared || !('role' in p.from) || p.from.size !== p.outputs * p.inputs * p.taps) throw new CompilerBug(`unpacking ${p.name}: not a region's gradient of the whole parameter`);
    return { ...packingView(p), count: p.from.size, table: plan.takeShared(p.from.size * F), gradAt: plan.grads + p.from.offset * F, packedAt: p.to };
  });
  // What prepare() made the packings from, to skip it while they are current.
  const paramBytes = Math.ceil(graph.paramCount / 4) * 16;
  const stateBytes = Math.ceil(graph.stateCount / 4) * 16;
  const prepared = { flag: plan.takeShared(16), params: plan.takeShared(paramBytes), stateAt: plan.state, state: plan.takeShared(stateBytes), stateBytes };
  const labels = plan.take(graph.chunk);
  const predictions = plan.take(graph.chunk);
  const probabilities = plan.take(graph.chunk * graph.classes * F);
  const { trainer } = graph;
  const training = trainingView(graph);
  const module = (fma: boolean) => ({
    fma,
    helpers,
    ops,
    backward: [...ops].reverse().filter((op) => op.backward),
    packs,
    unpacks,
    transforms: ops.flatMap((op) => op.transforms),
    optimizer: training.optimizer,
    damping: 1 - graph.optimizer.momentum,
    squaredDamping: 1 - graph.optimizer.beta2,
    params: plan.params,
    momentumAt: plan.momentum,
    varianceAt: plan.variance,
    rates: plan.rates,
    decays: plan.decays,
    grads: plan.grads,
    paramBytes,
    regionBytes: plan.regionBytes,
    prepared,
  });
  const header = template('header')(source).replace(/^\/\/ ?/gm, ';; ');
  const text = (fma: boolean) => `${header};;\n;; The kernels of the WebAssembly backend (see model-wasm.ts), in the text format.\n${template('model-wat')(module(fma))}`;
  const wat = text(true);
  const input = plan.storageBuffer(0);
  const logits = plan.buffer(graph.logits);
  const glue = template('model-wasm')({
    sharedBytes: plan.sharedBytes,
    regionBytes: plan.regionBytes,
    pixelScale: pixelScaleText(trainer.pixelScale),
    batch: graph.batch,
    chunk: graph.chunk,
    classes: graph.classes,
    paramCount: graph.paramCount,
    stateCount: graph.stateCount,
    ...training,
    array: 'Float32Array',
    state: graph.state.map(stateView),
    layout: { params: plan.params, momentum: plan.momentum, variance: plan.variance, rates: plan.rates, decays: plan.decays, state: plan.state, grads: plan.grads, labels, predictions, probabilities },
    input: {
      ...input,
      floats: (input.sampleBytes * graph.chunk) / F,
      sampleFloats: input.sampleBytes / F,
      originFloats: input.originBytes / F,
      rowFloats: input.rowBytes / F,
    },
    logits: { at: logits.at + logits.originBytes, gradAt: logits.gradAt + logits.originBytes, stride: logits.cp, length: graph.chunk * logits.cp - (logits.cp - graph.classes) },
    packs,
    unpacks,
    zeroAt,
    updates: ops.flatMap((op) => op.updates).map((u) => ({ ...u, length: u.groups * 2 * u.stride })),
  });
  return { wat, wasm: assemble('model.wat', wat), simd: assemble('model-simd.wat', text(false)), glue };
}

/** Elements of a packing's target. */
function packedLength(p: Packing): number {
  const rows = p.packedInputs ?? p.inputs;
  return p.kind === 'blocks' ? (p.blocks ?? []).reduce((n, width) => n + width * p.taps * (p.swap ? p.outputs : p.inputs), 0) : p.swap ? p.taps * p.outputs * p.width : p.taps * rows * p.width;
}

/** A packing as the templates print it: its layout as a literal. */
function packingView(p: Packing) {
  const layout = {
    kind: p.kind,
    outputs: p.outputs,
    inputs: p.inputs,
    taps: p.taps,
    width: p.width,
    ...(p.blocks ? { widths: p.blocks } : {}),
    flip: p.flip,
    swap: p.swap,
    ...(p.hwc ? { hwc: p.hwc } : {}),
    ...(p.packedInputs ? { packedInputs: p.packedInputs } : {}),
  };
  return { ...p, layout: JSON.stringify(layout) };
}
