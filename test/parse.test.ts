// Parsing: YAML problems are located errors; the file is read safely.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetcError } from '../src/diagnostics.js';
import { firstInvalidUtf8, MAX_CONFIG_BYTES, parseConfig, readConfigFile } from '../src/parse/index.js';
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
    // Invalid UTF-8 is located: line 2, the byte after "name: caf".
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from('# café\nname: caf'), Buffer.from([0xe9, 0x0a])]));
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'latin1.yaml')))).toEqual([
      { at: '2:10', message: 'the file is not valid UTF-8 text: byte 17 (0xE9) does not begin a valid UTF-8 character', hint: expect.stringContaining('save the file as UTF-8') },
    ]);
    writeFileSync(join(dir, 'big.yaml'), '#'.repeat(MAX_CONFIG_BYTES + 1));
    expect(diagnosticsOf(() => readConfigFile(join(dir, 'big.yaml')))[0]!.message).toContain('configs are limited to');
  });

  it('finds the first byte of invalid UTF-8: bad leads, short and overlong sequences, surrogates', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBe(10); // a é € 😀: all valid
    expect(at(0x61, 0xc3, 0xa9, 0xc3, 0xa9, 0xff)).toBe(5);
    expect(at(0x61, 0xe2, 0x82)).toBe(1); // cut short at the end
    expect(at(0xc0, 0xaf)).toBe(0); // overlong '/'
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // a UTF-16 surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // above U+10FFFF
    // It agrees with the platform's decoder: valid characters of every length, cut and mixed with stray bytes.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const valid = (bytes: Uint8Array) => {
      try {
        decoder.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const pieces = ['a', 'é', '€', '😀', '\u07ff', '\uffff', '\u{10ffff}'].map((c) => new TextEncoder().encode(c));
    let invalid = 0;
    for (let trial = 0; trial < 500; trial++) {
      const parts: number[] = [];
      for (let k = 0; k < 6; k++) {
        if (random(8) === 0) parts.push(0x80 + random(128)); // a stray byte ≥ 0x80
        else {
          const piece = pieces[random(pieces.length)]!;
          parts.push(...(random(10) === 0 ? piece.subarray(0, Math.max(1, piece.length - 1)) : piece)); // sometimes cut short
        }
      }
      const bytes = Uint8Array.from(parts);
      const cut = firstInvalidUtf8(bytes);
      expect(valid(bytes.subarray(0, cut))).toBe(true);
      expect(valid(bytes)).toBe(cut === bytes.length);
      // The fault starts at `cut`: no longer valid prefix ends before the next character would.
      if (cut < bytes.length) {
        invalid++;
        expect([1, 2, 3, 4].some((n) => cut + n <= bytes.length && valid(bytes.subarray(0, cut + n)))).toBe(false);
      }
    }
    expect(invalid).toBeGreaterThan(100);
  });

  it('refuses control characters and a byte order mark after the start, where they are', () => {
    expect(diagnosticsOf(() => parseConfig('c.yaml', 'name: a\u0000b\nversion: 1\n'))).toEqual([
      { at: '1:8', message: 'a control character (U+0000, NUL) in the text; a config is plain text', hint: expect.any(String) },
    ]);
    expect(diagnosticsOf(() => parseConfig('c.yaml', 'name: a\n\u0007x: 1\n'))[0]!.at).toBe('2:1');
    expect(diagnosticsOf(() => parseConfig('c.yaml', 'name: a\n\uFEFFinput: [1, 1, 1]\n'))).toEqual([
      { at: '2:1', message: 'a byte order mark (U+FEFF) inside the file; it may only begin a file', hint: expect.stringContaining('joining two files') },
    ]);
    // At the start, a BOM is allowed.
    expect(parseConfig('c.yaml', '\uFEFFname: a\n').data).toEqual({ name: 'a' });
  });

  it('cuts long values in messages: a file that is not a config is not echoed whole', () => {
    const [d] = diagnosticsOf(() => parseConfig('c.yaml', 'root:x:0:0:root:/root:/bin/bash ' + 'x'.repeat(500)));
    expect(d!.message.length).toBeLessThan(160);
    expect(d!.message).toContain('(532 characters)');
  });
});
