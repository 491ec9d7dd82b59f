import type { Command } from 'commander';
import { collectRuns, defaultPage, writeComparison } from '../../compare/index.js';
import { displayPath } from '../../pipeline.js';
import type { Output } from '../output.js';

export function registerCompare(program: Command, io: Output): void {
  program
    .command('compare')
    .description('one offline page comparing many runs: overlaid learning curves, a sortable results table, differing settings, per-class recall')
    .argument('<runs...>', 'run folders, sweep folders, or folders holding runs')
    .option('--html <file>', 'the page to write (default: compare.html in the sweep folder when one is given, else here)')
    .action(async (paths: string[], options: { html?: string }) => {
      const runs = collectRuns(paths);
      const page = options.html ?? defaultPage(paths);
      const files = await writeComparison(runs, page);
      io.out(`compared ${runs.length} runs: ${displayPath(files.find((f) => f.endsWith('.html'))!)} (and ${files.length - 1} figures)`);
    });
}
