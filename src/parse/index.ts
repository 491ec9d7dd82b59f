// parse: YAML text → plain data, keeping where every node came from.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type Pair } from 'yaml';
import { NetcError, userError, type Diagnostic, type SourcePos } from '../diagnostics.js';

/** A path into the config data: keys of mappings and indexes of sequences. */
export type Path = readonly (string | number)[];

export interface ParsedConfig {
  /** The file as the user named it (used in every message). */
  readonly file: string;
  readonly text: string;
  /** The document as plain JSON-compatible data. */
  readonly data: unknown;
  /**
   * Where the node at `path` is. With `key: true`, where the key naming it is (for
   * "unknown key" errors). Missing nodes resolve to their deepest existing ancestor.
   */
  locate(path: Path, options?: { key?: boolean }): SourcePos;
}

/** Bigger configs than this are refused before parsing: no real network needs them. */
export const MAX_CONFIG_BYTES = 1 << 20;

export function readConfigFile(file: string): ParsedConfig {
  const bytes = readRegularFile(file, MAX_CONFIG_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset);
    const line = before.filter((b) => b === 0x0a).length + 1;
    const col = offset - before.lastIndexOf(0x0a);
    const found = `0x${bytes[offset]!.toString(16).padStart(2, '0').toUpperCase()}`;
    throw new NetcError([{ file, line, col, message: `the file is not valid UTF-8 text: byte ${offset} (${found}) does not begin a valid UTF-8 character`, hint: 'save the file as UTF-8 (a Latin-1 "é" is one byte; UTF-8 writes it as two)' }]);
  }
  return parseConfig(file, text);
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    // Sequence length, and the range of the second byte (excludes overlongs and surrogates).
    const [length, low, high] =
      lead < 0x80 ? [1, 0, 0] : lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf] : lead === 0xe0 ? [3, 0xa0, 0xbf] : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf] : lead === 0xf0 ? [4, 0x90, 0xbf] : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf] : lead === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k];
      if (b === undefined || b < (k === 1 ? low : 0x80) || b > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}

/**
 * A config file's bytes: a regular file only (a device such as /dev/zero or a FIFO would
 * never end, or block), and at most `limit` bytes, counted as they are read rather than
 * trusted from the size.
 */
