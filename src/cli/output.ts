// How the CLI speaks: colours when the stream is a terminal, diagnostics with source lines.
import pc from 'picocolors';
import { formatDiagnostic, NetcError, type Diagnostic } from '../diagnostics.js';
import { environmentError } from '../runtime/environment.js';
import { isDataError } from '../runtime/images.js';
import { MAX_CONFIG_BYTES, readRegularFile } from '../parse/index.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly color: Colors;
  /** Whether stderr is an interactive terminal (progress bars) or a log (plain lines). */
  readonly interactive: boolean;
}

export function terminalOutput(useColor: boolean): Output {
  return {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    color: pc.createColors(useColor),
    interactive: process.stderr.isTTY === true,
  };
}

export function printDiagnostics(io: Output, diagnostics: readonly Diagnostic[]): void {
  const sources = new Map<string, string | undefined>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) {
      try {
        // Only what a config could be: a device or pipe named as a config must not hang the message about it.
        sources.set(file, readRegularFile(file, MAX_CONFIG_BYTES).toString('utf8'));
      } catch {
        sources.set(file, undefined);
      }
    }
    return sources.get(file);
  };
  for (const d of diagnostics) io.err(formatDiagnostic(d, { source: sourceOf(d.file), color: io.color }));
  // "…and N more errors" stands for N errors, not one.
  const total = diagnostics.reduce((n, d) => n + (d.omitted ?? 1), 0);
  if (total > 1) io.err(io.color.red(`${total} errors`));
}

/** Prints a user's mistake or the environment's fault (config, dataset, file system); false for anything else. */
export function printUserError(io: Output, error: unknown): boolean {
  if (error instanceof NetcError) {
    printDiagnostics(io, error.diagnostics);
    return true;
  }
  // A dataset's fault, or the machine's (a full disk, a folder that may not be written).
  const problem = isDataError(error) ? error : environmentError(error);
  if (problem === undefined) return false;
  io.err(`${io.color.bold(problem.file)}: ${io.color.red('error')}: ${problem.message.slice(problem.file.length + 2)}`);
  if (problem.hint) io.err(`  ${io.color.cyan('hint')}: ${problem.hint}`);
  return true;
}
