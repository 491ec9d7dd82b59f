// Parsing: YAML problems are located errors; the file is read safely.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetcError } from '../src/diagnostics.js';
import { MAX_CONFIG_BYTES, parseConfig, readConfigFile } from '../src/parse/index.js';
import { tempDir } from './helpers.js';

function diagnosticsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof NetcError) return error.diagnostics.map((d) => ({ at: `${d.line}:${d.col}`, message: d.message, hint: d.hint }));
    throw error;
  }
  throw new Error('expected a NetcError');
}

describe('parse', () => {
  it('keeps positions: locate() finds values and keys', () => {
    const parsed = parseConfig('a.yaml', 'train:\n  iterations: 5\nlayers:\n  - relu\n  - conv: {filters: 2}\n');
    expect(parsed.data).toEqual({ train: { iterations: 5 }, layers: ['relu', { conv: { filters: 2 } }] });
    expect(parsed.locate(['train', 'iterations'])).toEqual({ file: 'a.yaml', line: 2, col: 15 });
    expect(parsed.locate(['train', 'iterations'], { key: true })).toEqual({ file: 'a.yaml', line: 2, col: 3 });
    expect(parsed.locate(['layers', 1, 'conv', 'filters'])).toEqual({ file: 'a.yaml', line: 5, col: 21 });
    // A path that does not exist resolves to its deepest existing ancestor.
    expect(parsed.locate(['layers', 1, 'conv', 'size'])).toEqual({ file: 'a.yaml', line: 5, col: 11 });
  });

  it('refuses duplicate keys, at the duplicate', () => {
    expect(diagnosticsOf(() => parseConfig('a.yaml', 'train: {}\nlayers: []\ntrain: {}\n'))).toEqual([{ at: '3:1', message: 'Map keys must be unique', hint: undefined }]);
  });

  it('refuses several documents in one file', () => {
    const [d] = diagnosticsOf(() => parseConfig('a.yaml', 'train: {}\n---\nlayers: []\n'));
    expect(d!.message).toBe('the file holds 2 YAML documents; a config is exactly one');
    expect(d!.at).toBe('2:1');
  });

  it('refuses empty files and documents that are not mappings', () => {
    expect(diagnosticsOf(() => parseConfig('a.yaml', ''))[0]!.message).toContain('the config is empty');
    expect(diagnosticsOf(() => parseConfig('a.yaml', '# only a comment\n'))[0]!.message).toContain('the config is empty');
    expect(diagnosticsOf(() => parseConfig('a.yaml', '- relu\n'))[0]!.message).toBe('the config must be a mapping of keys (input:, layers:, …); found a list');
  });

  it('reports YAML syntax errors with their position', () => {
    const [d] = diagnosticsOf(() => parseConfig('a.yaml', 'train:\n  iterations: [1, 2\n'));
    expect(d!.at).toMatch(/^[23]:\d+$/);
  });

  it('refuses unknown tags', () => {
    const [d] = diagnosticsOf(() => parseConfig('a.yaml', 'train: !python/object {}\n'));
    expect(d!.message).toContain('Unresolved tag');
    expect(d!.at).toBe('1:8');
  });

  it('reads files: missing, directories, invalid UTF-8 and oversized files are clear errors', () => {
    const dir = tempDir();
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'nope.yaml')))[0]!.message).toBe('no such file');
    mkdirSync(join(dir, 'sub.yaml'));
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'sub.yaml')))[0]!.message).toContain('is a directory');
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'latin1.yaml')))[0]!.message).toBe('the file is not valid UTF-8 text');
    writeFileSync(join(dir, 'big.yaml'), '#'.repeat(MAX_CONFIG_BYTES + 1));
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'big.yaml')))[0]!.message).toContain('configs are limited to');
  });
});
