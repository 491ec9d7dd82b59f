// infer: the shape of every layer's output, its parameters and its FLOPs, computed once as
// a table that summary, lowering, diff and tests all read. The layers form a graph (each
// reads the layers it names); the table lists them in an order where every layer comes
// after those it reads. Impossible shapes, cycles and unused branches are located errors.
import { NetcError, type Diagnostic } from '../diagnostics.js';
import { opOf, type Op } from '../ops/index.js';
import type { InferContext, ParamSpec, StateSpec } from '../ops/types.js';
import type { Path } from '../parse/index.js';
import type { Layer, Resolved, ResolvedConfig } from '../resolve/index.js';
import { DATASETS } from '../runtime/datasets.js';
import { checkBudgets } from './budgets.js';
import { checkTraining } from './training.js';
import { formatShape, type Shape } from './shape.js';

export { formatShape, type Shape } from './shape.js';

export interface LayerInfo {
  /** Index of the layer in the resolved config (for locating errors). */
  readonly index: number;
  readonly layer: Layer;
  readonly op: Op;
  /** The shapes of its inputs, in the order it names them. */
  readonly inputs: readonly Shape[];
  /** Its first input's shape. */
  readonly input: Shape;
  readonly output: Shape;
  readonly paramSpecs: readonly ParamSpec[];
  readonly stateSpecs: readonly StateSpec[];
  readonly params: number;
  /** Forward floating-point operations per sample, counted as 2 per multiply-add. */
  readonly flops: number;
}

export interface NetworkInfo {
  readonly config: ResolvedConfig;
  readonly input: Shape;
  readonly classes: number;
  /** Every layer after the layers it reads; the last one outputs the logits. */
  readonly layers: readonly LayerInfo[];
  readonly params: number;
  /** Per sample: forward, and a training step (forward + two backward products ≈ 3×). */
  readonly flops: { readonly forward: number; readonly training: number };
  /** Floats of all layer outputs for one sample (activation memory). */
  readonly activations: number;
}

export function infer(resolved: Resolved): NetworkInfo {
  const { config, locate } = resolved;
  // Users' own data (idx, folder) is read when training: its shape and classes are checked then.
  const dataset = config.data.dataset === 'idx' || config.data.dataset === 'folder' ? undefined : DATASETS[config.data.dataset];
  const input: Shape = { ...config.input };
  const fail = (path: Path, message: string, hint?: string): never => {
    throw new NetcError([{ ...locate(path), message, hint } satisfies Diagnostic]);
  };
  if (dataset && (input.height !== dataset.height || input.width !== dataset.width || input.channels !== dataset.channels)) {
    fail(
      ['input'],
      `the input is ${formatShape(input)} but ${dataset.name} images are ${formatShape(dataset)}`,
      `set input to { height: ${dataset.height}, width: ${dataset.width}, channels: ${dataset.channels} }`,
    );
  }
  checkTraining(config, locate);
  const order = topologicalOrder(config.layers, fail);
  checkAllUsed(config.layers, fail);
  const byName = new Map<string, LayerInfo>();
  const layers: LayerInfo[] = [];
  for (const index of order) {
    const info = inferLayer(config.layers[index]!, index, input, byName, fail);
    byName.set(info.layer.name, info);
    layers.push(info);
  }
  const last = layers.find((l) => l.index === config.layers.length - 1)!;
  const classes = dataset?.classNames.length ?? last.output.channels;
  if (last.output.height !== 1 || last.output.width !== 1 || last.output.channels !== classes) {
    const size = last.output.height * last.output.width * last.output.channels;
    fail(
      last.layer.type === 'dense' ? ['layers', last.index, 'units'] : ['layers', last.index],
      `the last layer, ${last.layer.name}, outputs ${formatShape(last.output)} = ${size} values; ${config.loss} needs ${dataset ? `${classes}, one per class of ${dataset.name}` : 'one per class'}`,
      last.layer.type === 'dense' ? `set units: ${classes}` : `end the network with \`- dense: {units: ${classes}}\``,
    );
  }
  const sum = (values: number[]): number => {
    const total = values.reduce((t, v) => t + v, 0);
    return Number.isSafeInteger(total) ? total : fail(['layers'], `the network's sizes overflow exact arithmetic (${total}); it is far too large`);
  };
  const params = sum(layers.map((l) => l.params));
  const forward = sum(layers.map((l) => l.flops));
  const activations = sum(layers.map((l) => l.output.height * l.output.width * l.output.channels));
  // The logits' layer last: it is the last layer written, and nothing reads it.
  const ordered = [...layers.filter((l) => l !== last), last];
  const network: NetworkInfo = { config, input, classes, layers: ordered, params, flops: { forward, training: 3 * forward }, activations };
  checkBudgets(network, locate);
  return network;
}

