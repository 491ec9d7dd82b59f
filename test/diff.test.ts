// Semantic diffs of configs and runs: the alignment of layers, what changed, the totals,
// results side by side, the exit codes; and the list of runs.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignLayers } from '../src/diff/align.js';
import { diff } from '../src/diff/index.js';
import { check, train } from '../src/pipeline.js';
import type { Layer } from '../src/resolve/index.js';
import { listRuns } from '../src/runs.js';
import { configYaml, runCli, tempDir } from './helpers.js';

const conv = (name: string, filters = 4): Layer => ({ type: 'conv', name, inputs: [], filters, size: 3, stride: 1, padding: 1, init: { scale: 1, bias: 0 } });
const relu = (name: string): Layer => ({ type: 'relu', name, inputs: [] });
const dense = (name: string, units = 10): Layer => ({ type: 'dense', name, inputs: [], units, init: { scale: 1, bias: 0 } });
const rows = (a: Layer[], b: Layer[]) => alignLayers(a, b).map((r) => `${r.a === undefined ? '-' : a[r.a]!.name}/${r.b === undefined ? '-' : b[r.b]!.name}${r.moved ? '*' : ''}`);

describe('layer alignment', () => {
  const base = [conv('c1'), relu('r1'), conv('c2'), relu('r2'), dense('fc')];

  it('shows an insertion as one insertion', () => {
    expect(rows(base, [conv('c1'), relu('r1'), conv('c2'), relu('r2'), conv('c3'), relu('r3'), dense('fc')])).toEqual(['c1/c1', 'r1/r1', 'c2/c2', 'r2/r2', '-/c3', '-/r3', 'fc/fc']);
  });

  it('shows a removal where the layer was', () => {
    expect(rows(base, [conv('c1'), relu('r1'), dense('fc')])).toEqual(['c1/c1', 'r1/r1', 'c2/-', 'r2/-', 'fc/fc']);
  });

  it('pairs renamed layers by type and options, and a changed layer by name', () => {
    expect(rows(base, [conv('first'), relu('r1'), conv('c2', 32), relu('r2'), dense('fc')])).toEqual(['c1/first', 'r1/r1', 'c2/c2', 'r2/r2', 'fc/fc']);
  });

  it('follows names when layers are reordered, and marks the move', () => {
    expect(rows([conv('a'), conv('b', 8), dense('fc')], [conv('b', 8), conv('a'), dense('fc')])).toEqual(['b/b', 'a/a*', 'fc/fc']);
  });
});

function side(file: string, text?: string) {
  return { label: file, checked: check(file, text === undefined ? {} : { text }) };
}

describe('diff of configs', () => {
  it('cifar10 → cifar10-deep: one inserted conv (5×5, 16→16, pad 2) and its relu, 48602 → 55018 parameters, nothing else', () => {
    const d = diff(side('configs/cifar10.yaml'), side('configs/cifar10-deep.yaml'));
    expect(d.hyperparameters).toEqual([]);
    const changed = d.layers.filter((r) => r.status !== 'same' || r.moved);
    expect(changed.map((r) => [r.status, r.b?.name, r.b?.type])).toEqual([
      ['added', 'conv3', 'conv'],
      ['added', 'relu3', 'relu'],
    ]);
    expect(changed[0]!.b).toMatchObject({ input: [16, 16, 16], output: [16, 16, 16], params: 6416, layer: { size: 5, filters: 16, padding: 2 } });
    expect([d.totals.a.params, d.totals.b.params]).toEqual([48602, 55018]);
    expect(d.equal).toBe(false);
  });

  it('cifar10 → cifar10-lr1e-4: exactly the learning rate', () => {
    const d = diff(side('configs/cifar10.yaml'), side('configs/cifar10-lr1e-4.yaml'));
    expect(d.hyperparameters).toEqual([{ path: 'train.learning_rate', before: 0.001, after: 0.0001 }]);
    expect(d.layers.every((r) => r.status === 'same' && !r.moved)).toBe(true);
  });

  it('shows where a change lands downstream: removing a pool reshapes the dense layer', () => {
    const withPool = configYaml({ layers: [{ conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10 } }] });
    const without = configYaml({ layers: [{ conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { dense: { units: 10 } }] });
    const d = diff(side('a.yaml', withPool), side('b.yaml', without));
    const fc = d.layers.find((r) => r.a?.name === 'dense1')!;
    expect(fc.status).toBe('reshaped');
    expect([fc.a!.params, fc.b!.params]).toEqual([14 * 14 * 4 * 10 + 10, 28 * 28 * 4 * 10 + 10]);
    expect(d.layers.find((r) => r.a?.name === 'maxpool1')!.status).toBe('removed');
  });

  it('a config against itself: equal', () => {
    expect(diff(side('configs/mnist.yaml'), side('configs/mnist.yaml')).equal).toBe(true);
  });
});

