// Shared test helpers: configs from objects, compiled trainers loaded from temp folders.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';
import pc from 'picocolors';
import { main } from '../src/cli/main.js';
import type { Output } from '../src/cli/output.js';
import { NetcError, type Diagnostic } from '../src/diagnostics.js';
import { compile, type Compiled } from '../src/pipeline.js';
import type { ModelInfo, NetClass, TrainableNet } from '../src/runtime/net.js';
import { Rng } from '../src/runtime/rng.js';
import type { Metrics, TrainerSettings, TrainOptions } from '../src/runtime/train-loop.js';
import { writeTree } from '../src/write/index.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'netc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A small valid config on MNIST-shaped input; `patch` replaces top-level sections. */
export function configYaml(patch: Record<string, unknown> = {}): string {
  return stringify({
    input: { height: 28, width: 28, channels: 1 },
    layers: [{ conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10 } }],
    data: { dataset: 'mnist' },
    train: { iterations: 10 },
    ...patch,
  });
}

export interface LoadedTrainer {
  readonly compiled: Compiled;
  readonly dir: string;
  readonly Net: NetClass;
  readonly MODEL: ModelInfo;
  readonly SETTINGS: TrainerSettings;
  train(options?: TrainOptions): Promise<Metrics>;
}

/** Compile a config (from text) and import the generated trainer from a temp folder. */
export async function loadTrainer(text: string, options: { dtype?: 'float32' | 'float64'; file?: string; chunk?: number } = {}): Promise<LoadedTrainer> {
  const compiled = compile(options.file ?? 'test.yaml', { text, dtype: options.dtype, chunk: options.chunk });
  const dir = join(tempDir(), 'trainer');
  writeTree(dir, compiled.emitted.files);
  const module = (await import(pathToFileURL(join(dir, 'train.js')).href)) as Omit<LoadedTrainer, 'compiled' | 'dir'>;
  return { compiled, dir, Net: module.Net, MODEL: module.MODEL, SETTINGS: module.SETTINGS, train: module.train };
}

/** The shared CIFAR-10 archive beside the checkout; tests that need it fail loudly without it. */
export const SHARED_CIFAR = resolvePath('..', 'shared', 'datasets', 'cifar10', 'cifar-10-binary.tar.gz');

export function sharedCifarArchive(): string {
  if (!existsSync(SHARED_CIFAR)) {
    throw new Error(`the CIFAR-10 archive is missing: expected ${SHARED_CIFAR} (see ../shared/datasets/cifar10/README.md)`);
  }
  return SHARED_CIFAR;
}

/** The first diagnostic of the NetcError that `run` throws (it must throw one). */
export function diagnosticOf(run: () => unknown): Diagnostic {
  try {
    run();
  } catch (error) {
    if (error instanceof NetcError) return error.diagnostics[0]!;
    throw error;
  }
  throw new Error('expected a NetcError');
}

/** Runs the CLI in this process, capturing what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Output = { out: (s) => out.push(s), err: (s) => err.push(s), color: pc.createColors(false), interactive: false };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Per parameter tensor: names of those where max |actual − expected| > relative · max |expected|
 * + absolute, with the numbers. Empty when all agree.
 */
export function tensorMismatches(model: ModelInfo, actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, absolute: number, options: { frozen?: boolean } = {}): string[] {
  // Frozen parameters' gradients are not computed (or not used): compare them only when asked (values).
  return model.params.filter((p) => options.frozen === true || p.trainable !== false).flatMap((p) => {
    let scale = 0;
    let worst = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      scale = Math.max(scale, Math.abs(expected[i]!));
      worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    }
    return worst <= relative * scale + absolute ? [] : [`${p.name}: max |diff| ${worst.toExponential(2)} for max |value| ${scale.toExponential(2)}`];
  });
}

/**
 * Weights as a trained net might have them: the config's initialisation, each parameter
 * moved by `noise`·N(0, 1), and running statistics away from 0 and 1 (means ~N(0, 0.2²),
 * variances in [0.5, 1.5)). Returns the parameters then the state, as weights.bin holds them.
 */
export function plausibleWeights(net: TrainableNet, model: ModelInfo, options: { seed: number; noise: number }): number[] {
  const rng = new Rng(options.seed);
  net.init(() => rng.normal());
  for (let i = 0; i < net.params.length; i++) net.params[i]! += options.noise * rng.normal();
  for (const view of model.state) {
    for (let i = view.offset; i < view.offset + view.size; i++) net.state[i] = view.name.endsWith('_var') ? 0.5 + rng.uniform() : 0.2 * rng.normal();
  }
  return [...net.params, ...net.state];
}
