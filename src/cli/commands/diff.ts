import type { Command } from 'commander';
import { join } from 'node:path';
import { diff, isRunFolder, type Side } from '../../diff/index.js';
import { readMetrics } from '../../runs.js';
import { formatDiffMarkdown, formatDiffText } from '../../diff/format.js';
import { check, displayPath } from '../../pipeline.js';
import { printUserError, type Output } from '../output.js';
import { EXIT, ExitCode } from '../shared.js';

function readSide(path: string): Side {
  const label = displayPath(path);
  if (isRunFolder(path)) return { label, checked: check(join(path, 'config.yaml')), metrics: readMetrics(path) };
  return { label, checked: check(path) };
}

export function registerDiff(program: Command, io: Output): void {
  program
    .command('diff')
    .description('compare two configs or run folders — settings, layers, totals, results; exit 0 when equal, 1 when different, 2 on error')
    .argument('<a>', 'a config file or a run folder')
    .argument('<b>', 'a config file or a run folder')
    .option('--json', 'machine-readable JSON')
    .option('--markdown', 'Markdown tables, for a report or a pull request')
    .action((a: string, b: string, options: { json?: boolean; markdown?: boolean }) => {
      let result;
      try {
        result = diff(readSide(a), readSide(b));
      } catch (error) {
        // diff's own convention, as diff(1): 2 for trouble, so 1 can mean "different".
        if (!printUserError(io, error)) throw error;
        throw new ExitCode(EXIT.usage);
      }
      if (options.json) io.out(JSON.stringify(result, null, 2));
      else if (options.markdown) io.out(formatDiffMarkdown(result));
      else for (const line of formatDiffText(result, io.color)) io.out(line);
      if (!result.equal) throw new ExitCode(EXIT.failed);
    });
}
