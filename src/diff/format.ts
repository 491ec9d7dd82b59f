// A diff for people: aligned, coloured terminal text, or Markdown for a report or a PR.
import type { Colors } from '../cli/output.js';
import { describeLayer, humanCount, table } from '../text.js';
import type { Diff, LayerRow, LayerSide } from './index.js';

const MARK: Record<LayerRow['status'], string> = { same: ' ', added: '+', removed: '-', changed: '~', reshaped: '~' };

const shape = (s: LayerSide | undefined) => (s ? s.output.join('×') : '');
const value = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

function signed(delta: number, format: (n: number) => string = String): string {
  return delta === 0 ? '0' : `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`;
}

function percent(before: number, after: number): string {
  return before === 0 ? '' : ` (${signed(((after - before) / before) * 100, (n) => `${n.toFixed(1)}%`)})`;
}

function bytes(n: number): string {
  return n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

/** "a → b (±delta)", or just the value when both sides agree. */
function pair(a: number | undefined, b: number | undefined, format: (n: number) => string = String): string {
  if (a === undefined) return b === undefined ? '' : format(b);
  if (b === undefined) return format(a);
  return a === b ? format(a) : `${format(a)} → ${format(b)} (${signed(b - a, format)})`;
}

function layerCells(row: LayerRow): string[] {
  const l = row.b ?? row.a!;
  const outputs = row.a && row.b && shape(row.a) !== shape(row.b) ? `${shape(row.a)} → ${shape(row.b)}` : shape(l);
  const note = row.status === 'reshaped' ? 'reshaped by a change upstream' : row.changes.map((c) => `${c.path} ${value(c.before)} → ${value(c.after)}`).join(', ');
  return [
    `${MARK[row.status]}${row.moved ? '↕' : ' '}`,
    l.name,
    l.type,
    row.block ? `block, ${row.block.layers} layers` : describeLayer(l.layer, l.inputShapes),
    outputs,
    row.status === 'added' ? signed(row.b!.params) : row.status === 'removed' ? signed(-row.a!.params) : pair(row.a?.params, row.b?.params),
    row.status === 'added' ? signed(row.b!.flops, humanCount) : row.status === 'removed' ? signed(-row.a!.flops, humanCount) : pair(row.a?.flops, row.b?.flops, humanCount),
    [note, row.moved ? 'moved' : ''].filter(Boolean).join('; '),
  ];
}

/** "+6416 (+13.2%)", or "–" when nothing changed. */
function change(a: number, b: number, format: (n: number) => string = String): string {
  return a === b ? '–' : `${signed(b - a, format)}${percent(a, b)}`;
}

function totalRows(diff: Diff): string[][] {
  const { a, b } = diff.totals;
  return [
    ['parameters', String(a.params), String(b.params), change(a.params, b.params)],
    ['FLOPs per training sample', humanCount(a.trainingFlops), humanCount(b.trainingFlops), change(a.trainingFlops, b.trainingFlops, humanCount)],
    ['activations per batch', bytes(a.activationBytes), bytes(b.activationBytes), change(a.activationBytes, b.activationBytes, bytes)],
  ];
}

/** Runs of more unchanged layers than this are shown as their first and last two. */
const LONGEST_UNCHANGED_RUN = 7;

/** The rows to show: long runs of unchanged layers folded into a count (deep networks). */
function shownRows(rows: readonly LayerRow[]): (LayerRow | { readonly folded: number })[] {
  const out: (LayerRow | { readonly folded: number })[] = [];
  let run: LayerRow[] = [];
  const flush = () => {
    if (run.length > LONGEST_UNCHANGED_RUN) out.push(...run.slice(0, 2), { folded: run.length - 4 }, ...run.slice(-2));
    else out.push(...run);
    run = [];
  };
  for (const row of rows) {
    if (row.status === 'same' && !row.moved) run.push(row);
    else {
      flush();
      out.push(row);
    }
  }
  flush();
  return out;
}

const foldedCells = (n: number) => ['', `⋯ ${n} unchanged layers`, '', '', '', '', '', ''];

/** "1 setting changed; layers: 2 added, 1 removed" or "no differences". */
export function summarise(diff: Diff): string {
  const parts: string[] = [];
  const n = diff.hyperparameters.length;
  if (n > 0) parts.push(`${n} setting${n === 1 ? '' : 's'} changed`);
  const count = (test: (row: Diff['layers'][number]) => boolean, what: string) => {
    const k = diff.layers.filter(test).length;
    return k > 0 ? [`${k} ${what}`] : [];
  };
  const layers = [
    ...count((r) => r.status === 'added', 'added'),
    ...count((r) => r.status === 'removed', 'removed'),
    ...count((r) => r.status === 'changed', 'changed'),
    ...count((r) => r.status === 'reshaped', 'reshaped by a change upstream'),
    ...count((r) => r.moved, 'moved'),
  ];
  if (layers.length > 0) parts.push(`layers: ${layers.join(', ')}`);
  if (diff.runs && (diff.runs.testAccuracy[0] !== diff.runs.testAccuracy[1] || diff.runs.testLoss[0] !== diff.runs.testLoss[1])) parts.push('results differ');
  return parts.length === 0 ? 'no differences' : parts.join('; ');
}

function resultRows(diff: Diff): string[][] {
  const r = diff.runs!;
  const f4 = (n: number) => n.toFixed(4);
  return [
    ['trained with', r.trainedWith[0], r.trainedWith[1], r.trainedWith[0] === r.trainedWith[1] ? '–' : 'changed'],
    ['iterations', String(r.iterations[0]), String(r.iterations[1]), signed(r.iterations[1] - r.iterations[0], String)],
    ['test accuracy', f4(r.testAccuracy[0]), f4(r.testAccuracy[1]), signed(r.testAccuracy[1] - r.testAccuracy[0], f4)],
    ['test loss', f4(r.testLoss[0]), f4(r.testLoss[1]), signed(r.testLoss[1] - r.testLoss[0], f4)],
    ['training time', `${r.trainSeconds[0].toFixed(1)} s`, `${r.trainSeconds[1].toFixed(1)} s`, `${signed(r.trainSeconds[1] - r.trainSeconds[0], (n) => n.toFixed(1))} s`],
    ['samples/s', r.samplesPerSecond[0].toFixed(0), r.samplesPerSecond[1].toFixed(0), `${signed(r.samplesPerSecond[1] - r.samplesPerSecond[0], (n) => n.toFixed(0))}${percent(r.samplesPerSecond[0], r.samplesPerSecond[1])}`],
    ...r.recall.map((c) => [`recall: ${c.name}`, f4(c.a), f4(c.b), signed(c.b - c.a, f4)]),
  ];
}

export function formatDiffText(diff: Diff, c: Colors): string[] {
  const lines = [`${c.bold(diff.a.name)} (${diff.a.label}) → ${c.bold(diff.b.name)} (${diff.b.label})`, ''];
  if (diff.hyperparameters.length === 0) lines.push(`${c.bold('Settings')}: the same`);
  else {
    lines.push(c.bold('Settings'));
    for (const line of table([['', '', ''], ...diff.hyperparameters.map((h) => [h.path, value(h.before), `→ ${value(h.after)}`])], [false, true, false]).slice(1)) lines.push(`  ${line}`);
  }
  lines.push('', c.bold('Layers'));
  const shown = shownRows(diff.layers);
  const rows = table([['', 'layer', 'type', 'options', 'output', 'params', 'FLOPs/sample', ''], ...shown.map((row) => ('folded' in row ? foldedCells(row.folded) : layerCells(row)))], [false, false, false, false, false, true, true, false]);
  lines.push(c.dim(`  ${rows[0]}`));
  shown.forEach((row, i) => {
    const paint = 'folded' in row ? c.dim : row.status === 'added' ? c.green : row.status === 'removed' ? c.red : row.status === 'same' && !row.moved ? (s: string) => s : c.yellow;
    lines.push(paint(`  ${rows[i + 1]}`));
  });
  lines.push('', c.bold('Totals'));
  for (const line of table([['', 'a', 'b', 'change'], ...totalRows(diff)], [false, true, true, false])) lines.push(`  ${line}`);
  if (diff.runs) {
    lines.push('', c.bold('Results'));
    for (const line of table([['', 'a', 'b', 'change'], ...resultRows(diff)], [false, true, true, false])) lines.push(`  ${line}`);
  }
  lines.push('', diff.equal ? c.green(summarise(diff)) : c.yellow(summarise(diff)));
  return lines;
}

export function formatDiffMarkdown(diff: Diff): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const md = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
  const parts = [`### \`${diff.a.name}\` → \`${diff.b.name}\``, '', `${diff.a.label} → ${diff.b.label}: ${summarise(diff)}.`, ''];
  parts.push('**Settings**', '', diff.hyperparameters.length === 0 ? 'The same.' : md(['setting', 'a', 'b'], diff.hyperparameters.map((h) => [`\`${h.path}\``, value(h.before), value(h.after)])), '');
  const cells = shownRows(diff.layers).map((row) => ('folded' in row ? foldedCells(row.folded) : layerCells(row)));
  parts.push('**Layers**', '', md(['', 'layer', 'type', 'options', 'output', 'params', 'FLOPs/sample', 'notes'], cells.map((row) => [row[0]!.trim() || ' ', ...row.slice(1)])), '');
  parts.push('**Totals**', '', md(['', 'a', 'b', 'change'], totalRows(diff)), '');
  if (diff.runs) parts.push('**Results**', '', md(['', 'a', 'b', 'change'], resultRows(diff)), '');
  return parts.join('\n');
}
