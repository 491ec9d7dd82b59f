// resolve: a validated config → one typed, fully explicit config (defaults filled in,
// every layer named).
import { basename, extname } from 'node:path';
import { NetcError, type Diagnostic } from '../diagnostics.js';
import type { ParsedConfig, Path } from '../parse/index.js';
import { configSchema } from '../validate/index.js';
import { isPlainObject, withDefaults, type SchemaNode } from './defaults.js';
import type { Layer, LayerType, Resolved, ResolvedConfig } from './types.js';

export type * from './types.js';

/** Resolve a config that passed validation. */
export function resolve(parsed: ParsedConfig): Resolved {
  const schema = configSchema();
  const raw = parsed.data as Record<string, unknown>;
  const layerItems = (raw.layers as unknown[]).map(normaliseLayerItem);
  const filled = withDefaults({ ...raw, layers: layerItems }, schema as SchemaNode, schema) as Record<string, unknown>;
  const layers = nameLayers(filled.layers as Record<string, Record<string, unknown>>[], parsed);
  const data = filled.data as ResolvedConfig['data'];
  const config: ResolvedConfig = {
    name: (filled.name as string | undefined) ?? defaultName(parsed.file),
    description: (filled.description as string | undefined) ?? '',
    input: filled.input as ResolvedConfig['input'],
    layers,
    loss: filled.loss as ResolvedConfig['loss'],
    data,
    train: filled.train as ResolvedConfig['train'],
    report: filled.report as ResolvedConfig['report'],
  };
  return { config, file: parsed.file, locate: (path) => parsed.locate(sourcePath(path, layers)) };
}

/** `- relu` and `- relu:` (null) both mean `- relu: {}`. */
function normaliseLayerItem(item: unknown): Record<string, Record<string, unknown>> {
  if (typeof item === 'string') return { [item]: {} };
  const [type, options] = Object.entries(item as Record<string, unknown>)[0]!;
  return { [type]: isPlainObject(options) ? options : {} };
}

function nameLayers(items: Record<string, Record<string, unknown>>[], parsed: ParsedConfig): Layer[] {
  const counts = new Map<string, number>();
  const seen = new Map<string, number>();
  const diagnostics: Diagnostic[] = [];
  const layers = items.map((item, index) => {
    const [type, options] = Object.entries(item)[0]! as [LayerType, Record<string, unknown>];
    const count = (counts.get(type) ?? 0) + 1;
    counts.set(type, count);
    const name = (options.name as string | undefined) ?? `${type}${count}`;
    const first = seen.get(name);
    if (first !== undefined) {
      diagnostics.push({
        ...parsed.locate(['layers', index, type, 'name']),
        message: `two layers are named '${name}' (layers[${first}] and layers[${index}]); names must be unique`,
        hint: 'rename one of them, or leave out `name:` to get an automatic one',
      });
    }
    seen.set(name, index);
    const layer = { type, name, ...options } as Record<string, unknown>;
    layer.name = name;
    if (type === 'maxpool' && layer.stride === undefined) layer.stride = layer.size;
    return layer as unknown as Layer;
  });
  // Generated code names a layer's gradients d<name>_out: a layer named d<other> would collide.
  layers.forEach((layer, index) => {
    if (layer.name.startsWith('d') && seen.has(layer.name.slice(1))) {
      diagnostics.push({
        ...parsed.locate(['layers', index, layer.type, 'name']),
        message: `the name '${layer.name}' would collide with the generated gradient of layer '${layer.name.slice(1)}' (d${layer.name.slice(1)}_out)`,
        hint: 'rename the layer so that it is not d followed by another layer’s name',
      });
    }
  });
  if (diagnostics.length > 0) throw new NetcError(diagnostics);
  return layers;
}

/** A path in the resolved config → the path of the same option in the YAML file. */
function sourcePath(path: Path, layers: readonly Layer[]): Path {
  if (path[0] !== 'layers' || typeof path[1] !== 'number') return path;
  const layer = layers[path[1]];
  return layer ? ['layers', path[1], layer.type, ...path.slice(2)] : path;
}

/** The file's name, made fit for a folder name (lowercase, starting with a letter). */
function defaultName(file: string): string {
  const name = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40);
  return /^[a-z]/.test(name) ? name : `net-${name}`.slice(0, 40);
}
