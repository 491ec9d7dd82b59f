// verify: the graph's invariants, checked between lowering and planning. A failure here is
// a compiler bug, never a user mistake, so it throws CompilerBug with the details.
import type { NetworkInfo } from '../infer/index.js';
import { formatShape } from '../infer/shape.js';
import type { Graph } from './graph.js';

export class CompilerBug extends Error {
  constructor(message: string) {
    super(`netc internal error (please report): ${message}`);
    this.name = 'CompilerBug';
  }
}

export function verify(graph: Graph, network: NetworkInfo): void {
  const fail = (message: string): never => {
    throw new CompilerBug(`${graph.name}: ${message}`);
  };
  const { tensors, ops, storages } = graph;
  if (tensors[0]?.producer !== null || tensors[0]?.name !== 'input') fail('tensor 0 must be the network input');
  // Topological order: every op reads tensors made before it, and writes a tensor of its own.
  const made = new Set<number>([0]);
  for (const op of ops) {
    for (const t of op.inputs) if (!made.has(t)) fail(`${op.name} reads ${tensors[t]?.name ?? `tensor ${t}`} before it is computed`);
    const out = tensors[op.output];
    if (!out || out.producer !== op.index) fail(`${op.name}'s output tensor does not name it as producer`);
    made.add(op.output);
    for (const t of op.inputs) if (!tensors[t]!.consumers.includes(op.index)) fail(`${tensors[t]!.name} does not list ${op.name} among its consumers`);
    const inferred = network.layers[op.index]!.output;
    if (formatShape(out!.shape) !== formatShape(inferred)) fail(`${op.name} writes ${formatShape(out!.shape)}, inferred ${formatShape(inferred)}`);
    // In place exactly when the output shares the input's storage.
    const sharesInput = op.inputs.some((t) => tensors[t]!.storage === out!.storage);
    if (op.inPlace !== sharesInput) fail(`${op.name} ${op.inPlace ? 'runs in place but has storage of its own' : 'shares its input’s storage but does not run in place'}`);
    if (op.inPlace) {
      const input = tensors[op.inputs[0]!]!;
      if (input.consumers.length !== 1) fail(`${op.name} overwrites ${input.name}, which other ops read`);
      const producer = input.producer === null ? undefined : ops[input.producer];
      if (!producer || producer.op.gradient.readsOutput) fail(`${op.name} overwrites ${input.name}, which its producer's backward pass reads`);
    }
    if (op.inputGrads.length !== op.inputs.length) fail(`${op.name} has ${op.inputGrads.length} gradient modes for ${op.inputs.length} inputs`);
  }
  for (const storage of storages) {
    for (const t of storage.tensors) if (tensors[t]!.storage !== storage.id) fail(`${storage.name} lists ${tensors[t]!.name}, which is stored elsewhere`);
  }
  // Gradients: each needed one is written once (by the last reader in forward order), then added to.
  for (const tensor of tensors) {
    const modes = ops.flatMap((op) => op.inputs.flatMap((t, i) => (t === tensor.id ? [op.inputGrads[i]!] : [])));
    if (!tensor.needsGrad && modes.some((m) => m !== 'none')) fail(`${tensor.name} needs no gradient but gets one`);
    const writes = modes.filter((m) => m === 'write').length;
    if (modes.some((m) => m === 'accumulate') && writes !== 1) fail(`the gradient of ${tensor.name} is added to, but written ${writes} times`);
    if (writes > 1) fail(`the gradient of ${tensor.name} is written ${writes} times`);
  }
  const logits = tensors[graph.logits]!;
  if (logits.producer !== ops.length - 1) fail('the loss does not read the last op’s output');
  if (logits.shape.height !== 1 || logits.shape.width !== 1 || logits.shape.channels !== graph.classes) fail('logits must be a vector of one value per class');
  // Parameters and state: contiguous views that add up to the inferred total.
  let offset = 0;
  for (const view of graph.params) {
    if (view.offset !== offset) fail(`${view.name} starts at ${view.offset}, expected ${offset}`);
    if (view.size !== view.shape.reduce((a, b) => a * b, 1)) fail(`${view.name} has size ${view.size} but shape [${view.shape.join(', ')}]`);
    offset += view.size;
  }
  if (offset !== graph.paramCount || graph.paramCount !== network.params) {
    fail(`parameters total ${offset} (declared ${graph.paramCount}), inferred ${network.params}`);
  }
  let stateOffset = 0;
  for (const view of graph.state) {
    if (view.offset !== stateOffset) fail(`${view.name} starts at ${view.offset}, expected ${stateOffset}`);
    stateOffset += view.size;
  }
  if (stateOffset !== graph.stateCount) fail(`state totals ${stateOffset}, declared ${graph.stateCount}`);
  if (graph.batch % graph.splitUnit !== 0 && graph.splitUnit > graph.batch) fail(`split unit ${graph.splitUnit} exceeds the batch`);
  if (graph.chunk !== graph.batch && (graph.chunk % graph.splitUnit !== 0 || graph.chunk < 1 || graph.chunk > graph.batch)) fail(`chunk ${graph.chunk} is not a whole number of split units (${graph.splitUnit}) up to the batch (${graph.batch})`);
}
