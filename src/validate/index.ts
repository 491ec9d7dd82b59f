// validate: the parsed config against schema/netc.schema.json, every error located.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { compareDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { ParsedConfig, Path } from '../parse/index.js';
import { buildSchema } from '../schema/index.js';
import { describeError } from './messages.js';

export type { Schema } from '../schema/index.js';
import type { Schema } from '../schema/index.js';

interface Compiled {
  readonly schema: Schema;
  /** A whole config. */
  readonly check: ValidateFunction;
  /** One file of an `extends` chain: anything may come from elsewhere, so nothing is required. */
  readonly checkPart: ValidateFunction;
}

let cached: Compiled | undefined;

/** The JSON Schema of configs, parsed once. */
export function configSchema(): Schema {
  return compiled().schema;
}

function compiled(): Compiled {
  if (!cached) {
    const schema = buildSchema();
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    cached = { schema, check: ajv.compile(schema), checkPart: ajv.compile(partSchema(schema)) };
  }
  return cached;
}

/**
 * The schema of one file of an `extends` chain: its sections may be partial (`train:` with
 * only a learning rate), but what it does write must be right, and layers are whole.
 */
function partSchema(schema: Schema): Schema {
  const { required: _required, $id: _id, ...part } = structuredClone(schema) as Schema & { properties: Record<string, Record<string, unknown>> };
  for (const section of Object.values(part.properties)) delete section.required;
  return part;
}

/** At most this many errors are listed; the rest are counted. */
export const MAX_ERRORS = 20;

/**
 * All schema errors of the config, located and sorted; empty when it is valid. With
 * `part: true`, the config is one file of an `extends` chain, and may leave out anything.
 */
export function validate(parsed: ParsedConfig, options: { part?: boolean } = {}): Diagnostic[] {
  const check = options.part ? compiled().checkPart : compiled().check;
  if (check(parsed.data)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of check.errors ?? []) {
    const path = toPath(parsed.data, error.instancePath);
    const described = describeError(error, path, parsed.data);
    if (!described) continue;
    const pos = parsed.locate(described.path ?? path, { key: described.atKey });
    const diagnostic = { ...pos, message: described.message, hint: described.hint };
    const id = `${pos.line}:${pos.col}:${described.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    diagnostics.push(diagnostic);
  }
  diagnostics.sort(compareDiagnostics);
  if (diagnostics.length > MAX_ERRORS) {
    const rest = diagnostics.length - MAX_ERRORS;
    const last = diagnostics[MAX_ERRORS - 1]!;
    return [...diagnostics.slice(0, MAX_ERRORS), { ...last, message: `…and ${rest} more error${rest === 1 ? '' : 's'}`, hint: undefined, omitted: rest }];
  }
  return diagnostics;
}

/** A JSON pointer ("/layers/0/conv") as a path with numeric indexes for arrays. */
export function toPath(data: unknown, pointer: string): Path {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

export type { ErrorObject };
