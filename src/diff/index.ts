// diff: two configs or run folders, compared semantically — the hyperparameters that
// differ, the layers aligned (added, removed, changed, moved, or reshaped by a change
// upstream), the totals, and for runs, their results side by side.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerInfo, Shape } from '../infer/index.js';
import type { Checked } from '../pipeline.js';
import type { Layer, ResolvedConfig } from '../resolve/index.js';
import type { Metrics } from '../runtime/train-loop.js';
import { classStats } from '../report/confusion.js';
import { alignLayers } from './align.js';

export interface Side {
  /** What the user named: a config file or a run folder. */
  readonly label: string;
  readonly checked: Checked;
  /** A run folder's results. */
  readonly metrics?: Metrics;
}

export interface Change {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface LayerSide {
  readonly name: string;
  readonly type: string;
  readonly layer: Layer;
  readonly input: [number, number, number];
  readonly inputShapes: readonly Shape[];
  readonly output: [number, number, number];
  readonly params: number;
  readonly flops: number;
}

export interface LayerRow {
  readonly status: 'same' | 'added' | 'removed' | 'changed' | 'reshaped';
  /** A whole block use added or removed, shown as one row (its side sums its layers). */
  readonly block?: { readonly use: string; readonly block: string; readonly layers: number };
  readonly a?: LayerSide;
  readonly b?: LayerSide;
  /** Options that differ (changed layers). */
  readonly changes: readonly Change[];
  readonly moved: boolean;
}

export interface Totals {
  readonly params: number;
  readonly trainingFlops: number;
  /** Bytes of layer outputs for one batch at the configured batch size (float32). */
  readonly activationBytes: number;
}

export interface RunResults {
  /** How each was trained: "wasm, 2 threads", "pytorch, 2 processes (cpu)". */
  readonly trainedWith: [string, string];
  readonly iterations: [number, number];
  readonly testAccuracy: [number, number];
  readonly testLoss: [number, number];
  readonly trainSeconds: [number, number];
  readonly samplesPerSecond: [number, number];
  readonly recall: readonly { readonly name: string; readonly a: number; readonly b: number }[];
}

export interface Diff {
  readonly a: { readonly label: string; readonly name: string };
  readonly b: { readonly label: string; readonly name: string };
  readonly hyperparameters: readonly Change[];
  readonly layers: readonly LayerRow[];
  readonly totals: { readonly a: Totals; readonly b: Totals };
  readonly runs?: RunResults;
  /** The same network and settings (and, for runs, the same results). */
  readonly equal: boolean;
}

/** A side from a config file, or from a run folder (its resolved config and metrics). */
export function isRunFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'metrics.json')) && existsSync(join(path, 'config.yaml'));
}

export function diff(a: Side, b: Side): Diff {
  const hyperparameters = changedSettings(a.checked.resolved.config, b.checked.resolved.config);
  const layers = layerRows(a.checked, b.checked);
  const runs = a.metrics && b.metrics ? runResults(a.metrics, b.metrics) : undefined;
  const sameResults = !runs || (runs.testAccuracy[0] === runs.testAccuracy[1] && runs.testLoss[0] === runs.testLoss[1]);
  return {
    a: { label: a.label, name: a.checked.resolved.config.name },
    b: { label: b.label, name: b.checked.resolved.config.name },
    hyperparameters,
    layers,
    totals: { a: totals(a.checked), b: totals(b.checked) },
    ...(runs ? { runs } : {}),
    equal: hyperparameters.length === 0 && layers.every((row) => row.status === 'same' && !row.moved) && sameResults,
  };
}

/** Every setting outside the layers, as dotted paths; names and descriptions aside. */
function changedSettings(a: ResolvedConfig, b: ResolvedConfig): Change[] {
  const flat = (config: ResolvedConfig) => {
    const { name: _n, description: _d, layers: _l, items: _i, blocks: _b, ...settings } = config;
    return flatten(settings);
  };
  const before = flat(a);
  const after = flat(b);
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  return paths.filter((p) => JSON.stringify(before.get(p)) !== JSON.stringify(after.get(p))).map((path) => ({ path, before: before.get(path), after: after.get(path) }));
}

/** Nested mappings as one level of dotted keys (train.learning_rate); lists stay values. */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function side(info: LayerInfo): LayerSide {
  return {
    name: info.layer.name,
    type: info.layer.type,
    layer: info.layer,
    input: [info.input.height, info.input.width, info.input.channels],
    inputShapes: info.inputs,
    output: [info.output.height, info.output.width, info.output.channels],
    params: info.params,
    flops: info.flops,
  };
}

