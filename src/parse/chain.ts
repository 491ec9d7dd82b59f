// A config and the configs it extends, read in order: the file itself first, then its
// parent, grandparent… (`extends:` paths are relative to the file that names them).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { NetcError } from '../diagnostics.js';
import { parseConfig, readConfigFile, type ParsedConfig } from './index.js';

/** Deeper chains than this are a mistake, not a design. */
export const MAX_EXTENDS_DEPTH = 16;

export function readConfigChain(file: string, text?: string): ParsedConfig[] {
  const chain: ParsedConfig[] = [];
  const seen: string[] = [];
  let current: ParsedConfig = text === undefined ? readConfigFile(file) : parseConfig(file, text);
  for (;;) {
    chain.push(current);
    seen.push(resolve(current.file));
    const parent = (current.data as Record<string, unknown>).extends;
    // A non-string `extends` is left to validation, which says what is wrong with it.
    if (typeof parent !== 'string') return chain;
    const target = resolve(dirname(current.file), parent);
    const at = current.locate(['extends']);
    if (!/\.ya?ml$/i.test(target)) {
      // Only configs are read: a system file named here is neither opened nor echoed.
      throw new NetcError([{ ...at, message: `extends must name a YAML config (.yaml or .yml); found ${JSON.stringify(parent)}`, hint: 'name another config file, relative to this one' }]);
    }
    if (seen.includes(target)) {
      const cycle = [...seen.slice(seen.indexOf(target)), target].map(shown).join(' → ');
      throw new NetcError([{ ...at, message: `extends makes a cycle: ${cycle}`, hint: 'a config cannot extend itself, directly or through others' }]);
    }
    if (chain.length > MAX_EXTENDS_DEPTH) {
      throw new NetcError([{ ...at, message: `more than ${MAX_EXTENDS_DEPTH} configs extend one another here` }]);
    }
    if (!existsSync(target)) {
      throw new NetcError([{ ...at, message: `extends ${JSON.stringify(parent)}, but there is no such file (${shown(target)})`, hint: 'the path is relative to this config file' }]);
    }
    current = readConfigFile(shown(target));
  }
}

/** A path as messages show it: relative to the working folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}
