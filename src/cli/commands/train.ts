import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath, train } from '../../pipeline.js';
import { isDataError } from '../../runtime/images.js';
import type { Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { backendOption, EXIT, ExitCode, naturalNumber, positiveInteger, threadsOption, withOverrides } from '../shared.js';
import { offerDownload } from './download.js';

interface TrainFlags {
  iterations?: number;
  seed?: number;
  threads?: number | 'auto';
  backend?: 'wasm' | 'ts';
  data?: string;
  out?: string;
  set: string[];
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
      .option('--backend <name>', 'override train.backend: wasm or ts', backendOption)
      .option('--data <path>', 'where the dataset is (overrides data.path)')
      .option('--out <dir>', 'run folder (default runs/<name>/<UTC time>/)'),
  ).action(async (file: string, flags: TrainFlags) => {
    const progress = progressReporter(io);
    try {
      const { set, data, ...options } = flags;
      const run = () => train(file, { ...options, overrides: set, dataPath: data, onProgress: progress.onProgress, log: progress.log });
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
}
