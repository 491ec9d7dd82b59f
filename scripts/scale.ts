// `npm run scale`: how compile time and generated size grow with depth — CIFAR ResNets
// of 6n + 2 layers (n = 3, 9, 18: ResNet-20, 56, 110), built from configs/resnet20.yaml's
// blocks with n blocks a stage. Writes bench/SCALE.md.
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { compile } from '../src/pipeline.js';
import { writeFileAtomic } from '../src/runtime/atomic.js';

/** ResNet-(6n + 2): resnet20.yaml with n blocks in each of its three stages. */
export function resnetConfig(n: number): string {
  const base = parse(readFileSync('configs/resnet20.yaml', 'utf8')) as Record<string, unknown> & { blocks: Record<string, unknown> };
  const stage = (s: number, filters: number) => Array.from({ length: n }, (_, b) => (s > 1 && b === 0 ? { down: { name: `s${s}b${b + 1}`, filters } } : { basic: { name: `s${s}b${b + 1}`, filters } }));
  const { stage: _unused, ...blocks } = base.blocks;
  return stringify({
    ...base,
    name: `resnet${6 * n + 2}`,
    blocks,
    layers: [
      { conv: { name: 'stem', filters: 16, size: 3, padding: 1, bias: false } },
      { batchnorm: { name: 'stem_bn' } },
      { relu: { name: 'stem_relu' } },
      ...stage(1, 16),
      ...stage(2, 32),
      ...stage(3, 64),
      'globalavgpool',
      { dense: { name: 'fc', units: 10 } },
    ],
  });
}

const rows: string[] = [];
for (const n of [3, 9, 18]) {
  const text = resnetConfig(n);
  const start = performance.now();
  const compiled = compile(`resnet${6 * n + 2}.yaml`, { text });
  const seconds = (performance.now() - start) / 1000;
  const { stats } = compiled.emitted;
  const ops = compiled.graph.ops.length;
  const convs = compiled.graph.ops.filter((op) => op.type === 'conv').length;
  rows.push(`| ResNet-${6 * n + 2} | ${convs} | ${ops} | ${compiled.network.params} | ${seconds.toFixed(1)} s | ${(seconds / ops * 1000).toFixed(0)} ms | ${stats.generatedLines} | ${Math.round(stats.generatedLines / ops)} | ${(stats.wasmBytes / 1024).toFixed(0)} KiB |`);
  console.log(rows.at(-1));
}
const report = `# Compile time and generated size against depth

Measured by \`npm run scale\` on ${new Date().toISOString().slice(0, 10)}: CIFAR ResNets of 6n + 2 layers built from
configs/resnet20.yaml's blocks (n = 3, 9, 18), compiled in one process, one after another.

| network | convolutions | ops | parameters | compile | per op | generated lines | per op | model.wasm |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
writeFileAtomic('bench/SCALE.md', report);
console.log(`\n${report}`);
