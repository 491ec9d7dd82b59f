// sweep: one config, many runs — a grid or random samples of settings, times seeds — each a
// normal run folder under one sweep folder, with sweep.json saying what was planned and how
// each run ended. Every run is `netc train` in its own process (so K can run side by side,
// and one run's crash is that run's alone); an interrupted sweep resumes where it stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { userError } from '../diagnostics.js';
import { packageRoot, version } from '../paths.js';
import { check, configHash, displayPath } from '../pipeline.js';
import { checkNewRunFolder, timestamp } from '../run/index.js';
import { readMetrics } from '../runs.js';
import { makeFolder, writeFileAtomic } from '../runtime/atomic.js';
import type { Metrics } from '../runtime/train-loop.js';
import { CHECKPOINT_FILE } from '../runtime/train-loop.js';
import { parseAxis, parseSeeds, planSweep, type PlannedRun } from './plan.js';
import { summaryMarkdown, summaryRows } from './table.js';

export const SWEEP_FILE = 'sweep.json';

export type RunStatus = 'pending' | 'completed' | 'diverged' | 'failed' | 'interrupted';

export interface SweepRun extends PlannedRun {
  status: RunStatus;
  /** Why a run failed: the first error line of its log. */
  message?: string;
}

export interface SweepManifest {
  readonly format: 'netc-sweep/1';
  readonly netc: string;
  /** The config, absolute. */
  readonly config: string;
  /** Its hash when the sweep started: a resumed sweep must train the same config. */
  readonly configHash: string;
  readonly sets: readonly string[];
  readonly seeds: readonly number[];
  readonly random?: number;
  readonly parallel: number;
  /** Threads each run trains on. */
  readonly threads: number | 'auto';
  readonly data?: string;
  readonly createdAt: string;
  readonly runs: SweepRun[];
}

