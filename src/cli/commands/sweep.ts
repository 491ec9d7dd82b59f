import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath } from '../../pipeline.js';
import { killSweepRuns, resumeSweep, sweep, SweepInterrupted, type SweepResult } from '../../sweep/index.js';
import { numericColumns } from '../../sweep/table.js';
import { table } from '../../text.js';
import type { Output } from '../output.js';
import { EXIT, ExitCode, positiveInteger, signalExitCode, STOP_SIGNALS, threadsOption } from '../shared.js';

interface SweepFlags {
  set: string[];
  seeds?: string;
  random?: number;
  parallel?: number;
  threads?: number | 'auto';
  data?: string;
  out?: string;
  resume?: string;
}

export function registerSweep(program: Command, io: Output): void {
  program
    .command('sweep')
    .description('train a config many times: a grid or random samples of settings, times seeds; prints a summary table')
    .argument('[config]', 'YAML config file (not with --resume)')
    .option('--set <key=values>', 'a setting and its values, comma-separated (train.learning_rate=0.001,0.003), or a range to sample with --random: log(a,b), uniform(a,b), int(a,b); repeatable', (value: string, previous: string[]) => [...previous, value], [])
    .option('--seeds <list>', "seeds to train each setting with: 1,2,3 or 1-3 (default: the config's)")
    .option('--random <n>', 'sample n settings from the ranges and lists instead of the whole grid', positiveInteger)
    .option('--parallel <k>', 'runs side by side, the cores split between them (default 1)', positiveInteger)
    .option('--threads <n>', "threads per run: a number or 'auto' (default: the cores / --parallel)", threadsOption)
    .option('--data <path>', 'where the dataset is (overrides data.path)')
    .option('--out <dir>', 'sweep folder (default sweeps/<name>/<UTC time>/)')
    .option('--resume <sweep-dir>', 'continue a stopped sweep: finished runs stay, stopped ones resume')
    .action(async (file: string | undefined, flags: SweepFlags) => {
      if ((file === undefined) === (flags.resume === undefined)) {
        io.err(io.color.red('error: give a config to sweep, or --resume a sweep folder (not both)'));
        throw new ExitCode(EXIT.usage);
      }
      const stop = new AbortController();
      let stoppedBy: NodeJS.Signals = 'SIGINT';
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          // A second one: stop now; the runs resume from their last regular checkpoints.
          killSweepRuns();
          process.exit(signalExitCode(signal));
        }
        stoppedBy = signal;
        io.err(`stopping the running trainings after their current iteration (${signal === 'SIGINT' ? 'Ctrl-C' : signal}; Ctrl-C again to stop at once)…`);
        stop.abort();
      };
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      const log = (line: string) => io.err(line);
      try {
        const result = await (flags.resume !== undefined
          ? resumeSweep(flags.resume, { signal: stop.signal, log })
          : sweep(file!, { sets: flags.set, seeds: flags.seeds, random: flags.random, parallel: flags.parallel, threads: flags.threads, data: flags.data, out: flags.out, signal: stop.signal, log }));
        printSummary(io, result);
        if (result.manifest.runs.some((r) => r.status === 'failed')) throw new ExitCode(EXIT.failed);
      } catch (error) {
        if (error instanceof SweepInterrupted) {
          io.err(`${io.color.yellow('stopped')}; continue with: netc sweep --resume ${displayPath(error.dir)}`);
          throw new ExitCode(signalExitCode(stoppedBy));
        }
        throw error;
      } finally {
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      }
    });
}

function printSummary(io: Output, result: SweepResult): void {
  const lines = table(result.table, numericColumns(result.table));
  io.out('');
  io.out(io.color.dim(lines[0]!));
  for (const line of lines.slice(1)) io.out(line);
  io.out('');
  io.out(`${result.manifest.runs.length} runs in ${displayPath(result.dir)}/ · table: ${displayPath(join(result.dir, 'summary.md'))} · compare them: netc compare ${displayPath(result.dir)}`);
}
