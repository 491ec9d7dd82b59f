// The finished runs under a folder, for `netc runs`: what to diff.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { userError } from './diagnostics.js';
import type { ParamSummary } from './runtime/net.js';
import type { Metrics } from './runtime/train-loop.js';

const NOT_A_RUN_HINT = 'pass a folder written by `netc train` (runs/<name>/<time>/)';

/** A file of a finished run folder; a clear error when it is missing. */
export function readRunFile(dir: string, name: string): Buffer {
  const file = join(dir, name);
  if (!existsSync(file)) throw userError(file, 'missing: this is not a finished netc run folder', NOT_A_RUN_HINT);
  return readFileSync(file);
}

/** A JSON file of a run folder; a truncated or altered one is the user's error, located. */
export function readRunJson(dir: string, name: string): unknown {
  const text = readRunFile(dir, name).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw userError(join(dir, name), `is not valid JSON (${(error as Error).message}); it was cut short or altered`, 'netc writes it whole or not at all: train the run again, or restore the file');
  }
}

export interface RunWeights {
  /** The parameters, then the state (running statistics): float32, as weights.bin holds them. */
  readonly values: Float32Array;
  readonly params: readonly ParamSummary[];
  /** Offsets into `values` (after the parameters). */
  readonly state: readonly ParamSummary[];
}

/** A finished run's weights.bin, laid out by its weights.json; sizes are checked, not trusted. */
export function readWeights(dir: string): RunWeights {
  const layout = readRunJson(dir, 'weights.json') as { params?: ParamSummary[]; state?: ParamSummary[]; count?: number };
  if (!Array.isArray(layout.params) || !Number.isSafeInteger(layout.count)) throw userError(join(dir, 'weights.json'), 'is not the weights layout netc writes (params and count are expected)');
  const bytes = readRunFile(dir, 'weights.bin');
  // A truncated file would otherwise draw zeros as weights.
  const count = layout.count!;
  if (bytes.length !== count * 4) {
    throw userError(join(dir, 'weights.bin'), `is ${bytes.length} bytes; weights.json lays out ${count} float32 values (${count * 4} bytes)${bytes.length < count * 4 ? ' — it was cut short' : ''}`, 'netc writes it whole or not at all: train the run again, or restore the file');
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { values, params: layout.params, state: layout.state ?? [] };
}

/** A finished run's metrics.json, checked to be netc's (the parts that reports and diffs read). */
export function readMetrics(dir: string): Metrics {
  const metrics = readRunJson(dir, 'metrics.json') as Partial<Metrics>;
  const test = metrics?.test;
  const shaped =
    typeof metrics?.name === 'string' && Array.isArray(metrics.history) && typeof metrics.train?.iterations === 'number' && typeof metrics.params?.total === 'number' && Array.isArray(metrics.data?.image) &&
    test !== undefined && Array.isArray(test.confusion) && Array.isArray(test.classes) && Array.isArray(test.misclassified);
  if (!shaped) {
    throw userError(join(dir, 'metrics.json'), 'is not the metrics of a netc run (name, train, test and history are expected)', NOT_A_RUN_HINT);
  }
  return metrics as Metrics;
}

export interface RunEntry {
  readonly dir: string;
  readonly name: string;
  /** When training started (from metrics.json, else the file's time). */
  readonly date: Date;
  readonly status: string;
  readonly iterations: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
}

/** Run folders (holding metrics.json) up to four levels below `root`, oldest first. */
export function listRuns(root: string): RunEntry[] {
  const runs: RunEntry[] = [];
  const visit = (dir: string, depth: number) => {
    const metricsFile = join(dir, 'metrics.json');
    if (existsSync(metricsFile)) {
      const entry = readEntry(dir, metricsFile);
      if (entry) runs.push(entry);
      return;
    }
    if (depth === 0) return;
    // The folder asked for must be readable (its error is the user's); one below it that is not is skipped.
    for (const name of dir === root ? readdirSync(dir) : (readable(() => readdirSync(dir)) ?? [])) {
      const child = join(dir, name);
      // A dangling link or an unreadable folder among the runs is not a run: skipped, not fatal.
      if (!name.startsWith('.') && readable(() => statSync(child).isDirectory())) visit(child, depth - 1);
    }
  };
  if (existsSync(root)) visit(root, 4);
  return runs.sort((a, b) => a.date.getTime() - b.date.getTime() || a.dir.localeCompare(b.dir));
}

/** `read()`, or undefined where the file system refuses. */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function readEntry(dir: string, file: string): RunEntry | undefined {
  try {
    const metrics = JSON.parse(readFileSync(file, 'utf8')) as Partial<Metrics>;
    return {
      dir,
      name: metrics.name ?? '?',
      date: metrics.startedAt ? new Date(metrics.startedAt) : statSync(file).mtime,
      status: metrics.status ?? '?',
      iterations: metrics.train?.iterations ?? 0,
      testAccuracy: metrics.test?.accuracy ?? NaN,
      trainSeconds: metrics.train?.seconds ?? NaN,
    };
  } catch {
    // A metrics.json that is not ours, or half-written by something else: not a run.
    return undefined;
  }
}
