// The charts of a report, as Vega-Lite specs: learning curves and the confusion matrix.
import type { TopLevelSpec } from 'vega-lite';
import type { HistoryEntry } from '../runtime/train-loop.js';
import { classStats } from './confusion.js';
import { FONT } from './render.js';

const CONFIG = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 } } as const;

/** Where a run's curves end: its last iteration, and the one it diverged at, if it did. */
export interface CurvesRun {
  readonly iterations: number;
  readonly divergedAt?: number;
}

/**
 * Training loss and accuracy (moving averages) and validation accuracy over iterations.
 * Renders for any run that has metrics: no history yet, one point, or non-finite values
 * (a diverged run's last loss), with the divergence marked on both panels.
 */
export function learningCurvesSpec(history: readonly HistoryEntry[], title: string, run: CurvesRun): TopLevelSpec {
  const finite = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const values = history.map((h) => ({ iteration: h.iteration, loss: finite(h.loss), accuracy: finite(h.accuracy), validation: finite(h.validationAccuracy) }));
  // A run without a validation split (validation: 0) has no validation curve to name.
  const series = [
    { key: 'accuracy', label: 'training (moving average)' },
    ...(values.some((v) => v.validation !== null) ? [{ key: 'validation', label: 'validation' }] : []),
  ];
  const last = Math.max(1, run.iterations, run.divergedAt ?? 0, ...values.map((v) => v.iteration));
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration', scale: { domain: [0, last] }, axis: { tickMinStep: 1, format: 'd' } };
  const losses = values.flatMap((v) => (v.loss === null ? [] : [v.loss]));
  // A loss that grows by orders of magnitude (a run diverging) is read on a log scale.
  const logLoss = losses.length > 0 && Math.min(...losses) > 0 && Math.max(...losses) / Math.min(...losses) > 1000;
  const lossScale = losses.length === 0 ? { domain: [0, 1] } : logLoss ? { type: 'log' as const } : { zero: false };
  // A dashed red rule where training diverged, labelled at the top of the panel.
  const divergence =
    run.divergedAt === undefined
      ? []
      : [
          {
            data: { values: [{ iteration: run.divergedAt, label: `diverged at iteration ${run.divergedAt}` }] },
            layer: [
              { mark: { type: 'rule' as const, color: '#c0392b', strokeDash: [4, 3], strokeWidth: 2 }, encoding: { x } },
              { mark: { type: 'text' as const, align: 'right' as const, baseline: 'top' as const, dx: -4, dy: 4, color: '#c0392b', fontSize: 11 }, encoding: { x, y: { value: 0 }, text: { field: 'label', type: 'nominal' as const } } },
            ],
          },
        ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title },
    config: CONFIG,
    data: { values },
    hconcat: [
      {
        title: 'Training loss (moving average)',
        width: 360,
        height: 240,
        layer: [
          {
            transform: [{ filter: 'datum.loss !== null' }],
            mark: { type: 'line', strokeWidth: 2, point: values.length === 1 },
            encoding: {
              x,
              // With no finite loss there is nothing to fit the axis to: 0–1 rather than no chart.
              y: { field: 'loss', type: 'quantitative', title: logLoss ? 'loss (log scale)' : 'loss', scale: lossScale, axis: { format: '~g' } },
            },
          },
          ...divergence,
        ],
      },
      {
        title: 'Accuracy',
        width: 360,
        height: 240,
        layer: [
          {
            transform: [
              { fold: series.map((s) => s.key), as: ['series', 'value'] },
              { filter: 'datum.value !== null' },
              { calculate: `{${series.map((s) => `'${s.key}': '${s.label}'`).join(', ')}}[datum.series]`, as: 'curve' },
            ],
            mark: { type: 'line', strokeWidth: 2, point: { size: 12 } },
            encoding: {
              x,
              y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
              color: { field: 'curve', type: 'nominal', title: null, sort: series.map((s) => s.label), scale: { domain: series.map((s) => s.label) }, legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 300 } },
            },
          },
          ...divergence,
        ],
      },
    ],
  };
}

