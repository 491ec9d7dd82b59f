import type { Command } from 'commander';
import { NetcError } from '../../diagnostics.js';
import { check } from '../../pipeline.js';
import { printDiagnostics, type Output } from '../output.js';
import { EXIT, ExitCode, withOverrides } from '../shared.js';

export function registerCheck(program: Command, io: Output): void {
  withOverrides(program.command('check').description('validate configs: exit 0, or print located errors and exit 1').argument('<configs...>', 'YAML config files')).action(
    (files: string[], options: { set: string[] }) => {
      let failed = 0;
      for (const file of files) {
        try {
          const { network } = check(file, { overrides: options.set });
          io.out(`${io.color.green('ok')} ${file}: ${network.layers.length} layers, ${network.params} parameters`);
        } catch (error) {
          if (!(error instanceof NetcError)) throw error;
          printDiagnostics(io, error.diagnostics);
          failed++;
        }
      }
      if (failed > 0) throw new ExitCode(EXIT.failed);
    },
  );
}
