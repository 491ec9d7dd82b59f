// `npm run accept`: the reference table end to end — every shipped reference config
// trained in full (MNIST 3000 iterations on three seeds, CIFAR-10 5000, the 15-minute
// cifar10-best, the 30-minute cifar10-resnet, and ResNet-20 on a 10-epoch schedule) —
// written to accept/RESULTS.md beside the reference's numbers. Too slow for CI (about
// 100 minutes on 2 cores); `--only` picks rows.
//   npm run accept [-- --only mnist,cifar10]
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { train, version } from '../src/index.js';
import { writeFileAtomic } from '../src/runtime/atomic.js';
import { timestamp } from '../src/run/index.js';

interface Row {
  readonly config: string;
  readonly reference: string;
  readonly target: number;
  readonly seeds: readonly number[];
  /** `--set` overrides (a shorter schedule than the config's own). */
  readonly overrides?: readonly string[];
  /** Another backend than the config's (`--only mnist-pytorch` picks this row alone). */
  readonly backend?: 'pytorch';
}

const ROWS: Row[] = [
  { config: 'configs/mnist.yaml', reference: '0.9782 (14,682 parameters)', target: 0.978, seeds: [1, 2, 3] },
  // The same config trained by the PyTorch backend (generated pytorch/train.py).
  { config: 'configs/mnist.yaml', reference: 'PyTorch backend: ≥ 0.975', target: 0.975, seeds: [1], backend: 'pytorch' },
  { config: 'configs/cifar10.yaml', reference: 'stalled near 0.44–0.48 (48,602 parameters)', target: 0, seeds: [1] },
  { config: 'configs/cifar10-deep.yaml', reference: '0.541 (55,018 parameters)', target: 0.54, seeds: [1] },
  { config: 'configs/cifar10-best.yaml', reference: 'beyond the reference: ≥ 0.65 in about 15 minutes', target: 0.65, seeds: [1] },
  { config: 'configs/cifar10-resnet.yaml', reference: 'modern: ≥ 0.90 within 30 minutes of wall time (airbench94 at half width)', target: 0.9, seeds: [1] },
  // He et al.'s 64k iterations (182 epochs) would take most of a day here; 10 epochs show it trains.
  { config: 'configs/resnet20.yaml', reference: 'He et al. 0.9125 after 182 epochs; here 10 epochs', target: 0, seeds: [1], overrides: ['train.iterations=3900'] },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',');
process.env.NETC_DATA ??= join('..', 'shared', 'datasets', 'cifar10');

const results: string[] = [];
const rowName = (r: Row) => `${r.config.replace(/^.*\/|\.yaml$/g, '')}${r.backend ? `-${r.backend}` : ''}`;
for (const row of ROWS.filter((r) => !only || only.includes(rowName(r)))) {
  for (const seed of row.seeds) {
    console.log(`\n== ${row.config}, seed ${seed}`);
    const start = performance.now();
    const { metrics, dir } = await train(row.config, { seed, backend: row.backend, overrides: [...(row.overrides ?? [])], runsDir: join('runs', 'accept'), log: (line) => console.log(line) });
    const wall = (performance.now() - start) / 1000;
    const pass = metrics.test.accuracy >= row.target ? 'yes' : 'NO';
    results.push(
      `| \`${row.config}\`${row.backend ? ` (${row.backend})` : ''} | ${seed} | ${metrics.params.total} | ${metrics.train.iterations} | **${metrics.test.accuracy.toFixed(4)}** | ${row.reference} | ${row.target ? `≥ ${row.target}: ${pass}` : '–'} | ${metrics.train.samplesPerSecond.toFixed(0)} | ${metrics.train.seconds.toFixed(0)} s | ${wall.toFixed(0)} s | \`${relative(process.cwd(), dir)}\` |`,
    );
  }
}

const report = `# Acceptance: the reference results, reproduced

Measured by \`npm run accept\` on ${new Date().toISOString().slice(0, 10)} with netc ${version}, Node ${process.version},
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; each config's own settings (the
WebAssembly backend on one thread per core, unless a config says otherwise).
"Training" is the time in training steps; "wall" includes compiling, loading data, validation,
the 10,000-image test and the report.

| config | seed | parameters | iterations | test accuracy | reference | target | samples/s | training | wall | run folder |
|---|---|---|---|---|---|---|---|---|---|---|
${results.join('\n')}
`;
const file = join('accept', only ? `RESULTS-${timestamp()}.md` : 'RESULTS.md');
writeFileAtomic(file, report);
console.log(`\n${report}\nwritten to ${file}`);
