// What both backends' templates print the same way: parameter views with their
// initialisation, the model's description, the trainer's settings as literals.
import type { Graph, ParamView, StateView } from '../lower/graph.js';
import type { ModelInfo } from '../runtime/net.js';

export interface SourceInfo {
  /** The config file as named in the regenerate command. */
  readonly file: string;
  /** Short hash of the resolved config. */
  readonly hash: string;
  readonly version: string;
  /** The command that regenerates these files. */
  readonly command: string;
}

/** The optimiser and the loss as templates print them (both backends). */
export function trainingView(graph: Graph) {
  const o = graph.optimizer;
  const eps = graph.loss.labelSmoothing;
  return {
    optimizer: {
      ...o,
      sgd: o.kind === 'sgd',
      adam: o.kind !== 'sgd',
      decoupled: o.kind === 'adamw',
      // Adam's second moment, and the moving averages, exist only where used.
      varianceLength: o.kind === 'sgd' ? 0 : graph.paramCount,
      averageLength: o.ema > 0 ? graph.paramCount : 0,
      averageStateLength: o.ema > 0 ? graph.stateCount : 0,
    },
    loss: { classes: graph.classes, smoothing: eps > 0, keep: 1 - eps, spread: eps / graph.classes },
    params: graph.params.map((view) => ({ ...paramView(view), decay: o.decays[view.name] ?? 0, rateScaled: view.lrScale !== 1 })),
  };
}

/** A parameter view as templates print it: its field, shape and how it starts. */
export function paramView(view: ParamView) {
  const init = view.init;
  const [filters = 0, channels = 0, size = 1] = view.shape;
  return {
    ...view,
    end: view.offset + view.size,
    shapeText: view.shape.map((d) => `[${d}]`).join(''),
    normal: init.kind === 'normal',
    constant: init.kind === 'constant',
    whiten: init.kind === 'whiten',
    std: init.kind === 'normal' || init.kind === 'identity' ? init.std : 0,
    value: init.kind === 'constant' ? init.value : 0,
    identity: init.kind === 'identity' ? { filters: Math.min(filters, channels), filterSize: channels * size * size, taps: size * size, centre: Math.floor(size / 2) * size + Math.floor(size / 2) } : undefined,
  };
}

export function stateView(view: StateView) {
  return { ...view, end: view.offset + view.size, shapeText: view.shape.map((d) => `[${d}]`).join(''), value: view.init };
}

/** The ModelInfo literal every model module exports. */
export function modelInfo(graph: Graph, dtype: 'float32' | 'float64', inputLength: number): ModelInfo {
  const summary = (v: ParamView | StateView) => ({ name: v.name, offset: v.offset, size: v.size, shape: v.shape });
  return {
    name: graph.name,
    dtype,
    batch: graph.batch,
    chunk: graph.chunk,
    classes: graph.classes,
    paramCount: graph.paramCount,
    stateCount: graph.stateCount,
    inputLength,
    input: { ...graph.tensors[0]!.shape },
    splitUnit: graph.splitUnit,
    layers: graph.layers,
    params: graph.params.map((v) => ({ ...summary(v), trainable: v.trainable })),
    state: graph.state.map(summary),
    whiten: graph.params.filter((v) => v.init.kind === 'whiten').map((v) => ({ offset: v.offset, filters: v.shape[0]!, channels: v.shape[1]!, size: v.shape[2]! })),
  };
}

/**
 * A value as a TypeScript literal: JSON (so every string is an escaped literal and no
 * config text can become code), one line per item where the whole does not fit on one.
 */
export function literal(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length <= 100 || value === null || typeof value !== 'object') return flat;
  const inner = indent + '  ';
  const items = Array.isArray(value)
    ? value.map((item) => inner + literal(item, inner))
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${literal(item, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

/** The pixel scale as code: `1`, or `1 / 255`. */
export function pixelScaleText(scale: number): string {
  return scale === 1 ? '1' : `1 / ${Math.round(1 / scale)}`;
}

/** Each storage's zero border: what its readers need (the graph's), and what ops need around their outputs' gradients. */
export function storageBorders(graph: Graph): number[] {
  const borders = graph.storages.map((s) => s.border);
  for (const op of graph.ops) {
    const storage = graph.tensors[op.output]!.storage;
    borders[storage] = Math.max(borders[storage]!, op.op.outputGradBorder?.(op) ?? 0);
  }
  return borders;
}