interface Cell {
  row: string;
  column: string;
  text: string;
  fill: string;
  ink: string;
}

/**
 * The confusion matrix in the manner of MATLAB's confusionchart: counts and percentages of
 * all images in the cells, per-class precision in a row below and recall in a column to
 * the right, the overall accuracy in the corner.
 */
export function confusionSpec(confusion: readonly (readonly number[])[], classes: readonly string[], title: string): TopLevelSpec {
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const stats = classStats(confusion);
  const maxCorrect = Math.max(...confusion.map((row, i) => row[i]!), 1);
  const maxWrong = Math.max(...confusion.flatMap((row, i) => row.filter((_, j) => j !== i)), 1);
  const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
  const cells: Cell[] = [];
  confusion.forEach((row, i) =>
    row.forEach((count, j) => {
      // Correct predictions in blue, mistakes in red, each shaded by its own maximum.
      const strength = i === j ? count / maxCorrect : count / maxWrong;
      cells.push({ row: classes[i]!, column: classes[j]!, text: `${count}\n${pct(count / total)}`, fill: shade(i === j ? [33, 102, 172] : [214, 96, 77], strength), ink: strength > 0.55 ? 'white' : 'black' });
    }),
  );
  stats.forEach((s, k) => {
    cells.push({ row: 'precision', column: classes[k]!, text: `${pct(s.precision)}\n${pct(1 - s.precision)}`, fill: summaryFill(s.precision), ink: 'black' });
    cells.push({ row: classes[k]!, column: 'recall', text: `${pct(s.recall)}\n${pct(1 - s.recall)}`, fill: summaryFill(s.recall), ink: 'black' });
  });
  const accuracy = confusion.reduce((sum, row, i) => sum + row[i]!, 0) / total;
  cells.push({ row: 'precision', column: 'recall', text: `${pct(accuracy)}\n${pct(1 - accuracy)}`, fill: '#d9d9d9', ink: 'black' });
  const cellSize = 58;
  const axisOrder = (last: string) => [...classes, last];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: ['cells: count and % of all images', 'bottom row: precision, right column: recall (each correct / wrong)'] },
    config: CONFIG,
    width: cellSize * (classes.length + 1),
    height: cellSize * (classes.length + 1),
    data: { values: cells },
    encoding: {
      x: { field: 'column', type: 'ordinal', sort: axisOrder('recall'), title: 'Predicted class', axis: { orient: 'top', labelAngle: -40, domain: false, ticks: false } },
      y: { field: 'row', type: 'ordinal', sort: axisOrder('precision'), title: 'True class', axis: { domain: false, ticks: false } },
    },
    layer: [
      { mark: { type: 'rect', stroke: 'white', strokeWidth: 1 }, encoding: { fill: { field: 'fill', type: 'nominal', scale: null } } },
      {
        mark: { type: 'text', lineBreak: '\n', fontSize: 11, lineHeight: 13 },
        encoding: { text: { field: 'text', type: 'nominal' }, color: { field: 'ink', type: 'nominal', scale: null } },
      },
    ],
  };
}

function shade(rgb: [number, number, number], strength: number): string {
  const t = Math.min(1, Math.max(0, strength));
  const mix = rgb.map((c) => Math.round(255 + (c - 255) * (0.08 + 0.92 * t)));
  return `rgb(${mix.join(',')})`;
}

/** Summary cells: green when good, towards orange when poor. */
function summaryFill(fraction: number): string {
  if (Number.isNaN(fraction)) return '#eeeeee';
  const t = Math.min(1, Math.max(0, fraction));
  return `rgb(${Math.round(253 - 120 * t)},${Math.round(208 + 20 * t)},${Math.round(162 - 10 * t)})`;
}
