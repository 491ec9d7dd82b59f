// The pipeline: the only place the stages meet.
//   parse → validate → resolve → infer → lower → emit → (write | run → report)
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { readCheckpointState } from './runtime/checkpoint.js';
import { CHECKPOINT_FILE } from './runtime/train-loop.js';
import { NetcError } from './diagnostics.js';
import { emit, type DType, type Emitted } from './emit/index.js';
import { infer, type NetworkInfo } from './infer/index.js';
import { lower, type Graph } from './lower/index.js';
import { readConfigChain } from './parse/chain.js';
import { compose, type Override } from './resolve/compose.js';
import { version } from './paths.js';
import { resolve, type Resolved } from './resolve/index.js';
import { toConfigYaml } from './resolve/serialize.js';
import { writeReport } from './report/index.js';
import { run, type RunOptions, type RunResult } from './run/index.js';
import { validate } from './validate/index.js';

export interface Checked {
  readonly resolved: Resolved;
  readonly network: NetworkInfo;
}

export interface SourceOptions {
  /** The config's text, when it is not to be read from `file` (tests, editors). */
  readonly text?: string;
  /** `key.path=value` overrides, applied after `extends` (as `--set` does). */
  readonly overrides?: readonly Override[];
}

/**
 * parse (with the configs it extends) → validate → compose → resolve → infer. Throws
 * NetcError with located diagnostics.
 */
export function check(file: string, options: SourceOptions = {}): Checked {
  const chain = readConfigChain(file, options.text);
  // Each file alone: in a chain, any option may come from another file.
  const parts = chain.flatMap((parsed) => validate(parsed, { part: chain.length > 1 }));
  if (parts.length > 0) throw new NetcError(parts);
  const composed = compose(chain, options.overrides);
  if (composed !== chain[0]) {
    const whole = validate(composed);
    if (whole.length > 0) throw new NetcError(whole);
  }
  const resolved = resolve(composed);
  return { resolved, network: infer(resolved) };
}

export interface CompileOptions extends SourceOptions {
  /** float32 (default) to train; float64 for gradient checks. */
  readonly dtype?: DType;
  /** Samples a thread's memory holds (default: the compiler's choice); tests force small chunks. */
  readonly chunk?: number;
}

export interface Compiled extends Checked {
  readonly graph: Graph;
  readonly emitted: Emitted;
  /** Short sha256 of the resolved config. */
  readonly hash: string;
}

export function compile(file: string, options: CompileOptions = {}): Compiled {
  const checked = check(file, options);
  const graph = lower(checked.network, { chunk: options.chunk });
  const hash = configHash(checked);
  const shown = displayPath(file);
  const emitted = emit(graph, {
    dtype: options.dtype,
    config: { description: checked.resolved.config.description, yaml: toConfigYaml(checked.resolved.config) },
    source: { file: shown, hash, version, command: `netc compile ${shown}` },
  });
  return { ...checked, graph, emitted, hash };
}

export interface TrainResult extends RunResult {
  readonly compiled: Compiled;
}

/** The options of a run that are config values, and where in the config they go. */
const CONFIG_FLAGS = { iterations: 'train.iterations', seed: 'train.seed', threads: 'train.threads', backend: 'train.backend' } as const;

/** The command-line flags that set config values, as overrides that name the flag in errors. */
export function flagOverrides(options: Partial<Record<keyof typeof CONFIG_FLAGS, unknown>>): { expression: string; source: string }[] {
  return Object.entries(CONFIG_FLAGS).flatMap(([name, key]) => {
    const value = options[name as keyof typeof CONFIG_FLAGS];
    return value === undefined ? [] : [{ expression: `${key}=${value}`, source: `--${name} ${value}` }];
  });
}

/** check → compile → train → evaluate → report, into a run folder. */
export async function train(file: string, options: RunOptions & SourceOptions = {}): Promise<TrainResult> {
  const { text, overrides, ...runOptions } = options;
  // `--iterations`, `--seed`, `--threads` and `--backend` enter as config values: they pass
  // the schema and the budgets (an error names the flag), and the run folder's config.yaml
  // and trainer are the config as trained.
  const flags = flagOverrides(runOptions);
  // A run resumed without --iterations goes on to the length it started with: say so in config.yaml.
  const started = runOptions.resume !== undefined && runOptions.iterations === undefined ? checkpointedLength(runOptions.resume) : undefined;
  if (started !== undefined) flags.push({ expression: `train.iterations=${started}`, source: `--iterations ${started} (the checkpoint's)` });
  const compiled = compile(file, { text, overrides: [...(overrides ?? []), ...flags] });
  const { config } = compiled.resolved;
  const given = flags.length > 0 ? `# Trained with ${flags.map((f) => f.source).join(' ')} (included below).\n` : '';
  const extras = new Map([['config.yaml', `# Resolved from ${displayPath(file)} (sha256 ${compiled.hash}) by netc ${version}\n${given}${toConfigYaml(config)}`]]);
  const result = await run(
    { name: config.name, hash: compiled.hash, seed: config.train.seed, trainer: compiled.emitted.files, extras, dataset: config.data.dataset, input: config.input, backend: config.train.backend, dataPath: config.data.path === undefined ? undefined : resolvePath(dirname(file), config.data.path) },
    runOptions,
  );
  await writeReport(result.dir);
  return { ...result, compiled };
}

/**
 * How long, on how many threads and with which kernels a run trains is not what it trains:
 * a stopped run may be resumed for longer, on other threads or the other backend.
 */
const RUN_ONLY: readonly (readonly [string, string])[] = [
  ['train', 'iterations'],
  ['train', 'threads'],
  ['train', 'backend'],
];

/** The iterations a stopped run was started for, from its checkpoint; undefined when there is none to read (run() says why). */
function checkpointedLength(dir: string): number | undefined {
  try {
    return readCheckpointState(join(dir, CHECKPOINT_FILE)).iterations;
  } catch {
    return undefined;
  }
}

/** A short hash of the fully resolved config, less RUN_ONLY (with `whole`: all of it): the same network and settings, the same hash. */
export function configHash(checked: Checked, options: { whole?: boolean } = {}): string {
  const config = structuredClone(checked.resolved.config) as unknown as Record<string, Record<string, unknown> | undefined>;
  if (!options.whole) for (const [section, key] of RUN_ONLY) delete config[section]?.[key];
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The path as shown in headers and messages: relative to the working folder (with /) when inside it. */
export function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  if (path === '') return '.';
  return path.startsWith('..') || isAbsolute(path) ? resolvePath(file) : path.split(sep).join('/');
}
