// compare: many runs on one offline page — their learning curves overlaid (coloured by what
// sets them apart), a results table to sort, the settings that differ, per-class recall side
// by side, and a link to each run's own report. Runs come from run folders, sweep folders,
// or any folder of runs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { userError } from '../diagnostics.js';
import { flatten } from '../diff/index.js';
import { packageRoot, version } from '../paths.js';
import { classStats } from '../report/confusion.js';
import { svgSize, svgToPng, vegaLiteToSvg } from '../report/render.js';
import { listRuns, readMetrics } from '../runs.js';
import { makeFolder, writeFileAtomic } from '../runtime/atomic.js';
import type { Metrics } from '../runtime/train-loop.js';
import { readManifest, SWEEP_FILE } from '../sweep/index.js';
import { shortKey } from '../sweep/plan.js';
import { comparisonCurvesSpec } from './charts.js';

export interface ComparedRun {
  readonly dir: string;
  readonly metrics: Metrics;
  /** Every setting of its resolved config, flattened (train.learning_rate → 0.001). */
  readonly settings: ReadonlyMap<string, unknown>;
  /** What the colour stands for: its settings that differ from the other runs', less the seed. */
  group: string;
  /** Its name on the page: the group, and the seed when several share a group. */
  label: string;
}

/** The runs named by `paths`: run folders, sweep folders (their finished runs), or folders holding runs. */
export function collectRuns(paths: readonly string[]): ComparedRun[] {
  const dirs = paths.flatMap((path) => {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw userError(path, 'is not a folder', 'pass run folders, sweep folders, or a folder holding runs (e.g. runs/)');
    if (existsSync(join(path, 'metrics.json'))) return [resolve(path)];
    if (existsSync(join(path, SWEEP_FILE))) return readManifest(path).runs.map((r) => resolve(path, r.name)).filter((d) => existsSync(join(d, 'metrics.json')));
    const found = listRuns(path).map((r) => resolve(r.dir));
    if (found.length === 0) throw userError(path, 'holds no finished runs (no metrics.json below it)', 'train first, or pass the folders of finished runs');
    return found;
  });
  const unique = [...new Set(dirs)];
  if (unique.length === 0) throw userError(paths.join(' '), 'no finished runs to compare');
  const runs = unique.map((dir) => ({ dir, metrics: readMetrics(dir), settings: readSettings(dir), group: '', label: '' }));
  labelRuns(runs);
  return runs;
}

/** A run's config.yaml, flattened; the layers become one entry (a different network). */
function readSettings(dir: string): Map<string, unknown> {
  const file = join(dir, 'config.yaml');
  if (!existsSync(file)) throw userError(file, 'missing: this is not a finished netc run folder');
  const config = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const { layers, blocks, description: _d, ...rest } = config;
  const flat = flatten(rest);
  flat.set('layers', JSON.stringify({ layers, blocks }));
  return flat;
}

/** The settings whose values are not the same in every run (in the order first seen). */
export function differingKeys(runs: readonly Pick<ComparedRun, 'settings'>[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => [...r.settings.keys()]))];
  return keys.filter((key) => new Set(runs.map((r) => JSON.stringify(r.settings.get(key)))).size > 1);
}

function labelRuns(runs: ComparedRun[]): void {
  const keys = differingKeys(runs).filter((k) => k !== 'train.seed');
  const shown = (run: ComparedRun, key: string) => (key === 'layers' ? `${run.metrics.params.total} params` : `${shortKey(key, keys)}=${String(run.settings.get(key))}`);
  for (const run of runs) run.group = keys.map((k) => shown(run, k)).join(' ') || run.metrics.name;
  const sizes = new Map<string, number>();
  for (const run of runs) sizes.set(run.group, (sizes.get(run.group) ?? 0) + 1);
  for (const run of runs) run.label = (sizes.get(run.group) ?? 0) > 1 ? `${run.group} seed=${run.metrics.train.seed}` : run.group;
  // Two runs alike in every setting (the same seed too): their folders tell them apart.
  const labels = new Map<string, number>();
  for (const run of runs) labels.set(run.label, (labels.get(run.label) ?? 0) + 1);
  for (const run of runs) if ((labels.get(run.label) ?? 0) > 1) run.label = `${run.label} (${basename(run.dir)})`;
}

