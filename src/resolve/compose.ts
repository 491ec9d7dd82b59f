// compose: an `extends` chain and `--set` overrides → one config, as if it were one file.
// Mappings merge key by key (the child wins); layers are inherited, replaced, or edited by
// `layer_changes`; every value remembers the file and place it came from, so later errors
// point into the right file.
import { parse as parseYaml } from 'yaml';
import { NetcError, type Diagnostic, type SourcePos } from '../diagnostics.js';
import type { ParsedConfig, Path } from '../parse/index.js';
import { nearest } from '../text.js';
import { configSchema } from '../validate/index.js';
import { deref, isPlainObject, type SchemaNode } from './defaults.js';

interface Origin {
  readonly source: ParsedConfig;
  readonly path: Path;
}

/** Where each part of the composed config came from, by the path it was assigned at. */
class Origins {
  private readonly entries = new Map<string, { path: Path; origin: Origin }>();

  set(path: Path, origin: Origin): void {
    this.entries.set(JSON.stringify(path), { path, origin });
  }

  /** Entries at or under `prefix`, removed. */
  take(prefix: Path): { rest: Path; origin: Origin }[] {
    const taken: { rest: Path; origin: Origin }[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.path.length >= prefix.length && prefix.every((segment, i) => entry.path[i] === segment)) {
        taken.push({ rest: entry.path.slice(prefix.length), origin: entry.origin });
        this.entries.delete(key);
      }
    }
    return taken;
  }

  /** The origin of `path`: the one of its longest assigned prefix, extended by the rest. */
  originOf(path: Path): Origin {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.entries.get(JSON.stringify(path.slice(0, length)));
      if (entry) return { source: entry.origin.source, path: [...entry.origin.path, ...path.slice(length)] };
    }
    throw new Error('netc: a composed config has no origin for its root');
  }

  locate(path: Path, key: boolean): SourcePos {
    const origin = this.originOf(path);
    return origin.source.locate(origin.path, { key });
  }
}

type LayerItem = Record<string, Record<string, unknown>>;

/**
 * An override: `key.path=value` as `--set` gives it, or with the words that gave it, for
 * errors (`--iterations 1000000000` sets train.iterations).
 */
export type Override = string | { readonly expression: string; readonly source: string };

/** The chain (the config first, then what it extends) and overrides, as one config. */
export function compose(chain: readonly ParsedConfig[], overrides: readonly Override[] = []): ParsedConfig {
  const child = chain[0]!;
  if (chain.length === 1 && overrides.length === 0) return child;
  const origins = new Origins();
  const merged: Record<string, unknown> = {};
  origins.set([], { source: child, path: [] });
  for (const source of [...chain].reverse()) {
    const data = source.data as Record<string, unknown>;
    // The name names this file's network: it is never inherited.
    delete merged.name;
    for (const [key, value] of Object.entries(data)) {
      if (key === 'extends' || key === 'layer_changes') continue;
      if (key === 'layers') {
        merged.layers = (value as unknown[]).map(normalise);
        origins.take(['layers']);
        origins.set(['layers'], { source, path: ['layers'] });
        continue;
      }
      mergeInto(merged, key, value, [key], source, origins);
    }
    if (Array.isArray(merged.layers)) nameLayers(merged.layers as LayerItem[]);
    if (Array.isArray(data.layer_changes)) {
      if (data.layers !== undefined) {
        throw new NetcError([{ ...source.locate(['layer_changes'], { key: true }), message: 'a config sets either layers or layer_changes, not both', hint: 'keep layers to replace them all, or layer_changes to edit the inherited ones' }]);
      }
      merged.layers = applyLayerChanges((merged.layers as LayerItem[] | undefined) ?? [], data.layer_changes as Record<string, unknown>[], source, origins);
    }
  }
  for (const override of overrides) applyOverride(merged, override, origins);
  return { file: child.file, text: child.text, data: merged, locate: (path, options = {}) => origins.locate(path, options.key ?? false) };
}

