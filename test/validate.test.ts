// Schema validation: valid configs pass; broken ones fail with the right place and message.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetcError } from '../src/diagnostics.js';
import { parseConfig, readConfigFile } from '../src/parse/index.js';
import { check } from '../src/pipeline.js';
import { MAX_LAYERS } from '../src/resolve/blocks.js';
import { MAX_ERRORS, validate } from '../src/validate/index.js';
import { runCli, tempDir } from './helpers.js';

const VALID = `input: {height: 28, width: 28, channels: 1}
layers:
  - conv: {filters: 4, size: 5}
  - relu
  - maxpool
  - dense: {units: 10}
data: {dataset: mnist}
train: {iterations: 10}
`;

/** The errors of checking a config: the schema's, or else those found resolving its layers. */
function errorsOf(text: string) {
  const schema = validate(parseConfig('bad.yaml', text));
  let diagnostics = schema;
  if (schema.length === 0) {
    try {
      check('bad.yaml', { text });
    } catch (error) {
      if (!(error instanceof NetcError)) throw error;
      diagnostics = [...error.diagnostics];
    }
  }
  return diagnostics.map((d) => ({ at: `${d.line}:${d.col}`, message: d.message, hint: d.hint }));
}

/** Replace one line of VALID (1-based) with `replacement`. */
function withLine(line: number, replacement: string): string {
  const lines = VALID.split('\n');
  lines[line - 1] = replacement;
  return lines.join('\n');
}

describe('validate', () => {
  it('accepts every shipped config (those that extend another, as part of a chain)', () => {
    const configs = readdirSync('configs').filter((f) => f.endsWith('.yaml'));
    expect(configs.length).toBeGreaterThan(1);
    for (const file of configs) {
      const parsed = readConfigFile(`configs/${file}`);
      expect(validate(parsed, { part: 'extends' in (parsed.data as object) }), file).toEqual([]);
    }
  });

  it('accepts the minimal config', () => {
    expect(errorsOf(VALID)).toEqual([]);
  });

  const cases: [string, string, string, string | undefined][] = [
    // [config, line:col, message fragment, hint fragment]
    [withLine(3, '  - cnov: {filters: 4, size: 5}'), '3:5', "unknown layer type 'cnov'", "did you mean 'conv'?"],
    [withLine(4, '  - rleu'), '4:5', "unknown layer type 'rleu'", "did you mean 'relu'?"],
    [withLine(3, '  - conv'), '3:5', 'a conv layer needs options', '- conv: {filters: 16'],
    [withLine(3, '  - conv: {filters: 4, size: 5, paddng: 2}'), '3:33', "unknown key 'paddng' in the conv layer (layers[0])", "did you mean 'padding'?"],
    [withLine(3, '  - conv: {filters: 0, size: 5}'), '3:21', 'layers[0].conv.filters must be ≥ 1; found 0', undefined],
    [withLine(3, '  - conv: {filters: "4", size: 5}'), '3:21', 'layers[0].conv.filters must be an integer; found "4"', 'remove the quotes'],
    [withLine(3, '  - conv: {filters: 4, size: 2.5}'), '3:30', 'must be an integer; found 2.5', 'whole number'],
    [withLine(3, '  - conv: {filters: 4}'), '3:5', "the conv layer (layers[0]) is missing 'size'", undefined],
    [withLine(3, '  - {conv: {filters: 4, size: 5}, relu: null}'), '3:5', "a layer item names exactly one layer type; found 'conv', 'relu'", 'own line'],
    [withLine(3, '  - 7'), '3:5', 'a layer is a type', undefined],
    [withLine(3, '  - conv: {filters: 4, size: 5, name: Conv-1}'), '3:39', 'must be lowercase letters, digits and _', undefined],
    [withLine(1, 'input: {height: 28, widht: 28, channels: 1}'), '1:21', "unknown key 'widht' in input", "did you mean 'width'?"],
    [withLine(1, 'input: {height: 28, width: 28, channels: 1, depth: 1}'), '1:45', "unknown key 'depth'", undefined],
    [withLine(7, 'data: {dataset: mnst}'), '7:17', "data.dataset must be one of 'mnist', 'cifar10', 'idx', 'folder'; found \"mnst\"", "did you mean 'mnist'?"],
    [withLine(7, 'data: {dataset: mnist, pixels: 0-100}'), '7:32', 'data.pixels must be one of', undefined],
    [withLine(8, 'train: {iterations: 10, learning_rate: 0}'), '8:40', 'train.learning_rate must be > 0; found 0', undefined],
    [withLine(8, 'train: {iterations: 10, momentum: 1}'), '8:35', 'train.momentum must be < 1; found 1', undefined],
    [withLine(8, 'train: {iterations: 10, batch_size: .inf}'), '8:37', 'train.batch_size must be a finite number; found Infinity', undefined],
    [withLine(8, 'train: {}'), '8:1', "train is missing 'iterations'", undefined],
    [withLine(8, 'trian: {iterations: 10}'), '8:1', "unknown key 'trian' in the config", "did you mean 'train'?"],
    [VALID.replace('layers:\n  - conv: {filters: 4, size: 5}\n  - relu\n  - maxpool\n  - dense: {units: 10}\n', 'layers: []\n'), '2:9', 'layers needs at least 1 item; found 0', undefined],
  ];

  it.each(cases)('reports %#: %s', (text, at, message, hint) => {
    const errors = errorsOf(text);
    const match = errors.find((e) => e.message.includes(message));
    expect(match, JSON.stringify(errors, null, 2)).toBeDefined();
    expect(match!.at).toBe(at);
    if (hint) expect(match!.hint).toContain(hint);
  });

  it('reports every error at once, sorted by position', () => {
    const text = VALID.replace('filters: 4', 'filters: -1').replace('units: 10', 'units: 0').replace('iterations: 10', 'iterations: 0');
    const errors = errorsOf(text);
    expect(errors.map((e) => e.at)).toEqual(['3:21', '6:20', '8:21']);
  });

  it('bounds lists: at most 1024 written layers, and at most MAX_LAYERS once blocks are expanded', () => {
    const layers = Array.from({ length: 1025 }, () => '  - relu').join('\n');
    const errors = errorsOf(`input: {height: 28, width: 28, channels: 1}\nlayers:\n${layers}\ndata: {dataset: mnist}\ntrain: {iterations: 1}\n`);
    expect(errors.map((e) => e.message)).toEqual(['layers allows at most 1024 items; found 1025']);
    // 16 × 16 × 16 uses of a two-layer block: 8192 layers.
    const nested = `input: {height: 28, width: 28, channels: 1}
blocks:
  pair: {layers: [relu, relu]}
  b16: {layers: [${Array(16).fill('pair').join(', ')}]}
  c16: {layers: [${Array(16).fill('b16').join(', ')}]}
layers:
${Array.from({ length: 16 }, () => '  - c16').join('\n')}
  - dense: {units: 10}
data: {dataset: mnist}
train: {iterations: 1}
`;
    expect(errorsOf(nested)[0]!.message).toBe(`the network expands to more than ${MAX_LAYERS} layers`);
  });

  it('admits deep nets: 32 conv + relu pairs', () => {
    const layers = Array.from({ length: 32 }, () => '  - conv: {filters: 2, size: 3, padding: 1}\n  - relu').join('\n');
    expect(errorsOf(`input: {height: 28, width: 28, channels: 1}\nlayers:\n${layers}\n  - dense: {units: 10}\ndata: {dataset: mnist}\ntrain: {iterations: 1}\n`)).toEqual([]);
  });

  it('caps a flood of errors with "…and N more"', () => {
    const layers = Array.from({ length: 40 }, () => '  - conv: {filters: 0, size: 5}').join('\n');
    const errors = errorsOf(`input: {height: 28, width: 28, channels: 1}\nlayers:\n${layers}\ndata: {dataset: mnist}\ntrain: {iterations: 1}\n`);
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors[MAX_ERRORS]!.message).toBe(`…and ${40 - MAX_ERRORS} more errors`);
  });

  it('the summary line counts the errors "…and N more" stands for', async () => {
    const dir = tempDir();
    const layers = Array.from({ length: 40 }, () => '  - conv: {filters: 0, size: 5}').join('\n');
    writeFileSync(join(dir, 'flood.yaml'), `input: {height: 28, width: 28, channels: 1}\nlayers:\n${layers}\ndata: {dataset: mnist}\ntrain: {iterations: 1}\n`);
    const r = await runCli('check', join(dir, 'flood.yaml'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').at(-1)).toBe('40 errors');
  });
});

describe('documentation', () => {
  it("the README's option table is generated from the schema (npm run docs)", async () => {
    const { optionsMarkdown, replaceBetweenMarkers } = await import('../src/docs.js');
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    expect(replaceBetweenMarkers(readme, 'options', optionsMarkdown())).toBe(readme);
  });

  it('schema/netc.schema.json is the schema netc builds from its base and the op table (npm run docs)', async () => {
    const { schemaText } = await import('../src/schema/index.js');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('schema/netc.schema.json', 'utf8')).toBe(schemaText());
  });
});