/** Where the page goes by default: in the sweep folder when one was given alone, else here. */
export function defaultPage(paths: readonly string[]): string {
  return paths.length === 1 && existsSync(join(paths[0]!, SWEEP_FILE)) ? join(paths[0]!, 'compare.html') : 'compare.html';
}

/** Writes the page and its figures (beside it, named after it); returns the files written. */
export async function writeComparison(runs: readonly ComparedRun[], page: string): Promise<string[]> {
  const file = resolve(page);
  if (extname(file) !== '.html') throw userError(page, 'the page must be an .html file');
  const folder = dirname(file);
  const stem = basename(file, '.html');
  const files = new Map<string, string | Buffer>();
  const figure = async (name: string, metric: 'loss' | 'validation', title: string) => {
    const svg = await vegaLiteToSvg(comparisonCurvesSpec(runs, metric, title));
    files.set(`${stem}-${name}.svg`, svg);
    files.set(`${stem}-${name}.png`, svgToPng(svg));
    return { src: `${stem}-${name}.svg`, png: `${stem}-${name}.png`, ...svgSize(svg) };
  };
  const loss = await figure('loss', 'loss', 'Training loss (moving average)');
  const validation = await figure('validation', 'validation', 'Validation accuracy');
  const keys = differingKeys(runs);
  const link = (dir: string) => relative(folder, join(dir, 'report.html')).split(sep).join('/');
  const number = (x: number | null | undefined, digits: number) => (typeof x === 'number' && Number.isFinite(x) ? { text: x.toFixed(digits), value: x } : { text: '–', value: '' });
  const classes = runs[0]!.metrics.test.classes;
  const sameClasses = runs.every((r) => JSON.stringify(r.metrics.test.classes) === JSON.stringify(classes));
  const recalls = runs.map((r) => classStats(r.metrics.test.confusion).map((s) => s.recall));
  const html = pageTemplate()({
    version,
    count: runs.length,
    figures: { loss, validation },
    keys: keys.map((k) => (k === 'layers' ? 'network' : k)),
    runs: runs.map((r) => ({
      label: r.label,
      report: existsSync(join(r.dir, 'report.html')) ? link(r.dir) : undefined,
      folder: relative(folder, r.dir).split(sep).join('/') || '.',
      status: r.metrics.status,
      settings: keys.map((k) => (k === 'layers' ? `${r.metrics.params.total} params` : String(r.settings.get(k) ?? '–'))),
      accuracy: number(r.metrics.test.accuracy, 4),
      loss: number(r.metrics.test.loss, 4),
      iterations: r.metrics.train.iterations,
      seconds: number(r.metrics.train.seconds, 1),
      speed: number(r.metrics.train.samplesPerSecond, 0),
    })),
    recall: sameClasses
      ? classes.map((name, k) => ({ name, values: recalls.map((rs) => (Number.isNaN(rs[k]!) ? '–' : `${(100 * rs[k]!).toFixed(1)}%`)) }))
      : [],
    sortScript: SORT_SCRIPT,
  });
  files.set(`${stem}.html`, html);
  makeFolder(folder);
  for (const [name, contents] of files) writeFileAtomic(join(folder, name), contents);
  return [...files.keys()].map((name) => join(folder, name));
}

/** Click a column's header to sort by it (numbers by value); again to reverse. No network, no libraries. */
const SORT_SCRIPT = `
document.querySelectorAll('table.sortable th').forEach((th, column) => {
  th.addEventListener('click', () => {
    const body = th.closest('table').tBodies[0];
    const up = th.dataset.order !== 'up';
    th.closest('tr').querySelectorAll('th').forEach((h) => delete h.dataset.order);
    th.dataset.order = up ? 'up' : 'down';
    const key = (row) => {
      const cell = row.cells[column];
      const value = cell.dataset.value;
      return value !== undefined && value !== '' ? Number(value) : cell.textContent.trim();
    };
    const rows = [...body.rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return up ? order : -order;
    });
    rows.forEach((row) => body.appendChild(row));
  });
});`;

let compiled: HandlebarsTemplateDelegate | undefined;

function pageTemplate(): HandlebarsTemplateDelegate {
  // HTML-escaping on: labels and settings come from users' configs.
  compiled ??= Handlebars.create().compile(readFileSync(join(packageRoot, 'src', 'compare', 'compare.hbs'), 'utf8'), { strict: true });
  return compiled;
}
