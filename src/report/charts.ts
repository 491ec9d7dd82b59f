// The charts of a report, as Vega-Lite specs: learning curves and the confusion matrix.
import type { TopLevelSpec } from 'vega-lite';
import type { HistoryEntry } from '../runtime/train-loop.js';
import { classStats } from './confusion.js';
import { FONT } from './render.js';

const CONFIG = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 } } as const;

/** Training loss and accuracy (moving averages) and validation accuracy over iterations. */
export function learningCurvesSpec(history: readonly HistoryEntry[], title: string): TopLevelSpec {
  const values = history.map((h) => ({ iteration: h.iteration, loss: h.loss, accuracy: h.accuracy, validation: h.validationAccuracy }));
  const series = [
    { key: 'accuracy', label: 'training (moving average)' },
    { key: 'validation', label: 'validation' },
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
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
        },
      },
      {
        title: 'Accuracy',
        width: 360,
        height: 240,
        transform: [
          { fold: series.map((s) => s.key), as: ['series', 'value'] },
          { filter: 'datum.value !== null' },
          { calculate: `{${series.map((s) => `'${s.key}': '${s.label}'`).join(', ')}}[datum.series]`, as: 'curve' },
        ],
        mark: { type: 'line', strokeWidth: 2, point: { size: 12 } },
        encoding: {
          x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
          y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
          color: { field: 'curve', type: 'nominal', title: null, sort: series.map((s) => s.label), legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 300 } },
        },
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