export interface SweepOptions {
  /** `key=v1,v2` or `key=log(a,b)`, as given to --set. */
  readonly sets?: readonly string[];
  /** --seeds: 1,2,3 (default: the config's seed). */
  readonly seeds?: string;
  readonly random?: number;
  /** Runs side by side (the cores split between them). */
  readonly parallel?: number;
  readonly threads?: number | 'auto';
  readonly data?: string;
  readonly out?: string;
  readonly sweepsDir?: string;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

export interface SweepResult {
  readonly dir: string;
  readonly manifest: SweepManifest;
  readonly metrics: ReadonlyMap<string, Metrics>;
  /** The summary table: header, then one row per setting (mean ± sd over seeds). */
  readonly table: readonly (readonly string[])[];
}

/** Thrown when a signal stopped the sweep; its runs were checkpointed. */
export class SweepInterrupted extends Error {
  constructor(readonly dir: string) {
    super(`the sweep in ${dir} was stopped`);
    this.name = 'SweepInterrupted';
  }
}

/** Plans a new sweep of `file` and runs it. */
export async function sweep(file: string, options: SweepOptions = {}): Promise<SweepResult> {
  const axes = (options.sets ?? []).map(parseAxis);
  // Each run's seed and threads are flags of its `netc train`, which would override a --set.
  for (const [key, flag] of [['train.seed', '--seeds 1,2,3'], ['train.threads', '--threads N']] as const) {
    if (axes.some((a) => a.key === key)) throw userError(`--set ${key}=…`, `a sweep sets ${key} with ${flag.split(' ')[0]}`, `use ${flag}`);
  }
  const checked = check(file);
  const seeds = options.seeds === undefined ? [checked.resolved.config.train.seed] : parseSeeds(options.seeds);
  const plan = planSweep(axes, seeds, options.random);
  // Every run's settings pass the schema and budgets before anything trains.
  const distinct = new Map(plan.runs.map((r) => [JSON.stringify(r.settings), r]));
  for (const run of distinct.values()) check(file, { overrides: settingsOverrides(run, options.sets ?? []) });
  for (const seed of seeds) check(file, { overrides: [{ expression: `train.seed=${seed}`, source: `--seeds ${options.seeds}` }] });
  const dir = resolve(options.out ?? join(options.sweepsDir ?? 'sweeps', checked.resolved.config.name, timestamp()));
  checkNewRunFolder(dir);
  const parallel = options.parallel ?? 1;
  const manifest: SweepManifest = {
    format: 'netc-sweep/1',
    netc: version,
    config: resolve(file),
    configHash: configHash(checked, { whole: true }),
    sets: options.sets ?? [],
    seeds,
    random: options.random,
    parallel,
    threads: options.threads ?? (parallel > 1 ? Math.max(1, Math.floor(availableParallelism() / parallel)) : 'auto'),
    data: options.data === undefined ? undefined : resolve(options.data),
    createdAt: new Date().toISOString(),
    runs: plan.runs.map((r) => ({ ...r, status: 'pending' })),
  };
  makeFolder(dir);
  saveManifest(dir, manifest);
  return execute(dir, manifest, options);
}

/** Continues a stopped sweep: finished runs stay, interrupted ones resume, the rest start. */
export async function resumeSweep(dir: string, options: Pick<SweepOptions, 'signal' | 'log'> = {}): Promise<SweepResult> {
  const manifest = readManifest(dir);
  if (!existsSync(manifest.config)) throw userError(join(dir, SWEEP_FILE), `its config ${manifest.config} is gone`, 'restore the config the sweep was started with');
  const hash = configHash(check(manifest.config), { whole: true });
  if (hash !== manifest.configHash) {
    throw userError(manifest.config, `changed since the sweep started (sha256 ${manifest.configHash}, now ${hash}); a sweep's runs must train the same config`, 'restore it, or start a new sweep');
  }
  return execute(resolve(dir), manifest, options);
}

export function readManifest(dir: string): SweepManifest {
  const file = join(dir, SWEEP_FILE);
  if (!existsSync(file)) throw userError(dir, `holds no ${SWEEP_FILE}: it is not a sweep folder`, 'pass a folder written by `netc sweep`');
  let manifest: SweepManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
  } catch (error) {
    throw userError(file, `is not valid JSON (${(error as Error).message}); it was cut short or altered`);
  }
  const wellFormed = (run: SweepRun) => typeof run?.name === 'string' && /^[A-Za-z0-9._=+-]+$/.test(run.name) && Number.isSafeInteger(run.seed) && run.settings !== null && typeof run.settings === 'object';
  if (manifest.format !== 'netc-sweep/1' || typeof manifest.config !== 'string' || !Array.isArray(manifest.runs) || !manifest.runs.every(wellFormed)) {
    throw userError(file, 'is not a netc sweep manifest (format netc-sweep/1, a config and its runs)', 'pass a folder written by `netc sweep`');
  }
  return manifest;
}

function saveManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomic(join(dir, SWEEP_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

/** The overrides a run trains with: the sweep's --set values of this run (fixed and swept). */
function settingsOverrides(run: PlannedRun, sets: readonly string[]): { expression: string; source: string }[] {
  return Object.entries(run.settings).map(([key, value]) => ({ expression: `${key}=${value}`, source: `--set ${sets.find((s) => s.startsWith(`${key}=`)) ?? `${key}=${value}`}` }));
}

async function execute(dir: string, manifest: SweepManifest, options: Pick<SweepOptions, 'signal' | 'log'>): Promise<SweepResult> {
  const log = options.log ?? (() => undefined);
  makeFolder(join(dir, 'logs'));
  const metrics = new Map<string, Metrics>();
  const todo: SweepRun[] = [];
  for (const run of manifest.runs) {
    const runDir = join(dir, run.name);
    if (existsSync(join(runDir, 'metrics.json'))) {
      const m = readMetrics(runDir);
      metrics.set(run.name, m);
      run.status = m.status === 'diverged' ? 'diverged' : 'completed';
    } else {
      todo.push(run);
    }
  }
  const total = manifest.runs.length;
  if (todo.length < total) log(`${total - todo.length} of ${total} runs already finished; ${todo.length} to go`);
  const running = RUNNING;
  let stopped = false;
  const onAbort = () => {
    stopped = true;
    // One SIGINT each: the run stops after its iteration, with a checkpoint.
    for (const child of running) child.kill('SIGINT');
  };
  options.signal?.addEventListener('abort', onAbort);
  let done = total - todo.length;
  const worker = async () => {
    for (let run = todo.shift(); run !== undefined && !stopped; run = todo.shift()) {
      const runDir = join(dir, run.name);
      const resuming = existsSync(join(runDir, CHECKPOINT_FILE));
      // A run killed before its first checkpoint left nothing worth keeping.
      if (!resuming) rmSync(runDir, { recursive: true, force: true });
      const label = describe(run, manifest);
      log(`[${done + running.size + 1}/${total}] ${label}${resuming ? ' (resuming)' : ''}`);
      const args = ['train', manifest.config, ...settingsOverrides(run, manifest.sets).flatMap((o) => ['--set', o.expression]), '--seed', String(run.seed), '--threads', String(manifest.threads), '--no-color'];
      if (manifest.data) args.push('--data', manifest.data);
      args.push(resuming ? '--resume' : '--out', runDir);
      const logFile = join(dir, 'logs', `${run.name}.log`);
      const code = await trainProcess(args, logFile, running);
      if (existsSync(join(runDir, 'metrics.json'))) {
        const m = readMetrics(runDir);
        metrics.set(run.name, m);
        run.status = m.status === 'diverged' ? 'diverged' : 'completed';
        delete run.message;
        log(`      ${run.status === 'diverged' ? 'diverged' : 'done'}: test accuracy ${m.test.accuracy.toFixed(4)}, ${m.train.seconds.toFixed(1)} s, ${m.train.samplesPerSecond.toFixed(0)} samples/s`);
      } else if (code === 130 || code === 143 || code === 129 || stopped) {
        run.status = 'interrupted';
      } else {
        // The sweep goes on; the run's log says what went wrong.
        run.status = 'failed';
        run.message = firstError(logFile) ?? `exit ${code}`;
        log(`      failed: ${run.message} (log: ${displayPath(logFile)})`);
      }
      done += run.status === 'interrupted' ? 0 : 1;
      saveManifest(dir, manifest);
    }
  };
  // A worker that fails (a disk error saving sweep.json) stops the others' runs with checkpoints, as Ctrl-C would.
  const guarded = async () => {
    try {
      await worker();
    } catch (error) {
      onAbort();
      throw error;
    }
  };
  let outcomes: PromiseSettledResult<void>[];
  try {
    outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(manifest.parallel, todo.length)) }, guarded));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  if (stopped) throw new SweepInterrupted(dir);
  const table = summaryRows(manifest, metrics);
  writeFileAtomic(join(dir, 'summary.md'), summaryMarkdown(manifest, table));
  return { dir, manifest, metrics, table };
}

/** A run in words: the settings that set it apart, and its seed. */
function describe(run: PlannedRun, manifest: SweepManifest): string {
  const varying = (key: string) => new Set(manifest.runs.map((r) => r.settings[key])).size > 1;
  const parts = Object.entries(run.settings).flatMap(([k, v]) => (varying(k) ? [`${k}=${v}`] : []));
  if (manifest.seeds.length > 1 || parts.length === 0) parts.push(`seed ${run.seed}`);
  return parts.join('  ');
}

/** The trainings this process is running, for a second Ctrl-C to stop at once. */
const RUNNING = new Set<ChildProcess>();

/** Stops every running training now, without a checkpoint (a second Ctrl-C). */
export function killSweepRuns(): void {
  for (const child of RUNNING) child.kill('SIGKILL');
}

/** netc train in its own process group (a terminal's Ctrl-C reaches only the sweep, which passes it on once). */
function trainProcess(args: readonly string[], logFile: string, running: Set<ChildProcess>): Promise<number> {
  const fd = openSync(logFile, 'a');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(packageRoot, 'dist', 'cli', 'bin.js'), ...args], { stdio: ['ignore', fd, fd], detached: true });
    running.add(child);
    let ended = false;
    const end = () => {
      running.delete(child);
      if (!ended) closeSync(fd);
      ended = true;
    };
    child.on('error', (error) => {
      end();
      reject(error);
    });
    child.on('close', (code, signal) => {
      end();
      resolvePromise(code ?? (signal === 'SIGKILL' ? 137 : 1));
    });
  });
}

function firstError(logFile: string): string | undefined {
  const lines = readFileSync(logFile, 'utf8').split('\n');
  return lines.find((l) => /\berror\b/.test(l))?.trim();
}