const cli = runCli;

describe('netc diff and netc runs', () => {
  it('exit 0 when equal, 1 when different, 2 on error', async () => {
    expect((await cli('diff', 'configs/mnist.yaml', 'configs/mnist.yaml')).code).toBe(0);
    const different = await cli('diff', 'configs/cifar10.yaml', 'configs/cifar10-lr1e-4.yaml');
    expect(different.code).toBe(1);
    expect(different.out).toMatch(/train\.learning_rate\s+0\.001\s+→ 0\.0001/);
    expect(different.out).toContain('1 setting changed');
    const broken = await cli('diff', 'configs/mnist.yaml', 'configs/nope.yaml');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('no such file');
  });

  it('--json for machines, --markdown for reports', async () => {
    const json = JSON.parse((await cli('diff', 'configs/cifar10.yaml', 'configs/cifar10-deep.yaml', '--json')).out);
    expect(json.totals.b.params).toBe(55018);
    expect(json.layers.filter((r: { status: string }) => r.status === 'added')).toHaveLength(2);
    const markdown = (await cli('diff', 'configs/cifar10.yaml', 'configs/cifar10-deep.yaml', '--markdown')).out;
    expect(markdown).toContain('| + | conv3 | conv | 5×5, 16→16, pad 2 | 16×16×16 | +6416 |');
    expect(markdown).toContain('| parameters | 48602 | 55018 | +6416 (+13.2%) |');
  });

  it('compares two real runs side by side, and lists them by date', async () => {
    const root = tempDir();
    const a = join(root, 'example', '1');
    const b = join(root, 'example', '2');
    await train('configs/example.yaml', { iterations: 40, seed: 1, out: a });
    await train('configs/example.yaml', { iterations: 40, seed: 2, out: b, overrides: ['train.seed=2'] });
    const r = await cli('diff', a, b);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/train\.seed\s+1\s+→ 2/);
    expect(r.out).toMatch(/test accuracy\s+0\.\d{4}\s+0\.\d{4}/);
    expect(r.out).toMatch(/recall: 7\s+0\.\d{4}\s+0\.\d{4}/);
    const runs = listRuns(root);
    expect(runs.map((run) => run.dir)).toEqual([a, b]);
    expect(runs[0]).toMatchObject({ name: 'example', status: 'completed', iterations: 40 });
    const table = await cli('runs', root);
    expect(table.out.split('\n')).toHaveLength(3);
    expect(table.out).toMatch(/example\s+completed\s+40\s+0\.\d{4}/);
    // A stray metrics.json that is not a run is skipped, not a crash.
    mkdirSync(join(root, 'junk'));
    writeFileSync(join(root, 'junk', 'metrics.json'), '{ not json');
    expect(listRuns(root)).toHaveLength(2);
    // So is a dangling link beside the runs.
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    expect(listRuns(root)).toHaveLength(2);
  });
});
