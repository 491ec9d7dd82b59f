// The comparison's charts: one curve per run, overlaid, coloured by what sets the runs apart
// (runs of one setting and several seeds share a colour).
import type { TopLevelSpec } from 'vega-lite';
import { FONT } from '../report/render.js';
import type { ComparedRun } from './index.js';

/** Training loss (moving average) or validation accuracy of every run, over iterations. */
export function comparisonCurvesSpec(runs: readonly Pick<ComparedRun, 'label' | 'group' | 'metrics'>[], metric: 'loss' | 'validation', title: string): TopLevelSpec {
  const finite = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const values = runs.flatMap((run) =>
    run.metrics.history.flatMap((h) => {
      const y = finite(metric === 'loss' ? h.loss : h.validationAccuracy);
      return y === null ? [] : [{ run: run.label, group: run.group, iteration: h.iteration, y }];
    }),
  );
  const groups = [...new Set(runs.map((r) => r.group))];
  const last = Math.max(1, ...runs.map((r) => r.metrics.train.iterations));
  const losses = values.map((v) => v.y);
  // Losses that span orders of magnitude (a diverging run among them) read on a log scale.
  const log = metric === 'loss' && losses.length > 0 && Math.min(...losses) > 0 && Math.max(...losses) / Math.min(...losses) > 1000;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title },
    config: { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 }, legend: { labelLimit: 360 } },
    width: 560,
    height: 300,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.8, point: values.length <= runs.length ? true : false },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration', scale: { domain: [0, last] }, axis: { tickMinStep: 1, format: 'd' } },
      y:
        metric === 'loss'
          ? { field: 'y', type: 'quantitative', title: log ? 'loss (log scale)' : 'loss', scale: losses.length === 0 ? { domain: [0, 1] } : log ? { type: 'log' } : { zero: false }, axis: { format: '~g' } }
          : { field: 'y', type: 'quantitative', title: 'validation accuracy', scale: { domain: [0, 1] } },
      color: { field: 'group', type: 'nominal', title: null, sort: groups, scale: { domain: groups, scheme: groups.length <= 10 ? 'tableau10' : 'category20' }, legend: { orient: 'bottom', columns: Math.min(3, groups.length) } },
      detail: { field: 'run', type: 'nominal' },
    },
  };
}
