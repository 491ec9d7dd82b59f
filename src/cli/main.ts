// The netc command line: a thin layer over the pipeline, one module per command.
import { Command, CommanderError } from 'commander';
import { CompilerBug } from '../lower/verify.js';
import { version } from '../paths.js';
import { registerCheck } from './commands/check.js';
import { registerCompile } from './commands/compile.js';
import { registerCompare } from './commands/compare.js';
import { registerDiff } from './commands/diff.js';
import { registerDownload } from './commands/download.js';
import { registerExport } from './commands/export.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerResolve } from './commands/resolve.js';
import { registerRuns } from './commands/runs.js';
import { registerSummary } from './commands/summary.js';
import { registerSweep } from './commands/sweep.js';
import { registerTrain } from './commands/train.js';
import { printUserError, type Output } from './output.js';
import { EXIT, ExitCode } from './shared.js';

export { EXIT } from './shared.js';

export function buildProgram(io: Output): Command {
  const program = new Command('netc')
    .description('Compile YAML network configs into specialised trainers (TypeScript and WebAssembly), train them, compare them.')
    .version(version, '-v, --version')
    .option('--no-color', 'plain output without colours')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const register of [registerCheck, registerSummary, registerResolve, registerCompile, registerTrain, registerReport, registerPredict, registerExport, registerDiff, registerCompare, registerRuns, registerSweep, registerDownload]) {
    register(program, io);
  }
  return program;
}

export async function main(argv: readonly string[], io: Output): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return handleError(error, io);
  }
}

function handleError(error: unknown, io: Output): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (printUserError(io, error)) return EXIT.failed;
  if (error instanceof CompilerBug) {
    io.err(io.color.red(error.message));
    return EXIT.internal;
  }
  io.err(io.color.red('netc internal error (please report):'));
  io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT.internal;
}
