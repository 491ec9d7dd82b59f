// Expanding a config's layers into the graph's layers: block uses become the block's
// layers (named with the use's name as a prefix, `$param`s replaced by the use's values),
// names are given, and every `inputs` name is resolved in its scope — the network, or one
// use of a block, where `input` is the block's input. Each expanded layer remembers where
// each of its options was written, so later errors point into the right place.
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { NetcError } from '../diagnostics.js';
import type { ParsedConfig, Path } from '../parse/index.js';
import { opOf, OP_TYPES } from '../ops/index.js';
import { nearest } from '../text.js';
import { isPlainObject } from './defaults.js';

/** Expanded graphs larger than this are refused (a ResNet-110 has about 330 layers). */
export const MAX_LAYERS = 4096;
/** Blocks may use blocks, this deep. */
export const MAX_BLOCK_DEPTH = 8;

/** A layer item as written: its type, its options, and where it is. */
export interface Item {
  readonly type: string;
  readonly options: Record<string, unknown>;
  /** Path of the item in the config (['layers', 3]). */
  readonly path: Path;
  /** Written as a bare string (`- relu`): its options were not checked by the schema. */
  readonly bare: boolean;
}

/** Where an expanded layer's options were written. */
export interface Origin {
  /** Path of the options mapping (['layers', 3, 'conv'] or ['blocks', 'basic', 'layers', 0, 'conv']). */
  readonly options: Path;
  /** Options whose values came from a block parameter: where that value was written. */
  readonly params: ReadonlyMap<string, Path>;
  /** Its item was written bare, or inside a block: its options still need checking. */
  readonly unchecked: boolean;
  /** The block use it came from, outermost first. */
  readonly uses: readonly { readonly use: string; readonly block: string }[];
}

export interface Expanded {
  readonly type: string;
  readonly name: string;
  readonly options: Record<string, unknown>;
  /** Expanded names of the layers it reads ('input': the network's input). */
  readonly inputs: readonly string[];
  /** Its inputs were written (not the default, the layer before). */
  readonly explicitInputs: boolean;
  readonly origin: Origin;
}

interface BlockDef {
  readonly params: ReadonlyMap<string, { value: unknown; path: Path }>;
  readonly items: readonly Item[];
}

/** What a name means in a scope: an op layer, or a block use (whose output is its last layer). */
type Target = { kind: 'layer'; expanded: string } | { kind: 'use'; scope: Scope; last: string };

interface Scope {
  readonly names: Map<string, Target>;
  /** The scope's input: the network's, or a reference in the enclosing scope. */
  readonly input: 'network' | Ref;
  readonly label: string;
}

interface Ref {
  readonly scope: Scope;
  readonly name: string;
  /** Where the reference is written (an `inputs` entry, or the layer for the default). */
  readonly path: Path;
}

const PARAM = /^\$([a-z][a-z0-9_]*)$/;

/** A layer item (`- relu`, `- conv: {…}`) as type and options. */
export function normaliseItem(item: unknown, path: Path): Item {
  if (typeof item === 'string') return { type: item, options: {}, path, bare: true };
  const [type, options] = Object.entries(item as Record<string, unknown>)[0]!;
  return { type, options: isPlainObject(options) ? { ...options } : {}, path, bare: false };
}

