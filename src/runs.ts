// The finished runs under a folder, for `netc runs`: what to diff.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Metrics } from './runtime/train-loop.js';

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
    for (const name of readdirSync(dir)) {
      const child = join(dir, name);
      if (!name.startsWith('.') && statSync(child).isDirectory()) visit(child, depth - 1);
    }
  };
  if (existsSync(root)) visit(root, 4);
  return runs.sort((a, b) => a.date.getTime() - b.date.getTime() || a.dir.localeCompare(b.dir));
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
