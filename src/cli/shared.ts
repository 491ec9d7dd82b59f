// What the CLI's commands share: exit codes, option parsers, the --set option.
import { InvalidArgumentError, type Command } from 'commander';
import { constants as osConstants } from 'node:os';

/** Exit codes: 0 success, 1 a problem with the user's input (or drift, or a difference), 2 bad usage, 70 a netc bug. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/** Ends a command with an exit code, after its output has been printed. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** The signals that stop training after the current iteration, with a checkpoint: Ctrl-C, kill (a scheduler), a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The conventional exit code of a program stopped by a signal: 128 + its number (130 for Ctrl-C). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + osConstants.signals[signal];
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return value;
}

export function naturalNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return value;
}

export function backendOption(text: string): 'wasm' | 'ts' | 'pytorch' {
  if (text !== 'wasm' && text !== 'ts' && text !== 'pytorch') throw new InvalidArgumentError('expected wasm, ts or pytorch');
  return text;
}

export function threadsOption(text: string): number | 'auto' {
  return text === 'auto' ? 'auto' : positiveInteger(text);
}

/** `--set key.path=value`, repeatable: overrides applied after `extends`. */
export function withOverrides(command: Command): Command {
  return command.option('--set <key=value>', 'override an option (repeatable), e.g. --set train.learning_rate=1e-4', (value: string, previous: string[]) => [...previous, value], []);
}
