import type { Command } from 'commander';
import { predict } from '../../predict/index.js';
import { displayPath } from '../../pipeline.js';
import type { Output } from '../output.js';
import { positiveInteger } from '../shared.js';

export function registerPredict(program: Command, io: Output): void {
  program
    .command('predict')
    .description("classify images (PNG or JPEG, or folders of them) with a run's trained network")
    .argument('<run-dir>', 'a run folder written by netc train')
    .argument('<images...>', 'image files, or folders of them')
    .option('--top <k>', 'how many classes to show per image', positiveInteger, 3)
    .option('--resize', "scale images of another size to the network's input (bilinear)")
    .option('--json', 'machine-readable JSON: every class with its probability')
    .action(async (runDir: string, images: string[], options: { top: number; resize?: boolean; json?: boolean }) => {
      const predictions = await predict(runDir, images, { resize: options.resize });
      if (options.json) {
        io.out(JSON.stringify(predictions, null, 2));
        return;
      }
      const pct = (p: number) => `${(100 * p).toFixed(1)}%`;
      for (const { file, classes } of predictions) {
        const [best, ...rest] = classes.slice(0, options.top);
        io.out(`${displayPath(file)}: ${io.color.bold(best!.label)} ${pct(best!.probability)}${rest.map((c) => `  ${c.label} ${pct(c.probability)}`).join('')}`);
      }
    });
}
