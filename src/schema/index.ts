// The config schema, assembled: the options of the config as a whole (base.schema.json
// beside this file) and each op's options from the op table. schema/netc.schema.json is
// this, written out for editors (`npm run docs` regenerates it; a test checks it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPS, type Op } from '../ops/index.js';
import { packageRoot } from '../paths.js';

export type Schema = Record<string, unknown>;

const LAYER_NAME = { $ref: '#/$defs/layerName' };

let built: Schema | undefined;

/** The whole config schema (draft 2020-12), built once. */
export function buildSchema(): Schema {
  if (built) return built;
  const schema = JSON.parse(readFileSync(join(packageRoot, 'src', 'schema', 'base.schema.json'), 'utf8')) as Schema & { $defs: Record<string, unknown> };
  const defs: Record<string, unknown> = { ...schema.$defs };
  for (const op of OPS) defs[op.type] = opSchema(op);
  defs.layer = {
    description: 'One layer: its type alone (`relu`), its type with options (`conv: {filters: 16, size: 5}`), or a use of a block (`basic: {filters: 32}`).',
    if: { type: 'string' },
    then: { description: 'A layer type without options (relu, maxpool with its defaults), or a block used with its defaults.', type: 'string', pattern: '^[a-z][a-z0-9_]{0,31}$' },
    else: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      propertyNames: LAYER_NAME,
      properties: Object.fromEntries(OPS.map((op) => [op.type, { $ref: `#/$defs/${op.type}` }])),
      additionalProperties: { $ref: '#/$defs/blockUse' },
    },
  };
  built = { ...schema, $defs: defs };
  return built;
}

/** One op's options, with the `name` and `inputs` every layer has. */
function opSchema(op: Op): Schema {
  const required = op.required ?? [];
  return {
    description: op.description,
    type: required.length > 0 ? 'object' : ['object', 'null'],
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: { name: LAYER_NAME, ...op.options, inputs: { $ref: '#/$defs/layerInputs' } },
  };
}

/** The schema as schema/netc.schema.json holds it. */
export function schemaText(): string {
  return JSON.stringify(buildSchema(), null, 2) + '\n';
}
