// resolve: a validated config → one typed, fully explicit config: defaults filled in, block
// uses expanded, every layer named and reading named inputs.
import { basename, extname } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { NetcError, type Diagnostic } from '../diagnostics.js';
import { opOf } from '../ops/index.js';
import type { Layer } from '../ops/types.js';
import type { ParsedConfig, Path } from '../parse/index.js';
import { buildSchema } from '../schema/index.js';
import { describeError } from '../validate/messages.js';
import { toPath } from '../validate/index.js';
import { expandLayers, normaliseItem, type Expanded } from './blocks.js';
import { deref, isPlainObject, withDefaults, type SchemaNode } from './defaults.js';
import type { LayerItem, Resolved, ResolvedConfig } from './types.js';

export type * from './types.js';

/** Resolve a config that passed validation. */
export function resolve(parsed: ParsedConfig): Resolved {
  const schema = buildSchema();
  const raw = parsed.data as Record<string, unknown>;
  const expanded = expandLayers(parsed);
  const layers = expanded.map((layer) => resolveLayer(layer, parsed));
  checkNames(layers, expanded, parsed);
  const { layers: _layers, blocks: _blocks, ...rest } = raw;
  const filled = withDefaults(rest, schema as SchemaNode, schema) as Record<string, unknown>;
  const config: ResolvedConfig = {
    name: (filled.name as string | undefined) ?? defaultName(parsed.file),
    description: (filled.description as string | undefined) ?? '',
    input: filled.input as ResolvedConfig['input'],
    layers,
    blocks: (raw.blocks as Record<string, unknown> | undefined) ?? {},
    items: topItems(raw),
    loss: filled.loss as ResolvedConfig['loss'],
    data: filled.data as ResolvedConfig['data'],
    train: filled.train as ResolvedConfig['train'],
    report: filled.report as ResolvedConfig['report'],
  };
  // A layer as a whole is located at its type (`- conv:`), an option at its value.
  const wholeLayer = (path: Path) => path.length === 2 && path[0] === 'layers';
  return { config, file: parsed.file, locate: (path) => parsed.locate(sourcePath(path, expanded), { key: wholeLayer(path) }) };
}

let ajv: Ajv2020 | undefined;

/** A validator of one op's options (for layers the whole-config schema did not check). */
function validatorOf(type: string): ValidateFunction {
  const schema = buildSchema();
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    ajv.addSchema(schema);
  }
  const check = ajv.getSchema(`${String(schema.$id)}#/$defs/${type}`);
  if (!check) throw new Error(`netc: the schema has no $defs/${type}`);
  return check;
}

/** An expanded layer's options checked (where the schema could not), defaults filled in. */
function resolveLayer(layer: Expanded, parsed: ParsedConfig): Layer {
  const op = opOf(layer.type)!;
  const schema = buildSchema();
  const node = deref({ $ref: `#/$defs/${layer.type}` }, schema);
  if (layer.origin.unchecked) {
    const missing = (op.required ?? []).filter((key) => layer.options[key] === undefined);
    if (Object.keys(layer.options).length === 0 && missing.length > 0) {
      throw new NetcError([{ ...parsed.locate(layer.origin.options), message: `a ${layer.type} layer needs options (${missing.join(', ')})`, hint: `write \`${op.example}\`` }]);
    }
    const check = validatorOf(layer.type);
    if (!check(layer.options)) {
      const diagnostics: Diagnostic[] = [];
      for (const error of check.errors ?? []) {
        const rest = toPath(layer.options, error.instancePath);
        const at = optionPath(layer, rest);
        const described = describeError(error, [...layer.origin.options, ...rest], dataAt(layer.origin.options, layer.options));
        if (!described) continue;
        const path = described.path ? optionPath(layer, described.path.slice(layer.origin.options.length)) : at;
        diagnostics.push({ ...parsed.locate(path, { key: described.atKey }), message: `${layer.name}: ${described.message}`, hint: described.hint });
      }
      throw new NetcError(diagnostics);
    }
  }
  const options = op.complete ? op.complete(withDefaults(layer.options, node, schema) as Record<string, unknown>) : (withDefaults(layer.options, node, schema) as Record<string, unknown>);
  const uses = layer.origin.uses;
  return { type: layer.type, name: layer.name, ...options, inputs: layer.inputs, ...(uses.length > 0 ? { uses } : {}) };
}

