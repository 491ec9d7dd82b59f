// diff: two configs or run folders, compared semantically — the hyperparameters that
// differ, the layers aligned (added, removed, changed, moved, or reshaped by a change
// upstream), the totals, and for runs, their results side by side.
import { existsSync, readFileSync, statSync } from 'node:fs';
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

export function readMetrics(runDir: string): Metrics {
  return JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as Metrics;
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

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
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
  return alignLayers(
    la.map((l) => l.layer),
    lb.map((l) => l.layer),
  ).map((row) => {
    const left = row.a === undefined ? undefined : side(la[row.a]!);
    const right = row.b === undefined ? undefined : side(lb[row.b]!);
    if (!left) return { status: 'added', b: right, changes: [], moved: false };
    if (!right) return { status: 'removed', a: left, changes: [], moved: false };
    const changes = changedOptions({ ...left.layer, inputs: surviving(left.layer.inputs, mapA, mapB) }, { ...right.layer, inputs: surviving(right.layer.inputs, mapB, mapA) });
    const reshaped = JSON.stringify(left.output) !== JSON.stringify(right.output) || left.params !== right.params;
    const status = changes.length > 0 ? 'changed' : reshaped ? 'reshaped' : 'same';
    return { status, a: left, b: right, changes, moved: row.moved };
  });
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

function runResults(a: Metrics, b: Metrics): RunResults {
  const ra = classStats(a.test.confusion);
  const rb = classStats(b.test.confusion);
  return {
    testAccuracy: [a.test.accuracy, b.test.accuracy],
    testLoss: [a.test.loss, b.test.loss],
    trainSeconds: [a.train.seconds, b.train.seconds],
    samplesPerSecond: [a.train.samplesPerSecond, b.train.samplesPerSecond],
    recall: a.test.classes.map((name, k) => ({ name, a: ra[k]?.recall ?? NaN, b: rb[k]?.recall ?? NaN })),
  };
}