function layerRows(a: Checked, b: Checked): LayerRow[] {
  const la = a.network.layers;
  const lb = b.network.layers;
  // Inserting or removing a layer moves its readers' inputs: not a rewiring. An input is
  // followed back through layers only one side has, to the first layer both have.
  const byName = (layers: typeof la) => new Map(layers.map((l) => [l.layer.name, l.layer]));
  const [mapA, mapB] = [byName(la), byName(lb)];
  const surviving = (inputs: readonly string[], own: Map<string, Layer>, other: Map<string, Layer>) =>
    inputs.map((name) => {
      let at = name;
      for (let steps = 0; at !== 'input' && !other.has(at) && steps < own.size; steps++) at = own.get(at)?.inputs[0] ?? 'input';
      return at;
    });
  const rows = alignLayers(
    la.map((l) => l.layer),
    lb.map((l) => l.layer),
  ).map((row): LayerRow => {
    const left = row.a === undefined ? undefined : side(la[row.a]!);
    const right = row.b === undefined ? undefined : side(lb[row.b]!);
    if (!left) return { status: 'added', b: right, changes: [], moved: false };
    if (!right) return { status: 'removed', a: left, changes: [], moved: false };
    const changes = changedOptions(withoutUses({ ...left.layer, inputs: surviving(left.layer.inputs, mapA, mapB) }), withoutUses({ ...right.layer, inputs: surviving(right.layer.inputs, mapB, mapA) }));
    const reshaped = JSON.stringify(left.output) !== JSON.stringify(right.output) || left.params !== right.params;
    const status = changes.length > 0 ? 'changed' : reshaped ? 'reshaped' : 'same';
    return { status, a: left, b: right, changes, moved: row.moved };
  });
  return groupBlocks(groupBlocks(rows, 'b', lb), 'a', la);
}

function withoutUses(layer: Layer): Layer {
  const { uses: _uses, ...rest } = layer;
  return rest;
}

/**
 * Rows of a block use whose layers were all added (side b) or all removed (side a) become
 * one row, for the outermost such use: an added block is one addition.
 */
function groupBlocks(rows: LayerRow[], on: 'a' | 'b', layers: readonly LayerInfo[]): LayerRow[] {
  const status = on === 'b' ? 'added' : 'removed';
  const total = new Map<string, number>();
  for (const info of layers) for (const use of info.layer.uses ?? []) total.set(use.use, (total.get(use.use) ?? 0) + 1);
  const changed = new Map<string, number>();
  for (const row of rows) if (row.status === status) for (const use of row[on]!.layer.uses ?? []) changed.set(use.use, (changed.get(use.use) ?? 0) + 1);
  const whole = (use: string) => changed.get(use) === total.get(use);
  const out: LayerRow[] = [];
  const done = new Set<string>();
  for (const row of rows) {
    const use = row.status === status ? row[on]!.layer.uses?.find((u) => whole(u.use)) : undefined;
    if (!use) {
      out.push(row);
      continue;
    }
    if (done.has(use.use)) continue;
    done.add(use.use);
    const members = rows.filter((r) => r.status === status && r[on]!.layer.uses?.some((u) => u.use === use.use)).map((r) => r[on]!);
    const last = members[members.length - 1]!;
    const sum: LayerSide = {
      name: use.use,
      type: use.block,
      layer: { type: use.block, name: use.use, inputs: members[0]!.layer.inputs },
      input: members[0]!.input,
      inputShapes: members[0]!.inputShapes,
      output: last.output,
      params: members.reduce((n, m) => n + m.params, 0),
      flops: members.reduce((n, m) => n + m.flops, 0),
    };
    out.push({ status, [on]: sum, changes: [], moved: false, block: { use: use.use, block: use.block, layers: members.length } });
  }
  return out;
}

function changedOptions(a: Layer, b: Layer): Change[] {
  const before = flatten(a);
  const after = flatten(b);
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((p) => JSON.stringify(before.get(p)) !== JSON.stringify(after.get(p)))
    .map((path) => ({ path, before: before.get(path), after: after.get(path) }));
}

function totals(checked: Checked): Totals {
  const { network } = checked;
  return { params: network.params, trainingFlops: network.flops.training, activationBytes: network.activations * network.config.train.batch_size * 4 };
}

function trainedWith(m: Metrics): string {
  const { backend, threads, processes, device } = m.train;
  if (processes === undefined) return `${backend}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return `${backend}, ${processes} process${processes === 1 ? '' : 'es'} on ${device ?? 'cpu'}`;
}

function runResults(a: Metrics, b: Metrics): RunResults {
  const ra = classStats(a.test.confusion);
  const rb = classStats(b.test.confusion);
  return {
    trainedWith: [trainedWith(a), trainedWith(b)],
    iterations: [a.train.iterations, b.train.iterations],
    testAccuracy: [a.test.accuracy, b.test.accuracy],
    testLoss: [a.test.loss, b.test.loss],
    trainSeconds: [a.train.seconds, b.train.seconds],
    samplesPerSecond: [a.train.samplesPerSecond, b.train.samplesPerSecond],
    recall: a.test.classes.map((name, k) => ({ name, a: ra[k]?.recall ?? NaN, b: rb[k]?.recall ?? NaN })),
  };
}