type Fail = (path: Path, message: string, hint?: string) => never;

function inferLayer(layer: Layer, index: number, input: Shape, byName: ReadonlyMap<string, LayerInfo>, fail: Fail): LayerInfo {
  const op = opOf(layer.type)!;
  const name = layer.name;
  const sources = layer.inputs.map((n) => (n === 'input' ? undefined : byName.get(n)!));
  const shapes = sources.map((source) => source?.output ?? input);
  const ctx: InferContext = {
    fail: (option, message, hint) => fail(option === undefined ? ['layers', index] : ['layers', index, option], message, hint),
    from: (i) => describeSource(sources[i], shapes[i]!, byName),
    // Sizes stay exact integers, so an absurd config is refused rather than rounded.
    exact: (value) => (Number.isSafeInteger(value) ? value : fail(['layers', index], `${name}: its sizes overflow exact arithmetic (${value}); the layer is far too large`)),
  };
  const result = op.infer(layer as never, shapes, ctx);
  const paramSpecs = result.params ?? [];
  const params = ctx.exact(paramSpecs.reduce((n, p) => n + ctx.exact(p.shape.reduce((a, b) => a * b, 1)), 0));
  return { index, layer, op, inputs: shapes, input: shapes[0]!, output: result.output, paramSpecs, stateSpecs: result.state ?? [], params, flops: result.flops };
}

/**
 * "the output of s2b1_bn2 (16×16×32, shaped by s2b1_conv1)": the layer an input comes from,
 * its shape, and — when that layer kept its own input's shape — the layer that set it.
 */
function describeSource(source: LayerInfo | undefined, shape: Shape, byName: ReadonlyMap<string, LayerInfo>): string {
  if (!source) return `the network input (${formatShape(shape)})`;
  let origin = source;
  for (let steps = 0; steps < 1000; steps++) {
    const first = origin.layer.inputs[0];
    const previous = first === undefined || first === 'input' ? undefined : byName.get(first);
    if (!previous || formatShape(previous.output) !== formatShape(origin.output)) break;
    origin = previous;
  }
  const shapedBy = origin !== source ? `, shaped by ${origin.layer.name}` : '';
  return `the output of ${source.layer.name} (${formatShape(shape)}${shapedBy})`;
}

/** Layer indexes with every layer after the layers it reads, as near the written order as can be. */
function topologicalOrder(layers: readonly Layer[], fail: Fail): number[] {
  const index = new Map(layers.map((l, i) => [l.name, i]));
  const waiting = layers.map((l) => new Set(l.inputs.filter((n) => n !== 'input')).size);
  const readers = layers.map(() => [] as number[]);
  layers.forEach((l, i) => {
    for (const name of new Set(l.inputs)) if (name !== 'input') readers[index.get(name)!]!.push(i);
  });
  const order: number[] = [];
  const ready = new Set(layers.map((_, i) => i).filter((i) => waiting[i] === 0));
  while (ready.size > 0) {
    const next = Math.min(...ready);
    ready.delete(next);
    order.push(next);
    for (const reader of readers[next]!) if (--waiting[reader]! === 0) ready.add(reader);
  }
  if (order.length < layers.length) {
    const cycle = findCycle(layers, new Set(layers.map((_, i) => i).filter((i) => !order.includes(i))), index);
    const first = cycle[0]!;
    fail(['layers', first, 'inputs'], `the layers' inputs make a cycle: ${[...cycle, first].map((i) => layers[i]!.name).join(' → ')}`, 'a layer can read only layers that do not, in turn, read it');
  }
  return order;
}

/** A cycle among the unsorted layers, as indexes (each reads the next's output… in reverse). */
function findCycle(layers: readonly Layer[], left: ReadonlySet<number>, index: ReadonlyMap<string, number>): number[] {
  let at = Math.min(...left);
  const path: number[] = [];
  while (!path.includes(at)) {
    path.push(at);
    at = layers[at]!.inputs.map((n) => index.get(n)).find((i) => i !== undefined && left.has(i))!;
  }
  return path.slice(path.indexOf(at)).reverse();
}

/** Every layer but the last must be read by some layer. */
function checkAllUsed(layers: readonly Layer[], fail: Fail): void {
  const read = new Set(layers.flatMap((l) => l.inputs));
  layers.forEach((layer, i) => {
    if (i < layers.length - 1 && !read.has(layer.name)) {
      fail(['layers', i], `${layer.name}'s output is never used: no layer reads it, and only the last layer's output is the network's`, `read it (inputs: [..., ${layer.name}]) or remove it`);
    }
  });
}
