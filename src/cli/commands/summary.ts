import type { Command } from 'commander';
import { check } from '../../pipeline.js';
import { inputsText, summaryJson } from '../../summary.js';
import { describeLayer, humanCount, table } from '../../text.js';
import type { Output } from '../output.js';
import { withOverrides } from '../shared.js';

export function registerSummary(program: Command, io: Output): void {
  withOverrides(program.command('summary').description('per-layer output shape, parameters and FLOPs per sample').argument('<config>', 'YAML config file').option('--json', 'machine-readable JSON')).action(
    (file: string, options: { json?: boolean; set: string[] }) => {
      const { network } = check(file, { overrides: options.set });
      const summary = summaryJson(network);
      if (options.json) {
        io.out(JSON.stringify(summary, null, 2));
        return;
      }
      const shape = (s: readonly number[]) => s.join('×');
      // A graph (a layer reading other than the layer before it) gets an inputs column.
      const graph = summary.graph;
      const cells = (row: string[], inputs: string) => (graph ? [...row.slice(0, 2), inputs, ...row.slice(2)] : row);
      const rows = [
        cells(['layer', 'type', 'options', 'output', 'params', 'FLOPs/sample'], 'inputs'),
        cells(['input', '', '', shape(summary.input), '', ''], ''),
        ...network.layers.map((l, i) => {
          const layer = summary.layers[i]!;
          return cells([layer.name, layer.type, describeLayer(l.layer, l.inputs), shape(layer.output), String(layer.params), humanCount(layer.flops)], inputsText(network, i));
        }),
        cells(['total', '', '', '', String(summary.params), humanCount(summary.flops.forward)], ''),
      ];
      io.out(`${io.color.bold(summary.name)}${summary.description ? ` — ${summary.description}` : ''}`);
      const lines = table(rows, graph ? [false, false, false, false, false, true, true] : [false, false, false, false, true, true]);
      io.out(io.color.dim(lines[0]!));
      for (const line of lines.slice(1)) io.out(line);
      io.out(io.color.dim(`FLOPs count 2 per multiply-add; a training step is about 3× the forward pass: ${humanCount(summary.flops.training)} per sample.`));
    },
  );
}
