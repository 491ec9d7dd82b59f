// Diagnostics: every user mistake becomes a located message, never a stack trace.

/** A 1-based position in a source file. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic extends SourcePos {
  /** What is wrong; what was expected; what was found. */
  readonly message: string;
  /** A suggestion that may fix it ("did you mean 'filters'?"). */
  readonly hint?: string;
  /** Set on the last line of a capped list ("…and N more errors"): the N errors it stands for. */
  readonly omitted?: number;
}

/** A failure caused by the user's input: the CLI prints the diagnostics and exits 1. */
export class NetcError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    this.name = 'NetcError';
    this.diagnostics = diagnostics;
  }
}

/** A user error that is not tied to a config position (a missing file, a bad flag). */
export function userError(file: string, message: string, hint?: string): NetcError {
  return new NetcError([{ file, line: 0, col: 0, message, hint }]);
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}

export interface FormatOptions {
  /** The text of the file, to show the offending line with a caret under the column. */
  readonly source?: string;
  readonly color?: { red(s: string): string; cyan(s: string): string; dim(s: string): string; bold(s: string): string };
}

const plain = { red: (s: string) => s, cyan: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };

/** `file:line:col: error: message`, then the source line with a caret, then the hint. */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const c = options.color ?? plain;
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const lines = [`${c.bold(where)}: ${c.red('error')}: ${d.message}`];
  const sourceLine = d.line > 0 ? options.source?.split(/\r?\n/)[d.line - 1] : undefined;
  if (sourceLine !== undefined) {
    const gutter = String(d.line);
    lines.push(c.dim(`${gutter} | `) + sourceLine);
    lines.push(c.dim(`${' '.repeat(gutter.length)} | `) + ' '.repeat(Math.max(0, d.col - 1)) + c.red('^'));
  }
  if (d.hint) lines.push(`  ${c.cyan('hint')}: ${d.hint}`);
  return lines.join('\n');
}
