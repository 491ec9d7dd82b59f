import type { Command } from 'commander';
import { exportOnnx } from '../../export/index.js';
import { displayPath } from '../../pipeline.js';
import type { Output } from '../output.js';

export function registerExport(program: Command, io: Output): void {
  program
    .command('export')
    .description("write a run's trained network in a standard format, for inference outside netc")
    .argument('<run-dir>', 'a run folder written by netc train')
    .option('--onnx', 'ONNX (opset 13): input pixels 0–255 NCHW, outputs logits and probabilities')
    .option('--out <file>', 'where to write it (default: model.onnx in the run folder)')
    .action((runDir: string, options: { onnx?: boolean; out?: string }, command: Command) => {
      if (!options.onnx) command.error('error: choose a format: --onnx (the only one so far)');
      const { file, bytes, weightBytes } = exportOnnx(runDir, { out: options.out });
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      io.out(`${io.color.green('wrote')} ${displayPath(file)} (${kb(bytes)}; the weights are ${kb(weightBytes)})`);
    });
}
