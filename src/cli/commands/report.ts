import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath } from '../../pipeline.js';
import { writeReport } from '../../report/index.js';
import type { Output } from '../output.js';

export function registerReport(program: Command, io: Output): void {
  program
    .command('report')
    .description('re-render the report (figures and report.html) of a finished run')
    .argument('<run-dir>', 'a run folder written by netc train')
    .action(async (dir: string) => {
      const files = await writeReport(dir);
      io.out(`${io.color.green('wrote')} ${displayPath(join(dir, 'report.html'))} and ${files.length - 1} figures`);
    });
}
