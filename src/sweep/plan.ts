// A sweep's plan: which runs, each a list of `key=value` overrides and a seed. From a grid
// (`--set key=v1,v2,v3`, every combination) or random samples (`--random N` with ranges such
// as `train.learning_rate=log(1e-4,1e-1)`), times the seeds.
import { userError } from '../diagnostics.js';
import { Rng } from '../runtime/rng.js';

/** One `--set`: a key and its values (one value: the same in every run). */
export interface Axis {
  readonly key: string;
  /** The values, as written (YAML scalars); for a range, undefined. */
  readonly values?: readonly string[];
  /** A range to sample from with --random: log-uniform, uniform, or whole numbers. */
  readonly range?: { readonly kind: 'log' | 'uniform' | 'int'; readonly low: number; readonly high: number };
}

export interface PlannedRun {
  /** Folder name: its position, then what sets it apart (01-learning_rate=0.001-seed=1). */
  readonly name: string;
  /** The swept settings of this run, key → value as written. */
  readonly settings: Readonly<Record<string, string>>;
  readonly seed: number;
}

export interface SweepPlan {
  readonly axes: readonly Axis[];
  readonly seeds: readonly number[];
  /** With --random: how many samples (each run with every seed). */
  readonly random?: number;
  readonly runs: readonly PlannedRun[];
}

/** Sweeps larger than this are a typo (a stray comma), not an experiment. */
export const MAX_SWEEP_RUNS = 1000;

const RANGE = /^(log|uniform|int)\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)$/;

/** `key=v1,v2` or `key=log(a,b)`, as given to --set. */
export function parseAxis(text: string): Axis {
  const split = text.indexOf('=');
  const source = `--set ${text}`;
  if (split <= 0) throw userError(source, 'expected key.path=value or key.path=v1,v2,…, e.g. train.learning_rate=0.001,0.003');
  const key = text.slice(0, split).trim();
  const value = text.slice(split + 1).trim();
  const range = RANGE.exec(value);
  if (range) {
    const [low, high] = [Number(range[2]), Number(range[3])];
    const kind = range[1] as 'log' | 'uniform' | 'int';
    if (!Number.isFinite(low) || !Number.isFinite(high) || low >= high) throw userError(source, `a range needs two numbers, low < high; found ${range[2]} and ${range[3]}`);
    if (kind === 'log' && low <= 0) throw userError(source, `log(${range[2]}, ${range[3]}) needs positive bounds`, 'use uniform(a,b) for a range that includes 0');
    if (kind === 'int' && (!Number.isSafeInteger(low) || !Number.isSafeInteger(high))) throw userError(source, 'int(a,b) needs whole numbers');
    return { key, range: { kind, low, high } };
  }
  const values = value.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw userError(source, 'a value is empty (two commas, or one at the end?)');
  if (new Set(values).size !== values.length) throw userError(source, 'a value is listed twice');
  return { key, values };
}

/** A list of seeds, as given to --seeds: 1,2,3 or 1-5. */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').flatMap((part) => {
    const span = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (span) return Array.from({ length: Math.max(0, Number(span[2]) - Number(span[1]) + 1) }, (_, i) => Number(span[1]) + i);
    return /^\s*\d+\s*$/.test(part) ? [Number(part)] : [NaN];
  });
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) throw userError('--seeds', `expected whole numbers ≥ 0, e.g. 1,2,3 or 1-3; found ${JSON.stringify(text)}`);
  if (new Set(seeds).size !== seeds.length) throw userError('--seeds', 'a seed is listed twice');
  return seeds;
}

export function planSweep(axes: readonly Axis[], seeds: readonly number[], random?: number): SweepPlan {
  const ranged = axes.filter((a) => a.range);
  if (ranged.length > 0 && random === undefined) throw userError(`--set ${ranged[0]!.key}=…`, 'a range is sampled only with --random N', 'add --random 10 (or list values: key=v1,v2,v3)');
  const points = random === undefined ? grid(axes) : samples(axes, random);
  const runs = points.flatMap((settings) => seeds.map((seed) => ({ settings, seed })));
  if (runs.length > MAX_SWEEP_RUNS) throw userError('--set', `the sweep has ${runs.length} runs; at most ${MAX_SWEEP_RUNS}`, 'sweep fewer values, or sample them with --random N');
  // Only what varies names a run: a key with one value is the same everywhere.
  const varying = axes.filter((a) => a.range || (a.values?.length ?? 0) > 1).map((a) => a.key);
  const digits = String(runs.length).length;
  return {
    axes,
    seeds,
    random,
    runs: runs.map(({ settings, seed }, i) => {
      const parts = varying.map((key) => `${shortKey(key, varying)}=${settings[key]}`);
      if (seeds.length > 1 || parts.length === 0) parts.push(`seed=${seed}`);
      return { name: `${String(i + 1).padStart(digits, '0')}-${parts.join('-')}`.replace(/[^A-Za-z0-9._=+-]/g, '_'), settings, seed };
    }),
  };
}

/** Every combination of the listed values, the first key varying slowest. */
function grid(axes: readonly Axis[]): Record<string, string>[] {
  return axes.reduce<Record<string, string>[]>((points, axis) => points.flatMap((point) => axis.values!.map((value) => ({ ...point, [axis.key]: value }))), [{}]);
}

/** `count` random points: ranges sampled, value lists chosen from; the same every time. */
function samples(axes: readonly Axis[], count: number): Record<string, string>[] {
  const rng = new Rng(0x5eed);
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      axes.map((axis) => {
        if (axis.values) return [axis.key, axis.values[Math.min(axis.values.length - 1, Math.floor(rng.uniform() * axis.values.length))]!];
        const { kind, low, high } = axis.range!;
        const u = rng.uniform();
        const value = kind === 'log' ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : kind === 'int' ? Math.floor(low + u * (high - low + 1)) : low + u * (high - low);
        return [axis.key, kind === 'int' ? String(Math.min(value, high)) : Number(value.toPrecision(3)).toString()];
      }),
    ),
  );
}

/** The last part of a key (learning_rate), or the whole key where that would be ambiguous. */
export function shortKey(key: string, keys: readonly string[]): string {
  const last = key.split('.').at(-1)!;
  return keys.filter((k) => k.split('.').at(-1) === last).length > 1 ? key : last;
}
