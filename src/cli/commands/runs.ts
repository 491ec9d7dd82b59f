import type { Command } from 'commander';
import { displayPath } from '../../pipeline.js';
import { listRuns } from '../../runs.js';
import { table } from '../../text.js';
import type { Output } from '../output.js';

export function registerRuns(program: Command, io: Output): void {
  program
    .command('runs')
    .description('list finished runs, oldest first, to find what to diff')
    .argument('[dir]', 'where runs are', 'runs')
    .option('--json', 'machine-readable JSON')
    .action((dir: string, options: { json?: boolean }) => {
      const runs = listRuns(dir);
      if (options.json) {
        io.out(JSON.stringify(runs, null, 2));
        return;
      }
      if (runs.length === 0) {
        io.out(`no finished runs under ${displayPath(dir)}/`);
        return;
      }
      const rows = runs.map((r) => [
        r.date.toISOString().slice(0, 16).replace('T', ' '),
        r.name,
        r.status,
        String(r.iterations),
        Number.isNaN(r.testAccuracy) ? '' : r.testAccuracy.toFixed(4),
        Number.isNaN(r.trainSeconds) ? '' : `${r.trainSeconds.toFixed(1)} s`,
        displayPath(r.dir),
      ]);
      const lines = table([['date (UTC)', 'config', 'status', 'iterations', 'test accuracy', 'training', 'run folder'], ...rows], [false, false, false, true, true, true, false]);
      io.out(io.color.dim(lines[0]!));
      for (const line of lines.slice(1)) io.out(line);
    });
}