export function expandLayers(parsed: ParsedConfig): Expanded[] {
  const data = parsed.data as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];
  const fail = (path: Path, message: string, hint?: string, key = false): never => {
    throw new NetcError([...diagnostics, { ...parsed.locate(path, { key }), message, hint }]);
  };
  const blocks = new Map<string, BlockDef>();
  for (const [name, raw] of Object.entries((data.blocks as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    if (opOf(name)) fail(['blocks', name], `a block cannot be named '${name}', like a layer type`, 'rename the block', true);
    const params = new Map(Object.entries((raw.params as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, { value: v, path: ['blocks', name, 'params', k] as Path }]));
    const items = (raw.layers as unknown[]).map((item, i) => normaliseItem(item, ['blocks', name, 'layers', i]));
    blocks.set(name, { params, items });
  }
  const expanded: Expanded[] = [];
  const pending: { layer: Expanded; refs: Ref[] }[] = [];

  /** Expands a scope's items; returns the local name of its last item (the scope's output). */
  const expandScope = (items: readonly Item[], scope: Scope, prefix: string, params: ReadonlyMap<string, { value: unknown; path: Path }> | undefined, uses: Origin['uses'], stack: readonly string[]): string => {
    // Names first (so inputs may refer to later layers; cycles are found when sorting).
    const counts = new Map<string, number>();
    const named = items.map((item) => {
      const count = (counts.get(item.type) ?? 0) + 1;
      counts.set(item.type, count);
      const name = typeof item.options.name === 'string' ? item.options.name : `${item.type}${count}`;
      if (scope.names.has(name)) {
        fail([...item.path, item.type, 'name'], `two layers are named '${name}' in ${scope.label}; names must be unique`, 'rename one of them, or leave out `name:` to get an automatic one');
      }
      scope.names.set(name, { kind: 'layer', expanded: prefix ? `${prefix}_${name}` : name });
      return { item, name };
    });
    named.forEach(({ item, name }, index) => {
      const at = item.bare ? item.path : [...item.path, item.type];
      const written = item.options.inputs;
      const refs: Ref[] = Array.isArray(written)
        ? (written as string[]).map((n, i) => ({ scope, name: n, path: [...at, 'inputs', i] }))
        : [{ scope, name: index === 0 ? 'input' : named[index - 1]!.name, path: at }];
      const { options, paramPaths } = substitute(item, params, at, fail);
      const fullName = prefix ? `${prefix}_${name}` : name;
      const block = blocks.get(item.type);
      if (opOf(item.type)) {
        if (expanded.length >= MAX_LAYERS) fail(at, `the network expands to more than ${MAX_LAYERS} layers`, 'use fewer or smaller blocks');
        const { name: _n, inputs: _i, ...rest } = options;
        const layer: Expanded = {
          type: item.type,
          name: fullName,
          options: rest,
          inputs: [],
          explicitInputs: Array.isArray(written),
          origin: { options: at, params: paramPaths, unchecked: item.bare || params !== undefined, uses },
        };
        expanded.push(layer);
        pending.push({ layer, refs });
      } else if (block) {
        if (stack.includes(item.type)) fail([...item.path, item.type], `block '${item.type}' uses itself (${[...stack, item.type].join(' → ')})`, 'a block cannot contain a use of itself, directly or through other blocks', true);
        if (stack.length >= MAX_BLOCK_DEPTH) fail([...item.path, item.type], `blocks are used inside blocks more than ${MAX_BLOCK_DEPTH} deep`, undefined, true);
        if (refs.length !== 1) fail([...at, 'inputs'], `a block takes one input; ${fullName} names ${refs.length}`);
        const values = blockParams(item.type, block, options, paramPaths, at, fail);
        const inner: Scope = { names: new Map(), input: refs[0]!, label: `block '${item.type}' (used as ${fullName})` };
        const last = expandScope(block.items, inner, fullName, values, [...uses, { use: fullName, block: item.type }], [...stack, item.type]);
        scope.names.set(name, { kind: 'use', scope: inner, last });
      } else {
        const known = [...OP_TYPES, ...blocks.keys()];
        const guess = nearest(item.type, known);
        const blocksText = blocks.size > 0 ? `, or a block (${[...blocks.keys()].join(', ')})` : '; blocks are defined under `blocks:`';
        fail(item.bare ? item.path : [...item.path, item.type], `unknown layer type '${item.type}'; expected a layer type (${OP_TYPES.join(', ')})${blocksText}`, guess ? `did you mean '${guess}'?` : undefined, !item.bare);
      }
    });
    return named[named.length - 1]!.name;
  };

  const top: Scope = { names: new Map(), input: 'network', label: 'the network' };
  expandScope(((data.layers as unknown[]) ?? []).map((item, i) => normaliseItem(item, ['layers', i])), top, '', undefined, [], []);

  const resolveRef = (ref: Ref, depth = 0): string => {
    if (ref.name === 'input') return ref.scope.input === 'network' ? 'input' : resolveRef(ref.scope.input, depth + 1);
    const target = ref.scope.names.get(ref.name);
    if (!target) {
      const names = ['input', ...ref.scope.names.keys()];
      const guess = nearest(ref.name, names);
      return fail(ref.path, `no layer is named '${ref.name}' in ${ref.scope.label}; its layers are ${names.join(', ')}`, guess ? `did you mean '${guess}'?` : undefined);
    }
    if (target.kind === 'layer') return target.expanded;
    if (depth > MAX_LAYERS) fail(ref.path, `the input of '${ref.name}' refers back to itself`);
    return resolveRef({ scope: target.scope, name: target.last, path: ref.path }, depth + 1);
  };
  for (const { layer, refs } of pending) (layer as { -readonly [K in keyof Expanded]: Expanded[K] }).inputs = refs.map((ref) => resolveRef(ref));

  const seen = new Map<string, Expanded>();
  for (const layer of expanded) {
    const other = seen.get(layer.name);
    if (other) {
      diagnostics.push({
        ...parsed.locate(layer.origin.options),
        message: `two layers are named '${layer.name}'${layer.origin.uses.length ? ` (one from block use ${layer.origin.uses.at(-1)!.use})` : ''}; names must be unique in the expanded network`,
        hint: 'rename the layer or the block use',
      });
    }
    seen.set(layer.name, layer);
  }
  if (diagnostics.length > 0) throw new NetcError(diagnostics);
  return expanded;
}

/** A block use's parameter values: the block's defaults, overridden by the use's options. */
function blockParams(type: string, block: BlockDef, options: Record<string, unknown>, paramPaths: ReadonlyMap<string, Path>, at: Path, fail: (path: Path, message: string, hint?: string, key?: boolean) => never) {
  const values = new Map(block.params);
  for (const [key, value] of Object.entries(options)) {
    if (key === 'name' || key === 'inputs') continue;
    if (!block.params.has(key)) {
      const names = [...block.params.keys()];
      const guess = nearest(key, names);
      fail([...at, key], `block '${type}' has no parameter '${key}'; ${names.length ? `its parameters are ${names.join(', ')}` : 'it has no parameters'}`, guess ? `did you mean '${guess}'?` : undefined, true);
    }
    values.set(key, { value, path: paramPaths.get(key) ?? [...at, key] });
  }
  for (const [key, { value }] of values) {
    if (value === null) fail(at, `this use of block '${type}' must set its parameter '${key}' (the block gives it no default)`, `add ${key}: … to the use`);
  }
  return values;
}

/** The item's options with every `$param` replaced, and where each replaced value came from. */
function substitute(item: Item, params: ReadonlyMap<string, { value: unknown; path: Path }> | undefined, at: Path, fail: (path: Path, message: string, hint?: string) => never) {
  const paramPaths = new Map<string, Path>();
  const replace = (value: unknown, path: Path, top: string): unknown => {
    if (typeof value === 'string') {
      const match = PARAM.exec(value);
      if (!match) return value;
      const param = params?.get(match[1]!);
      if (!params) return fail(path, `'${value}' refers to a block parameter, but this layer is not inside a block`, 'parameters ($name) are for the layers of blocks');
      if (!param) {
        const guess = nearest(match[1]!, [...params.keys()]);
        return fail(path, `unknown parameter '${value}'; the block's parameters are ${[...params.keys()].map((p) => `$${p}`).join(', ') || '(none)'}`, guess ? `did you mean '$${guess}'?` : undefined);
      }
      if (!paramPaths.has(top)) paramPaths.set(top, param.path);
      return param.value;
    }
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, [...path, k], top)]));
    return value;
  };
  const options = Object.fromEntries(Object.entries(item.options).map(([k, v]) => [k, k === 'inputs' ? v : replace(v, [...at, k], k)]));
  return { options, paramPaths };
}

export type { SourcePos };