export function readRegularFile(file: string, limit: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a pipe does not wait for a writer (it is refused just below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw userError(file, 'no such file', 'check the path; configs live in configs/*.yaml');
    if (code === 'EACCES' || code === 'EPERM') throw userError(file, 'cannot be read: permission denied', "check the file's permissions");
    throw userError(file, `cannot read the file (${code ?? String(error)})`);
  }
  try {
    const kind = fstatSync(fd);
    if (kind.isDirectory()) throw userError(file, 'is a directory, not a config file');
    if (!kind.isFile()) throw userError(file, 'is not a regular file (a device, pipe or socket); a config is a YAML file', 'name a .yaml file');
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) throw userError(file, `the file is over ${limit} bytes; configs are limited to ${limit} bytes`);
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

export function parseConfig(file: string, text: string): ParsedConfig {
  if (text.length > MAX_CONFIG_BYTES) {
    throw userError(file, `the config is ${text.length} characters; configs are limited to ${MAX_CONFIG_BYTES}`);
  }
  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const characters = strayCharacters(text);
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.2',
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
  });
  if (characters.length > 0) throw new NetcError(characters.map(({ offset, message, hint }) => ({ ...at(offset), message, hint })));
  // An empty stream parses to no document at all.
  const documents: Document[] = Array.from(docs);
  const diagnostics: Diagnostic[] = [];
  for (const doc of documents) {
    for (const problem of [...doc.errors, ...doc.warnings]) {
      diagnostics.push({ ...at(problem.pos[0]), message: yamlMessage(problem.code, problem.message) });
    }
    // A %YAML 1.1 directive would switch parsing rules (yes/no become booleans).
    if (doc.directives?.yaml.explicit) {
      diagnostics.push({ file, line: 1, col: 1, message: `YAML directives are not allowed (found %YAML ${doc.directives.yaml.version}); configs are YAML 1.2`, hint: 'remove the %YAML line (and the --- after it)' });
    }
    // Keys must be plain words: a list or mapping as a key would be silently stringified.
    visit(doc, {
      Pair(_, pair) {
        if (pair.key !== null && !isScalar(pair.key)) {
          diagnostics.push({ ...at((pair.key as Node).range?.[0] ?? 0), message: `a key must be a plain word; found ${describeNode(pair.key as Node)}` });
        } else if (isScalar(pair.key) && pair.key.value === '<<') {
          diagnostics.push({ ...at(pair.key.range?.[0] ?? 0), message: 'merge keys (<<) are not supported', hint: 'to build on another config, use `extends: other.yaml`' });
        }
      },
    });
  }
  if (documents.length > 1) {
    const second = documents[1]!;
    diagnostics.push({
      ...at(second.range?.[0] ?? 0),
      message: `the file holds ${documents.length} YAML documents; a config is exactly one`,
      hint: 'remove the `---` separator and everything after it',
    });
  }
  if (diagnostics.length > 0) throw new NetcError(diagnostics);
  const doc = documents[0];
  if (!doc || doc.contents === null) {
    throw new NetcError([{ file, line: 1, col: 1, message: 'the config is empty; expected a mapping with input, layers, data and train' }]);
  }
  if (!isMap(doc.contents)) {
    throw new NetcError([
      { ...at(doc.contents.range?.[0] ?? 0), message: 'the config must be a mapping of keys (input:, layers:, …); found ' + describeNode(doc.contents) },
    ]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = (error as Error).message;
    throw new NetcError([
      /alias count/i.test(message)
        ? { file, line: 1, col: 1, message: `aliases (*name) expand this document too far; a config may expand at most ${MAX_ALIASES} of them`, hint: 'write the values out, or use extends' }
        : { file, line: 1, col: 1, message: yamlMessage(undefined, message) },
    ]);
  }
  const depth = nesting(data);
  if (depth > MAX_NESTING) {
    throw new NetcError([{ file, line: 1, col: 1, message: `the document nests ${depth} levels deep; a config needs at most ${MAX_NESTING}` }]);
  }
  return {
    file,
    text,
    data,
    locate(path, options = {}) {
      return at(locateOffset(doc, path, options.key ?? false));
    },
  };
}

/**
 * Characters a config never holds, which YAML readers take or drop silently: control
 * characters (a NUL from a binary file, a bell) and a byte order mark after the start
 * (two files joined). The first few, where they are.
 */
function strayCharacters(text: string): { offset: number; message: string; hint: string }[] {
  const found: { offset: number; message: string; hint: string }[] = [];
  for (const match of text.matchAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFEFF]/g)) {
    const code = match[0].codePointAt(0)!;
    const name = `U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
    if (code === 0xfeff) {
      if (match.index === 0) continue; // a BOM may begin a file
      found.push({ offset: match.index, message: `a byte order mark (${name}) inside the file; it may only begin a file`, hint: 'remove it: joining two files can leave one in the middle' });
    } else {
      found.push({ offset: match.index, message: `a control character (${name}${code === 0 ? ', NUL' : ''}) in the text; a config is plain text`, hint: 'remove it (tabs, spaces and line breaks are the only blanks allowed)' });
    }
    if (found.length === 5) break;
  }
  return found;
}

function yamlMessage(code: string | undefined, message: string): string {
  if (code === 'RESOURCE_EXHAUSTION' || /call stack/.test(message)) return `the document nests too deeply to read; a config needs at most ${MAX_NESTING} levels`;
  // The yaml package appends "at line L, column C" and a code frame; we print our own.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Alias expansions a config may make (a guard against "billion laughs" documents). */
export const MAX_ALIASES = 50;
/** How deep mappings and lists may nest. */
export const MAX_NESTING = 32;

function nesting(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, nesting(child));
  return deepest + 1;
}

function describeNode(node: Node): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    // Long values are cut: a file that is not a config at all should not be echoed whole.
    const text = JSON.stringify(node.value);
    return text.length <= 60 ? `the value ${text}` : `the value ${text.slice(0, 40)}… (${String(node.value).length} characters)`;
  }
  return 'something else';
}

function locateOffset(doc: Document, path: Path, key: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node).range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      if (last && key && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      node = pair.value;
      // A key with no value (`relu:`) has no node of its own: point at the key.
      const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      offset = (node as Node | null)?.range?.[0] ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
