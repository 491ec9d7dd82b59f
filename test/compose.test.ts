// Composing configs: extends chains (and cycles), layer changes, --set overrides; errors
// located in the file (or the flag) they come from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, configHash } from '../src/pipeline.js';
import { configYaml, diagnosticOf, tempDir } from './helpers.js';

/** Writes files into a fresh folder; returns its path. */
function folder(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function failure(file: string, overrides: string[] = []) {
  return diagnosticOf(() => check(file, { overrides }));
}

const BASE = configYaml({
  name: 'base',
  layers: [{ conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10 } }],
  train: { iterations: 10, learning_rate: 0.01, momentum: 0.9 },
});

describe('extends', () => {
  it('inherits everything but the name, merging mappings key by key', () => {
    const dir = folder({ 'base.yaml': BASE, 'child.yaml': 'extends: base.yaml\ntrain:\n  learning_rate: 0.001\n' });
    const { resolved } = check(join(dir, 'child.yaml'));
    expect(resolved.config.name).toBe('child');
    expect(resolved.config.train).toMatchObject({ iterations: 10, learning_rate: 0.001, momentum: 0.9 });
    expect(resolved.config.layers.map((l) => l.name)).toEqual(['conv1', 'relu1', 'maxpool1', 'dense1']);
  });

  it('follows chains, the nearest file winning', () => {
    const dir = folder({
      'base.yaml': BASE,
      'sub/middle.yaml': 'extends: ../base.yaml\ntrain: { learning_rate: 0.002, momentum: 0.5 }\n',
      'sub/leaf.yaml': 'extends: middle.yaml\ntrain: { momentum: 0.8 }\n',
    });
    expect(check(join(dir, 'sub/leaf.yaml')).resolved.config.train).toMatchObject({ learning_rate: 0.002, momentum: 0.8, iterations: 10 });
  });

  it('refuses cycles, at the extends that closes them', () => {
    const dir = folder({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': `${BASE}extends: c.yaml\n`, 'c.yaml': 'extends: a.yaml\n' });
    const d = failure(join(dir, 'a.yaml'));
    expect(d.message).toMatch(/^extends makes a cycle: .*a\.yaml → .*b\.yaml → .*c\.yaml → .*a\.yaml$/);
    expect(d.file).toMatch(/c\.yaml$/);
    expect([d.line, d.col]).toEqual([1, 10]);
  });

  it('refuses a missing parent, pointing at the extends', () => {
    const dir = folder({ 'child.yaml': 'name: child\nextends: nowhere.yaml\n' });
    const d = failure(join(dir, 'child.yaml'));
    expect(d.message).toContain('extends "nowhere.yaml", but there is no such file');
    expect([d.line, d.col]).toEqual([2, 10]);
  });

  it('refuses to extend a file that is not a YAML config, without reading it', () => {
    const dir = folder({ 'child.yaml': 'name: child\nextends: /etc/passwd\n' });
    const d = failure(join(dir, 'child.yaml'));
    expect(d.message).toBe('extends must name a YAML config (.yaml or .yml); found "/etc/passwd"');
    expect([d.file.endsWith('child.yaml'), d.line, d.col]).toEqual([true, 2, 10]);
  });

  it('locates errors in the file that holds them, and missing options at the parent', () => {
    const dir = folder({ 'base.yaml': BASE, 'child.yaml': 'extends: base.yaml\ntrain:\n  learing_rate: 0.1\n' });
    const d = failure(join(dir, 'child.yaml'));
    expect(d.file).toMatch(/child\.yaml$/);
    expect(d.message).toContain("unknown key 'learing_rate' in train");
    expect(d.hint).toBe("did you mean 'learning_rate'?");
    // A parent without iterations is fine on its own, but the composed config is not.
    const loose = folder({ 'base.yaml': BASE.replace('iterations: 10', 'seed: 3'), 'child.yaml': 'extends: base.yaml\n' });
    const e = failure(join(loose, 'child.yaml'));
    expect(e.message).toContain("train is missing 'iterations'");
    expect(e.file).toMatch(/base\.yaml$/);
  });
});

describe('layer_changes', () => {
  const child = (changes: string) => folder({ 'base.yaml': BASE, 'child.yaml': `extends: base.yaml\nlayer_changes:\n${changes}` });
  const names = (dir: string) => check(join(dir, 'child.yaml')).resolved.config.layers.map((l) => `${l.name}:${l.type}`);

  it('inserts after and before a named layer, with automatic names that do not rename others', () => {
    const dir = child('  - insert_after: relu1\n    layers: [{conv: {filters: 4, size: 3, padding: 1}}, relu]\n  - insert_before: conv1\n    layers: [relu]\n');
    expect(names(dir)).toEqual(['relu3:relu', 'conv1:conv', 'relu1:relu', 'conv2:conv', 'relu2:relu', 'maxpool1:maxpool', 'dense1:dense']);
  });

  it('replaces, removes and changes layers', () => {
    const dir = child('  - replace: maxpool1\n    layers: [{maxpool: {name: pool, size: 4}}]\n  - remove: relu1\n  - change: conv1\n    set: {filters: 8}\n');
    const { resolved, network } = check(join(dir, 'child.yaml'));
    expect(resolved.config.layers.map((l) => l.name)).toEqual(['conv1', 'pool', 'dense1']);
    expect(resolved.config.layers[0]).toMatchObject({ filters: 8, size: 5 });
    expect(network.layers[1]!.output).toEqual({ height: 7, width: 7, channels: 8 });
  });

  it('names unknown layers with a suggestion, in the child', () => {
    const d = failure(join(child('  - remove: reul1\n'), 'child.yaml'));
    expect(d.message).toBe("no layer is named 'reul1'; the layers are conv1, relu1, maxpool1, dense1");
    expect(d.hint).toBe("did you mean 'relu1'?");
    expect(d.file).toMatch(/child\.yaml$/);
    expect([d.line, d.col]).toEqual([3, 13]);
  });

  it('locates errors in changed options where the change is written', () => {
    const d = failure(join(child('  - change: conv1\n    set: {filtres: 8}\n'), 'child.yaml'));
    expect(d.message).toContain("unknown key 'filtres' in the conv layer");
    expect(d.file).toMatch(/child\.yaml$/);
    expect(d.line).toBe(4);
  });

  it('refuses a change that does two things, or none', () => {
    expect(failure(join(child('  - remove: relu1\n    change: conv1\n    set: {filters: 2}\n'), 'child.yaml')).message).toContain('a layer change does exactly one of');
  });

  it('writes configs/cifar10-deep.yaml as cifar10.yaml plus a conv and a relu: the same network', () => {
    const dir = folder({
      'deep.yaml': `${configYaml({
        input: { height: 32, width: 32, channels: 3 },
        data: { dataset: 'cifar10' },
        layers: [{ conv: { filters: 16, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { conv: { filters: 16, size: 5, padding: 2 } }, 'relu', { conv: { filters: 16, size: 5, padding: 2 } }, 'relu', { dense: { units: 10 } }],
      })}`,
    });
    const standalone = check(join(dir, 'deep.yaml'));
    const composed = check('configs/cifar10-deep.yaml');
    expect(composed.network.params).toBe(55018);
    expect(standalone.network.layers.map((l) => l.output)).toEqual(composed.network.layers.map((l) => l.output));
  });
});

describe('--set overrides', () => {
  it('set options after extends, values parsed as YAML scalars', () => {
    const { resolved } = check('configs/cifar10-deep.yaml', { overrides: ['train.learning_rate=1e-4', 'layers.conv3.filters=32', 'report.every=50', 'data.augment.flip=true'] });
    expect(resolved.config.train.learning_rate).toBe(1e-4);
    expect(resolved.config.layers.find((l) => l.name === 'conv3')).toMatchObject({ filters: 32 });
    expect(resolved.config.report.every).toBe(50);
    expect(resolved.config.data.augment.flip).toBe(true);
  });

  it('change the config hash, so generated code records them', () => {
    expect(configHash(check('configs/mnist.yaml', { overrides: ['train.seed=2'] }))).not.toBe(configHash(check('configs/mnist.yaml')));
    // How long and on what a run trains is not part of what it trains (a run resumes for longer, or on other threads).
    expect(configHash(check('configs/mnist.yaml', { overrides: ['train.iterations=5', 'train.threads=1', 'train.backend=ts'] }))).toBe(configHash(check('configs/mnist.yaml')));
  });

  it('refuse unknown paths with the nearest valid one, and bad values at the flag', () => {
    const d = failure('configs/mnist.yaml', ['train.learing_rate=0.1']);
    expect(d.file).toBe('--set train.learing_rate=0.1');
    expect(d.message).toContain("unknown option 'train.learing_rate'");
    expect(d.hint).toBe("did you mean 'train.learning_rate'?");
    expect(failure('configs/mnist.yaml', ['layers.conv9.filters=3']).message).toContain("no layer is named 'conv9'");
    expect(failure('configs/mnist.yaml', ['train.learning_rate']).message).toContain('expected key.path=value');
    const typed = failure('configs/mnist.yaml', ['train.batch_size=many']);
    expect(typed.file).toBe('--set train.batch_size=many');
    expect(typed.message).toBe('train.batch_size must be an integer; found "many"');
  });
});
