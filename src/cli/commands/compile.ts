import type { Command } from 'commander';
import { join } from 'node:path';
import { compile, displayPath } from '../../pipeline.js';
import { compareTree, writeTree } from '../../write/index.js';
import type { Output } from '../output.js';
import { EXIT, ExitCode, withOverrides } from '../shared.js';

export function registerCompile(program: Command, io: Output): void {
  withOverrides(
    program
      .command('compile')
      .description("write each config's standalone trainer to <out-dir>/<name>/")
      .argument('<configs...>', 'YAML config files')
      .option('--out-dir <dir>', 'parent folder of the generated trainers', 'generated')
      .option('--check', 'write nothing; exit 1 if the generated files are out of date'),
  ).action((files: string[], options: { outDir: string; check?: boolean; set: string[] }) => {
    let drifted = 0;
    for (const file of files) {
      const compiled = compile(file, { overrides: options.set });
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
      const unrolled = unrollText(stats.unrolled);
      io.out(
        `${io.color.green('compiled')} ${file} → ${shown}/  ${compiled.emitted.files.size} files, ${stats.generatedLines} generated lines (${stats.totalLines} with runtime, ${(stats.bytes / 1024).toFixed(0)} KiB; model.wasm ${(stats.wasmBytes / 1024).toFixed(1)} KiB)` +
          (unrolled ? `; unrolled window taps: ${unrolled}` : '') +
          (compiled.graph.chunk < compiled.graph.batch ? `; batches worked through in chunks of ${compiled.graph.chunk} samples` : ''),
      );
    }
    if (drifted > 0) throw new ExitCode(EXIT.failed);
  });
}

/** "conv1 25, maxpool1 4" — or, for deep networks, counts: "19 layers of 9, 2 of 1". */
function unrollText(unrolled: readonly { op: string; taps: number; mode: 'full' | 'row' }[]): string {
  const each = (u: (typeof unrolled)[number]) => `${u.taps}${u.mode === 'row' ? ' (by row)' : ''}`;
  if (unrolled.length <= 8) return unrolled.map((u) => `${u.op} ${each(u)}`).join(', ');
  const counts = new Map<string, number>();
  for (const u of unrolled) counts.set(each(u), (counts.get(each(u)) ?? 0) + 1);
  return [...counts].map(([taps, n], i) => `${n} ${i === 0 ? 'layers ' : ''}of ${taps}`).join(', ');
}
