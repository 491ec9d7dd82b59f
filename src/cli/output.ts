// How the CLI speaks: colours when the stream is a terminal, diagnostics with source lines.
import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';

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
        sources.set(file, readFileSync(file, 'utf8'));
      } catch {
        sources.set(file, undefined);
      }
    }
    return sources.get(file);
  };
  for (const d of diagnostics) io.err(formatDiagnostic(d, { source: sourceOf(d.file), color: io.color }));
  if (diagnostics.length > 1) io.err(io.color.red(`${diagnostics.length} errors`));
}

/** Right-aligns numeric columns; the first row is the header. */
export function table(rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat(widths[column]! - [...cell].length);
        return numeric[column] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** 9.46 M, 627.2 K: FLOPs and other large counts, readable at a glance. */
export function humanCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} K`;
  return String(value);
}
