// Turning ajv's errors into messages a person can act on: what is wrong, what was
// expected, what was found, and a hint where one helps.
import type { ErrorObject } from 'ajv';
import type { Path } from '../parse/index.js';
import { nearest } from '../text.js';

export interface DescribedError {
  readonly message: string;
  readonly hint?: string;
  /** Where to point, when not at the failing value itself. */
  readonly path?: Path;
  /** Point at the key rather than the value. */
  readonly atKey?: boolean;
}


const COMPARISONS: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** ajv errors that only repeat what a more precise error beside them says. */
const WRAPPERS = new Set(['if', 'propertyNames', 'anyOf', 'oneOf']);

export function describeError(error: ErrorObject, path: Path, data: unknown): DescribedError | undefined {
  if (WRAPPERS.has(error.keyword)) return undefined;
  const value = valueAt(data, path);
  const where = formatPath(path);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as { properties?: Record<string, { description?: string }> };
  const isLayerItem = path.length === 2 && path[0] === 'layers';

  if (isLayerItem) {
    const layer = describeLayerItemError(error, value);
    if (layer) return layer;
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      return {
        path: [...path, key],
        atKey: true,
        message: `unknown key '${key}' in ${context(path)}; expected one of ${list(allowed)}`,
        hint: didYouMean(key, allowed),
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const about = parent.properties?.[key]?.description;
      return {
        atKey: path.length > 0,
        message: `${context(path)} is missing '${key}'${about ? ` (${lowerFirst(about)})` : ''}`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        message: `${where} must be one of ${list(allowed)}; found ${describeValue(value)}`,
        hint: typeof value === 'string' ? (allowed.includes('true') ? typeHint(['boolean'], value) : undefined) ?? didYouMean(value, allowed) : undefined,
      };
    }
    case 'type': {
      const expected = String(params.type).split(',').filter((t) => t !== 'null');
      if (typeof value === 'number' && !Number.isFinite(value)) return { message: `${where} must be a finite number; found ${value}` };
      return { message: `${where} must be ${expected.map(article).join(' or ')}; found ${describeValue(value)}`, hint: typeHint(expected, value) };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `${where} must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}; found ${describeValue(value)}` };
    case 'minItems':
      return { message: `${where} needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}; found ${countOf(value)}` };
    case 'maxItems':
      return { message: `${where} allows at most ${String(params.limit)} items; found ${countOf(value)}` };
    case 'minLength':
      return { message: `${where} must not be empty` };
    case 'maxLength':
      return { message: `${where} allows at most ${String(params.limit)} characters; found ${String((value as string).length)}` };
    case 'pattern':
      return { message: `${where} ${patternRule(String(params.pattern))}; found ${describeValue(value)}` };
    default:
      return { message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function describeLayerItemError(error: ErrorObject, value: unknown): DescribedError | undefined {
  if (error.keyword === 'type') {
    return {
      message: `a layer is a type (\`- relu\`) or a type with options (\`- conv: {…}\`); found ${describeValue(value)}`,
    };
  }
  if (error.keyword === 'maxProperties' && value && typeof value === 'object') {
    return {
      message: `a layer item names exactly one layer type; found ${list(Object.keys(value))}`,
      hint: 'start each layer on its own line with `- `, and indent its options under the type',
    };
  }
  if (error.keyword === 'minProperties') {
    return { message: 'an empty layer item; expected a layer type such as `- relu`' };
  }
  return undefined;
}

function typeHint(expected: string[], value: unknown): string | undefined {
  if (expected.includes('boolean') && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return 'YAML 1.2 reads yes/no/on/off as text: write true or false';
  }
  if (typeof value === 'string' && expected.some((t) => t === 'integer' || t === 'number') && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return 'remove the quotes: numbers are written without them';
  }
  if (typeof value === 'number' && !Number.isInteger(value) && expected.includes('integer')) {
    return 'use a whole number';
  }
  return undefined;
}

function patternRule(pattern: string): string {
  if (pattern === '^auto$') return "must be 'auto' or a whole number";
  if (pattern.startsWith('^[a-z][a-z0-9_]')) return 'must be lowercase letters, digits and _, starting with a letter';
  if (pattern.startsWith('^[a-z][a-z0-9_-]')) return 'must be lowercase letters, digits, _ and -, starting with a letter';
  return `must match ${pattern}`;
}

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const best = nearest(word, candidates);
  return best ? `did you mean '${best}'?` : undefined;
}

/** `layers[2].conv.size`, or "the config" for the root. */
export function formatPath(path: Path): string {
  if (path.length === 0) return 'the config';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function context(path: Path): string {
  const last = path[path.length - 1];
  if (path.length === 3 && path[0] === 'layers' && typeof last === 'string') return `the ${last} layer (${formatPath(path.slice(0, 2))})`;
  return formatPath(path);
}

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const segment of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  return node;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function countOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function article(type: string): string {
  const noun = type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function list(items: readonly string[]): string {
  return items.map((s) => `'${s}'`).join(', ');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '');
}
