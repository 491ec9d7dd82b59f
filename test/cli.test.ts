// The CLI as a user meets it: exit codes, messages, summary numbers, compile --check.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/main.js';
import { configYaml, runCli, tempDir } from './helpers.js';

const cli = runCli;

describe('netc CLI', () => {
  it('check: exit 0 for valid configs', async () => {
    const r = await cli('check', 'configs/mnist.yaml', 'configs/example.yaml');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('ok configs/mnist.yaml: 7 layers, 14682 parameters');
  });

  it('check: exit 1 with file:line:col, the source line, a caret and a hint', async () => {
    const file = join(tempDir(), 'bad.yaml');
    const text = configYaml().replace('filters: 4', 'filtres: 4');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('filtres')) + 1;
    const r = await cli('check', file, 'configs/mnist.yaml');
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toContain(`${file}:${line}:`);
    expect(r.err).toContain("unknown key 'filtres' in the conv layer (layers[0])");
    expect(r.err).toMatch(new RegExp(`\\n${line} \\| .*filtres: 4.*\\n {2}\\| +\\^`));
    expect(r.err).toContain("hint: did you mean 'filters'?");
    expect(r.out).toContain('ok configs/mnist.yaml');
    expect(r.err).not.toContain('    at ');
  });

  it('summary prints each layer and the parameter counts 416, 6416, 7850 and 14682', async () => {
    const r = await cli('summary', 'configs/mnist.yaml');
    expect(r.code).toBe(EXIT.ok);
    const row = (name: string) => r.out.split('\n').find((l) => l.startsWith(name + ' '))!;
    expect(row('conv1')).toMatch(/5×5, 1→16, pad 2\s+28×28×16\s+416\s+627\.2 K$/);
    expect(row('conv2')).toMatch(/14×14×16\s+6416\s+2\.51 M$/);
    expect(row('fc')).toMatch(/1×1×10\s+7850\s+15\.7 K$/);
    expect(row('total')).toMatch(/\s14682\s+3\.15 M$/);
  });

  it('summary --json', async () => {
    const r = await cli('summary', 'configs/mnist.yaml', '--json');
    const json = JSON.parse(r.out);
    expect(json.params).toBe(14682);
    expect(json.layers.map((l: { params: number }) => l.params)).toEqual([416, 0, 0, 6416, 0, 0, 7850]);
    expect(json.flops.training).toBe(9455040);
  });

  it('compile writes the trainer; --check finds drift and exits 1', async () => {
    const outDir = tempDir();
    const r = await cli('compile', 'configs/example.yaml', '--out-dir', outDir);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/compiled configs\/example\.yaml → .*\/example\/ {2}\d+ files, \d+ generated lines .*unrolled window taps: stem 9, maxpool1 4, conv2 9/);
    expect((await cli('compile', 'configs/example.yaml', '--out-dir', outDir, '--check')).code).toBe(EXIT.ok);
    writeFileSync(join(outDir, 'example', 'model.ts'), readFileSync(join(outDir, 'example', 'model.ts'), 'utf8') + '// edited\n');
    writeFileSync(join(outDir, 'example', 'stray.js'), '');
    const drift = await cli('compile', 'configs/example.yaml', '--out-dir', outDir, '--check');
    expect(drift.code).toBe(EXIT.failed);
    expect(drift.err).toContain('out of date');
    expect(drift.err).toContain('changed model.ts');
    expect(drift.err).toContain('extra stray.js');
    expect(drift.err).toContain('regenerate with `netc compile configs/example.yaml`');
  });

  it('a failed compile leaves the previous output untouched', async () => {
    const outDir = tempDir();
    await cli('compile', 'configs/example.yaml', '--out-dir', outDir);
    const before = readFileSync(join(outDir, 'example', 'model.ts'), 'utf8');
    const bad = join(tempDir(), 'example.yaml');
    writeFileSync(bad, readFileSync('configs/example.yaml', 'utf8').replace('units: 10', 'units: 9'));
    const r = await cli('compile', bad, '--out-dir', outDir);
    expect(r.code).toBe(EXIT.failed);
    expect(readFileSync(join(outDir, 'example', 'model.ts'), 'utf8')).toBe(before);
  });

  it('usage errors exit 2; --help and --version exit 0', async () => {
    expect((await cli('frobnicate')).code).toBe(EXIT.usage);
    expect((await cli('train')).code).toBe(EXIT.usage);
    expect((await cli('train', 'configs/mnist.yaml', '--iterations', 'many')).code).toBe(EXIT.usage);
    const help = await cli('train', '--help');
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toContain('--iterations <n>');
    const version = await cli('--version');
    expect(version.code).toBe(EXIT.ok);
    expect(version.out).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('train: --iterations, --seed and --threads pass the schema like config values, errors naming the flag', async () => {
    const out = join(tempDir(), 'run');
    for (const [flag, value, message] of [
      ['--iterations', '1000000000', 'train.iterations must be ≤ 100000000; found 1000000000'],
      ['--seed', '99999999999', 'train.seed must be ≤ 4294967295; found 99999999999'],
      ['--threads', '999', 'train.threads must be ≤ 64; found 999'],
    ] as const) {
      const r = await cli('train', 'configs/example.yaml', flag, value, '--out', out);
      expect(r.code).toBe(EXIT.failed);
      expect(r.err).toContain(`${flag} ${value}: error: ${message}`);
      expect(existsSync(out)).toBe(false);
    }
    // The run folder's config.yaml is the config as trained, flags included.
    const r = await cli('train', 'configs/example.yaml', '--iterations', '2', '--seed', '5', '--out', out);
    expect(r.code).toBe(EXIT.ok);
    const trained = readFileSync(join(out, 'config.yaml'), 'utf8');
    expect(trained).toContain('# Trained with --iterations 2 --seed 5 (included below).');
    expect(trained).toMatch(/^  iterations: 2$/m);
    expect(trained).toMatch(/^  seed: 5$/m);
  });

  it('train refuses to overwrite a finished run', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'metrics.json'), '{}');
    const r = await cli('train', 'configs/example.yaml', '--iterations', '1', '--out', out);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toContain('the run folder already exists and is not empty');
  });

  it('the built executable runs (npm ci builds dist/ through the prepare script)', () => {
    const dir = tempDir();
    cpSync('configs/example.yaml', join(dir, 'example.yaml'));
    const out = execFileSync(process.execPath, ['dist/cli/bin.js', 'check', join(dir, 'example.yaml')], { encoding: 'utf8' });
    expect(out).toContain('ok ');
    // As `npx netc` runs it: the file itself, through its #! line (npm links no bin on a
    // fresh clone before prepare builds it, so the build must make it executable).
    expect(execFileSync('dist/cli/bin.js', ['check', join(dir, 'example.yaml')], { encoding: 'utf8' })).toContain('ok ');
  });
});
