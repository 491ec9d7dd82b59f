import type { Command } from 'commander';
import { check, configHash, displayPath } from '../../pipeline.js';
import { version } from '../../paths.js';
import { toConfigYaml } from '../../resolve/serialize.js';
import type { Output } from '../output.js';
import { withOverrides } from '../shared.js';

export function registerResolve(program: Command, io: Output): void {
  withOverrides(program.command('resolve').description('print the fully resolved config (after extends, overrides and defaults) as YAML').argument('<config>', 'YAML config file')).action(
    (file: string, options: { set: string[] }) => {
      const checked = check(file, { overrides: options.set });
      io.out(`# Resolved from ${displayPath(file)} (sha256 ${configHash(checked)}) by netc ${version}`);
      io.out(toConfigYaml(checked.resolved.config).trimEnd());
    },
  );
}