/** Where option `rest` of an expanded layer was written: its block parameter's value, or the layer. */
function optionPath(layer: Expanded, rest: Path): Path {
  const param = typeof rest[0] === 'string' ? layer.origin.params.get(rest[0]) : undefined;
  return param ? [...param, ...rest.slice(1)] : [...layer.origin.options, ...rest];
}

/** A data tree holding `value` at `path`, for messages that quote the value. */
function dataAt(path: Path, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => (typeof key === 'number' ? Object.assign([], { [key]: inner }) : { [key]: inner }), value);
}

function checkNames(layers: readonly Layer[], expanded: readonly Expanded[], parsed: ParsedConfig): void {
  const names = new Set(layers.map((l) => l.name));
  const diagnostics: Diagnostic[] = [];
  layers.forEach((layer, index) => {
    const at = expanded[index]!.origin.options;
    // Generated code names a layer's gradients d<name>_out: a layer named d<other> would collide.
    if (layer.name.startsWith('d') && names.has(layer.name.slice(1))) {
      diagnostics.push({
        ...parsed.locate([...at, 'name']),
        message: `the name '${layer.name}' would collide with the generated gradient of layer '${layer.name.slice(1)}' (d${layer.name.slice(1)}_out)`,
        hint: 'rename the layer so that it is not d followed by another layer’s name',
      });
    }
    if (layer.name === 'input') diagnostics.push({ ...parsed.locate([...at, 'name']), message: "a layer cannot be named 'input': that name is the network's input", hint: 'choose another name' });
    const op = opOf(layer.type)!;
    const count = layer.inputs.length;
    if (count < op.arity.min || count > op.arity.max) {
      const wanted = op.arity.min === op.arity.max ? `${op.arity.min}` : op.arity.max === Infinity ? `at least ${op.arity.min}` : `${op.arity.min} to ${op.arity.max}`;
      diagnostics.push({
        ...parsed.locate(expanded[index]!.explicitInputs ? [...at, 'inputs'] : at),
        message: `${layer.name}: a ${layer.type} layer reads ${wanted} input${wanted === '1' ? '' : 's'}; it names ${count}`,
        hint: op.arity.min > 1 ? `name them: inputs: [a, b]` : undefined,
      });
    }
  });
  if (diagnostics.length > 0) throw new NetcError(diagnostics);
}

/** The top-level items of `layers`, for writing the resolved config back. */
function topItems(raw: Record<string, unknown>): LayerItem[] {
  const counts = new Map<string, number>();
  const blocks = (raw.blocks as Record<string, { params?: Record<string, unknown> }> | undefined) ?? {};
  return ((raw.layers as unknown[]) ?? []).map((entry, i) => {
    const item = normaliseItem(entry, ['layers', i]);
    const count = (counts.get(item.type) ?? 0) + 1;
    counts.set(item.type, count);
    const name = typeof item.options.name === 'string' ? item.options.name : `${item.type}${count}`;
    const block = blocks[item.type];
    if (!block) return { kind: 'layer', name };
    const { name: _n, inputs, ...params } = item.options;
    const values = { ...(block.params ?? {}), ...params };
    return { kind: 'use', block: item.type, name, params: values, ...(Array.isArray(inputs) ? { inputs: inputs as string[] } : {}) };
  });
}

/** A path in the resolved config → the path of the same option in the YAML files. */
function sourcePath(path: Path, expanded: readonly Expanded[]): Path {
  if (path[0] !== 'layers' || typeof path[1] !== 'number') return path;
  const layer = expanded[path[1]];
  return layer ? optionPath(layer, path.slice(2)) : path;
}

/** The file's name, made fit for a folder name (lowercase, starting with a letter). */
function defaultName(file: string): string {
  const name = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40);
  return /^[a-z]/.test(name) ? name : `net-${name}`.slice(0, 40);
}

export { isPlainObject };
