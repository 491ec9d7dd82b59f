// Defaults come from the schema, where they are documented: this walks the schema beside
// the data and fills in every missing option that has a default, creating optional
// sections (report:, init:) whose options all have one.
import type { Schema } from '../validate/index.js';

type SchemaNode = {
  $ref?: string;
  if?: { type?: string };
  then?: SchemaNode;
  else?: SchemaNode;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: string[];
};

export function withDefaults(value: unknown, node: SchemaNode, root: Schema): unknown {
  const schema = branch(value, deref(node, root), root);
  if (Array.isArray(value) && schema.items) {
    return value.map((item) => withDefaults(item, schema.items!, root));
  }
  if (!isPlainObject(value) || !schema.properties) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries(schema.properties)) {
    const childSchema = deref(child, root);
    if (out[key] === undefined) {
      if (childSchema.default !== undefined) out[key] = structuredClone(childSchema.default);
      else if (childSchema.properties && !childSchema.required?.length && hasDefaults(childSchema, root)) out[key] = {};
    }
    if (out[key] !== undefined) out[key] = withDefaults(out[key], childSchema, root);
  }
  return out;
}

/** The `then` or `else` schema that applies to `value` (the schema's ifs test only types). */
function branch(value: unknown, schema: SchemaNode, root: Schema): SchemaNode {
  if (!schema.if) return schema;
  const matches = schema.if.type === 'string' ? typeof value === 'string' : schema.if.type === 'object' ? isPlainObject(value) : undefined;
  if (matches === undefined) throw new Error(`netc: the schema's if tests only types; found ${JSON.stringify(schema.if)}`);
  const chosen = matches ? schema.then : schema.else;
  return chosen ? deref(chosen, root) : schema;
}

function hasDefaults(schema: SchemaNode, root: Schema): boolean {
  return Object.values(schema.properties ?? {}).some((child) => deref(child, root).default !== undefined);
}

/** The schema a `$defs` reference points at (`#/$defs/conv`). */
export function deref(node: SchemaNode, root: Schema): SchemaNode {
  let current = node;
  while (current.$ref) {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<Record<string, unknown>>((at, part) => at[part] as Record<string, unknown>, root) as SchemaNode;
  }
  return current;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { SchemaNode };