describe('the op table', () => {
  it("every op is one folder of the files the README's \"Adding a layer type\" lists, and one line of the table", async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { OPS } = await import('../src/ops/index.js');
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('<!-- op-folder:start -->'), readme.indexOf('<!-- op-folder:end -->'));
    // Each bullet names a file; a bullet that says "may be left out" names an optional one.
    const bullets = section.split(/^- /m).slice(1);
    const listed = bullets.map((b) => /^`([^`]+)`/.exec(b)![1]!);
    const optional = bullets.filter((b) => b.includes('may be left out')).map((b) => /^`([^`]+)`/.exec(b)![1]!);
    expect(listed).toEqual(['index.ts', 'ts.hbs', 'ts.ts', 'wasm.hbs', 'wasm.ts', 'onnx.ts', 'pytorch.ts', 'tests.ts']);
    expect(optional).toEqual(['ts.ts', 'wasm.ts']);
    const folders = readdirSync('src/ops', { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'shared').map((e) => e.name);
    expect(folders.sort()).toEqual(OPS.map((op) => op.type).sort());
    const table = readFileSync('src/ops/index.ts', 'utf8');
    for (const op of OPS) {
      const files = readdirSync(`src/ops/${op.type}`).sort();
      expect(files.filter((f) => !listed.includes(f)), op.type).toEqual([]);
      expect(listed.filter((f) => !optional.includes(f) && !files.includes(f)), op.type).toEqual([]);
      expect(table.split('\n').filter((line) => line.trim() === `${op.type},`), op.type).toHaveLength(1);
    }
  });
});
