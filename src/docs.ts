// The option reference, generated from the schema (where every description and default
// lives), for the README and `netc explain`.
import { OP_TYPES } from './ops/index.js';
import { deref, type SchemaNode } from './resolve/defaults.js';
import { configSchema } from './validate/index.js';

interface DocNode extends SchemaNode {
  anyOf?: DocNode[];
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  additionalProperties?: DocNode | boolean;
}

export interface OptionDoc {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}


/** Every option of the config format, depth first, layers under `layers[].<type>`. */
export function optionDocs(): OptionDoc[] {
  const schema = configSchema();
  const docs: OptionDoc[] = [];
  // A shared definition (a layer's name, init) is documented where it first appears.
  const documented = new Map<string, string>();
  const walk = (node: DocNode, path: string) => {
    const resolved = deref(node, schema) as DocNode;
    // A reference with a description of its own (insert_after: a layer name) is its own entry.
    const first = node.$ref && !(node as DocNode).description ? documented.get(node.$ref) : undefined;
    if (first) {
      docs.push({ path, type: typeOf(resolved), default: '', description: `As \`${first}\`.` });
      return;
    }
    if (node.$ref && !documented.has(node.$ref)) documented.set(node.$ref, path);
    docs.push({ path, type: typeOf(resolved), default: resolved.default === undefined ? '' : JSON.stringify(resolved.default), description: (node as DocNode).description ?? resolved.description ?? '' });
    for (const [key, child] of Object.entries(resolved.properties ?? {})) walk(child as DocNode, `${path}.${key}`);
    // Lists of mappings (layer_changes): their items' options, as `list[].option`.
    const items = resolved.items ? (deref(resolved.items, schema) as DocNode) : undefined;
    for (const [key, child] of Object.entries(items?.properties ?? {})) walk(child as DocNode, `${path}[].${key}`);
    // Mappings of named entries (blocks): their entries' options, as `map.<name>.option`.
    const entry = typeof resolved.additionalProperties === 'object' ? (deref(resolved.additionalProperties, schema) as DocNode) : undefined;
    for (const [key, child] of Object.entries(entry?.properties ?? {})) walk(child as DocNode, `${path}.<name>.${key}`);
  };
  for (const [key, child] of Object.entries((schema as DocNode).properties ?? {})) {
    if (key === 'layers') {
      walk(child as DocNode, 'layers');
      for (const type of OP_TYPES) walk({ $ref: `#/$defs/${type}` }, `layers[].${type}`);
    } else {
      walk(child as DocNode, key);
    }
  }
  return docs;
}

function typeOf(node: DocNode): string {
  if (node.anyOf) return node.anyOf.map((option) => typeOf(deref(option, configSchema()) as DocNode)).join(' \\| ');
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const types = (Array.isArray(node.type) ? node.type : [node.type ?? 'any']).filter((t) => t !== 'null');
  const range = [
    node.minimum !== undefined ? `≥ ${node.minimum}` : node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : '',
    node.maximum !== undefined ? `≤ ${node.maximum}` : node.exclusiveMaximum !== undefined ? `< ${node.exclusiveMaximum}` : '',
  ].filter(Boolean);
  const type = types.map((t) => (t === 'object' ? 'mapping' : t === 'array' ? 'list' : t)).join(' \\| ');
  return range.length ? `${type} (${range.join(', ')})` : type;
}

/** The option table in Markdown. */
export function optionsMarkdown(): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = optionDocs().map((d) => `| \`${d.path}\` | ${d.type} | ${d.default ? `\`${d.default}\`` : ''} | ${escape(d.description)} |`);
  return ['| option | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replace the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