function mergeInto(target: Record<string, unknown>, key: string, value: unknown, path: Path, source: ParsedConfig, origins: Origins): void {
  if (isPlainObject(value) && isPlainObject(target[key])) {
    for (const [k, v] of Object.entries(value)) mergeInto(target[key] as Record<string, unknown>, k, v, [...path, k], source, origins);
    return;
  }
  target[key] = structuredClone(value);
  origins.take(path);
  origins.set(path, { source, path });
}

/** `- relu` and `- relu:` become `- relu: {}`; anything else is left to validation. */
function normalise(item: unknown): LayerItem {
  if (typeof item === 'string') return { [item]: {} };
  if (isPlainObject(item) && Object.keys(item).length === 1) {
    const [type, options] = Object.entries(item)[0]!;
    return { [type]: isPlainObject(options) ? { ...options } : {} };
  }
  return item as LayerItem;
}

function layerName(item: LayerItem): string | undefined {
  const options = Object.values(item)[0];
  return typeof options?.name === 'string' ? options.name : undefined;
}

/**
 * Names every unnamed layer as resolve would: its type and its count among layers of that
 * type — skipping names already taken, so layers inserted later never rename earlier ones.
 */
function nameLayers(items: LayerItem[]): void {
  const taken = new Set(items.map(layerName).filter((n): n is string => n !== undefined));
  const counts = new Map<string, number>();
  for (const item of items) {
    const [type, options] = Object.entries(item)[0] ?? [];
    if (!type || !isPlainObject(options)) continue;
    let count = counts.get(type) ?? 0;
    if (options.name === undefined) {
      do count++;
      while (taken.has(`${type}${count}`));
      options.name = `${type}${count}`;
      taken.add(options.name as string);
    } else {
      count++;
    }
    counts.set(type, count);
  }
}

const ACTIONS = ['insert_after', 'insert_before', 'replace', 'remove', 'change'] as const;

function applyLayerChanges(inherited: LayerItem[], changes: Record<string, unknown>[], source: ParsedConfig, origins: Origins): LayerItem[] {
  // Each layer with the origins of its parts (paths below ['layers', i]).
  let layers = inherited.map((item, i) => {
    const root = origins.originOf(['layers', i]);
    return { item, parts: [{ rest: [] as Path, origin: root }, ...origins.take(['layers', i]).filter((p) => p.rest.length > 0)] };
  });
  const fail = (path: Path, message: string, hint?: string): never => {
    throw new NetcError([{ ...source.locate(path), message, hint } satisfies Diagnostic]);
  };
  changes.forEach((change, k) => {
    const at: Path = ['layer_changes', k];
    const actions = ACTIONS.filter((a) => change[a] !== undefined);
    if (actions.length !== 1) {
      fail(at, `a layer change does exactly one of ${ACTIONS.join(', ')}; found ${actions.length === 0 ? 'none' : actions.join(' and ')}`);
    }
    const action = actions[0]!;
    const names = layers.map(({ item }) => layerName(item) ?? '');
    const find = (name: string, path: Path) => {
      const index = names.indexOf(name);
      if (index < 0) {
        const guess = nearest(name, names);
        fail(path, `no layer is named '${name}'; the layers are ${names.join(', ')}`, guess ? `did you mean '${guess}'?` : undefined);
      }
      return index;
    };
    const added = () => {
      if (!Array.isArray(change.layers)) fail(at, `${action} needs \`layers:\`, the layers to put in`);
      return (change.layers as unknown[]).map((item, m) => ({ item: normalise(item), parts: [{ rest: [], origin: { source, path: [...at, 'layers', m] } }] }));
    };
    if (action === 'remove') {
      const targets = Array.isArray(change.remove) ? (change.remove as string[]) : [change.remove as string];
      const drop = new Set(targets.map((name, i) => find(name, Array.isArray(change.remove) ? [...at, 'remove', i] : [...at, 'remove'])));
      layers = layers.filter((_, i) => !drop.has(i));
    } else if (action === 'change') {
      const index = find(change.change as string, [...at, 'change']);
      if (!isPlainObject(change.set)) fail(at, 'change needs `set:`, the options to change');
      const layer = layers[index]!;
      const [type, options] = Object.entries(layer.item)[0]!;
      layer.item = { [type]: { ...options, ...(change.set as Record<string, unknown>) } };
      for (const key of Object.keys(change.set as object)) layer.parts.push({ rest: [type, key], origin: { source, path: [...at, 'set', key] } });
    } else {
      const index = find(change[action] as string, [...at, action]);
      const inserted = added();
      if (action === 'insert_after') layers.splice(index + 1, 0, ...inserted);
      else if (action === 'insert_before') layers.splice(index, 0, ...inserted);
      else layers.splice(index, 1, ...inserted);
    }
    // Name new layers now, so that later changes can name them too.
    nameLayers(layers.map(({ item }) => item));
  });
  layers.forEach(({ parts }, i) => {
    for (const { rest, origin } of parts) origins.set(['layers', i, ...rest], origin);
  });
  return layers.map(({ item }) => item);
}

