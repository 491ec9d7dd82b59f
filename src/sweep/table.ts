// A sweep's summary: one row per setting, the swept values first, then the results as
// mean ± sd over its seeds (test accuracy and loss, training time, samples/s).
import type { Metrics } from '../runtime/train-loop.js';
import type { SweepManifest } from './index.js';
import { shortKey } from './plan.js';

/** Mean and sample standard deviation ("0.9712 ± 0.0021"; the mean alone for one value). */
export function meanSd(values: readonly number[], digits: number): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '–';
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  if (finite.length === 1) return mean.toFixed(digits);
  const sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1));
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}

/** Header, then a row per distinct setting, in the order of the plan. */
export function summaryRows(manifest: SweepManifest, metrics: ReadonlyMap<string, Metrics>): string[][] {
  // Only what differs between runs: a key with one value is the config's, not the sweep's.
  const keys = [...new Set(manifest.runs.flatMap((r) => Object.keys(r.settings)))].filter((key) => new Set(manifest.runs.map((r) => r.settings[key])).size > 1);
  const groups = new Map<string, SweepManifest['runs']>();
  for (const run of manifest.runs) {
    const id = JSON.stringify(keys.map((k) => run.settings[k]));
    groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  const header = [...keys.map((k) => shortKey(k, keys)), 'runs', 'test accuracy', 'test loss', 'training s', 'samples/s', 'status'];
  const rows = [...groups.values()].map((runs) => {
    const results = runs.flatMap((r) => {
      const m = metrics.get(r.name);
      return m ? [m] : [];
    });
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
    const status = counts.get('completed') === runs.length ? 'ok' : [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
    return [
      ...keys.map((k) => runs[0]!.settings[k] ?? ''),
      String(runs.length),
      meanSd(results.map((m) => m.test.accuracy), 4),
      // A diverged run's loss is null in metrics.json: it stays out of the mean.
      meanSd(results.map((m) => (typeof m.test.loss === 'number' ? m.test.loss : NaN)), 4),
      meanSd(results.map((m) => m.train.seconds), 1),
      meanSd(results.map((m) => m.train.samplesPerSecond), 0),
      status,
    ];
  });
  return [header, ...rows];
}

/** Which columns hold numbers (right-aligned): every row's cell a number, or mean ± sd, or –. */
export function numericColumns(rows: readonly (readonly string[])[]): boolean[] {
  return rows[0]!.map((_, i) => rows.slice(1).every((r) => /^[-–\d.e+ ±]*$/.test(r[i] ?? '')));
}

/** The table as markdown, under a line saying what was swept. */
export function summaryMarkdown(manifest: SweepManifest, rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const numeric = numericColumns(rows);
  return [
    `# Sweep of ${manifest.config}`,
    '',
    `${manifest.runs.length} runs: ${manifest.sets.map((s) => `\`--set ${s}\``).join(' ') || 'the config as it is'}, seeds ${manifest.seeds.join(', ')}${manifest.random ? `, ${manifest.random} random samples` : ''}. Mean ± sd over seeds.`,
    '',
    line(rows[0]!),
    line(numeric.map((n) => (n ? '---:' : '---'))),
    ...rows.slice(1).map(line),
    '',
  ].join('\n');
}
