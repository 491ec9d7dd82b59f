import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import { displayPath, flagOverrides, train } from '../../pipeline.js';
import { isDataError } from '../../runtime/images.js';
import { isInterrupted } from '../../runtime/train-loop.js';
import type { Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { backendOption, EXIT, ExitCode, naturalNumber, positiveInteger, signalExitCode, STOP_SIGNALS, threadsOption, withOverrides } from '../shared.js';
import { offerDownload } from './download.js';

interface TrainFlags {
  iterations?: number;
  seed?: number;
  threads?: number | 'auto';
  backend?: 'wasm' | 'ts' | 'pytorch';
  procs?: number;
  init?: string;
  data?: string;
  out?: string;
  resume?: string;
  set: string[];
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function registerTrain(program: Command, io: Output): void {
  withOverrides(
    program
      .command('train')
      .description('check, compile, train and evaluate a config; results and a report go to a run folder')
      .argument('<config>', 'YAML config file')
      .option('--iterations <n>', 'override train.iterations', positiveInteger)
      .option('--seed <n>', 'override train.seed', naturalNumber)
      .option('--threads <n>', "override train.threads: a number, or 'auto' for one per core", threadsOption)
      .option('--backend <name>', 'override train.backend: wasm, ts or pytorch', backendOption)
      .option('--procs <n>', 'with --backend pytorch: processes of DistributedDataParallel (torchrun, gloo)', positiveInteger)
      .option('--data <path>', 'where the dataset is (overrides data.path)')
      .option('--out <dir>', 'run folder (default runs/<name>/<UTC time>/)')
      .option('--init <weights>', "start from these weights (a run's weights.bin, from any backend) instead of the config's initialisation")
      .option('--resume <run-dir>', 'continue a run stopped with Ctrl-C, from its checkpoint (give the same config)'),
  ).action(async (file: string, flags: TrainFlags) => {
    const progress = progressReporter(io);
    // Ctrl-C stops after the current iteration, with a checkpoint; a second one stops at once.
    // SIGTERM (kill, a job scheduler) and SIGHUP (a closed terminal) stop the same way.
    const stop = new AbortController();
    let stoppedBy: NodeJS.Signals = 'SIGINT';
    const onInterrupt = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) process.exit(signalExitCode(signal));
      stoppedBy = signal;
      progress.log(`stopping after this iteration (${signal === 'SIGINT' ? 'Ctrl-C' : signal}; Ctrl-C again to stop at once)…`);
      stop.abort();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onInterrupt);
    try {
      const { set, data, init, ...options } = flags;
      const run = () => train(file, { ...options, overrides: set, dataPath: data, initFrom: init, signal: stop.signal, onProgress: progress.onProgress, log: progress.log });
      const result = await run().catch(async (error: unknown) => {
        // CIFAR-10 nowhere to be found: on a terminal, offer to download it, then go on.
        if (isDataError(error) && error.code === 'not-found' && (await offerDownload(io, error))) return run();
        if (isInterrupted(error)) {
          progress.stop();
          // The same config, settings and flags again: a run goes on as it started.
          const again = [file, ...set.flatMap((s) => ['--set', s]), ...flagOverrides(options).flatMap((f) => f.source.split(' ')), ...(data === undefined ? [] : ['--data', data])];
          io.err(`${io.color.yellow('stopped')} after iteration ${error.iteration}; continue with: netc train ${again.map(shellWord).join(' ')} --resume ${shellWord(displayPath(dirname(error.checkpoint ?? '.')))}`);
          throw new ExitCode(signalExitCode(stoppedBy));
        }
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
      for (const signal of STOP_SIGNALS) process.off(signal, onInterrupt);
      progress.stop();
    }
  });
}