/** `--set train.learning_rate=1e-4`, or `--set layers.conv2.filters=32`. */
function applyOverride(config: Record<string, unknown>, override: Override, origins: Origins): void {
  const { expression, source } = typeof override === 'string' ? { expression: override, source: `--set ${override}` } : override;
  const where: ParsedConfig = {
    file: source,
    text: expression,
    data: undefined,
    locate: () => ({ file: source, line: 0, col: 0 }),
  };
  const fail = (message: string, hint?: string): never => {
    throw new NetcError([{ file: where.file, line: 0, col: 0, message, hint }]);
  };
  const split = expression.indexOf('=');
  if (split <= 0) fail('expected key.path=value, e.g. train.learning_rate=1e-4');
  const keys = expression.slice(0, split).trim().split('.');
  let value: unknown;
  try {
    value = parseYaml(expression.slice(split + 1), { version: '1.2' });
  } catch (error) {
    fail(`the value is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value !== null && typeof value === 'object') fail('the value must be a single number, word or boolean');
  // Walk the schema beside the path, so an unknown key is caught here, with a suggestion.
  const schema = configSchema();
  let node = schema as SchemaNode & { properties?: Record<string, SchemaNode> };
  const path: (string | number)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (path.length === 0 && key === 'layers') {
      const layers = (config.layers as LayerItem[] | undefined) ?? [];
      const names = layers.map((item) => layerName(item) ?? '');
      const name = keys[i + 1];
      const index = name === undefined ? -1 : names.indexOf(name);
      if (index < 0) fail(`no layer is named '${name ?? ''}'; write layers.<name>.<option>, where the layers are ${names.join(', ')}`, name ? didYouMean(name, names) : undefined);
      const type = Object.keys(layers[index]!)[0]!;
      path.push('layers', index, type);
      node = deref({ $ref: `#/$defs/${type}` }, schema);
      i++;
      continue;
    }
    const properties = node.properties ?? {};
    const choices = Object.keys(properties).filter((k) => k !== 'extends' && k !== 'layer_changes' && k !== 'layers');
    if (!(key in properties) || !choices.includes(key)) {
      const valid = [...path.filter((s): s is string => typeof s === 'string'), key].slice(0, -1).join('.');
      fail(`unknown option '${[...keys.slice(0, i), key].join('.')}'${choices.length ? `; ${valid ? `${valid} has` : 'the options are'} ${choices.join(', ')}` : ''}`, didYouMean([...keys.slice(0, i), key].join('.'), choices.map((c) => [...keys.slice(0, i), c].join('.'))));
    }
    path.push(key);
    node = deref(properties[key]!, schema) as typeof node;
  }
  let target = config;
  for (const segment of path.slice(0, -1)) {
    const next = (target as Record<string | number, unknown>)[segment];
    if (next === undefined || next === null) (target as Record<string | number, unknown>)[segment] = {};
    target = (target as Record<string | number, unknown>)[segment] as Record<string, unknown>;
  }
  target[path[path.length - 1] as string] = value;
  origins.take(path);
  origins.set(path, { source: where, path: [] });
}

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const guess = nearest(word, candidates);
  return guess ? `did you mean '${guess}'?` : undefined;
}
