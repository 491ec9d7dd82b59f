// `npm run docs:figures -- RUN_DIR`: the figures of a run's report, at 1× for the README,
// into docs/figures/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '../src/report/render.js';

const run = process.argv[2];
if (!run) throw new Error('usage: npm run docs:figures -- RUN_DIR');
mkdirSync(join('docs', 'figures'), { recursive: true });
for (const name of ['learning-curves', 'confusion', 'kernels', 'misclassified']) {
  const png = svgToPng(readFileSync(join(run, `${name}.svg`), 'utf8'), 1);
  writeFileSync(join('docs', 'figures', `${name}.png`), png);
  console.log(`docs/figures/${name}.png ${(png.length / 1024).toFixed(0)} KiB`);
}
