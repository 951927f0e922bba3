import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { Rng } from './random';

/** A schema the simulator cannot honour: the call is refused with a 400 naming the keyword. */
export class UnsupportedSchema extends Error {}

type Schema = Record<string, unknown> | boolean;

/** Keywords whose constraints the generator cannot satisfy by construction. */
const UNSUPPORTED = [
  'pattern',
  'patternProperties',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
  'contains',
  'uniqueItems',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'multipleOf',
];
const MAX_DEPTH = 8;
const FORMATS: Record<string, string> = {
  'date-time': '2026-01-15T09:30:00Z',
  date: '2026-01-15',
  time: '09:30:00Z',
  email: 'ada@example.com',
  uri: 'https://example.com/velvet',
  url: 'https://example.com/velvet',
  uuid: '7f8b1c2e-4d5a-4b6c-9e0f-1a2b3c4d5e6f',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
};

const options = { strict: false, allErrors: false, validateFormats: false };
const ajv = new Ajv(options);
const ajv2020 = new Ajv2020(options);
/** Draft 2020-12 (what zod and the SDKs emit) or draft-07 by default; `$schema` picks, and is not fetched. */
const validatorFor = (schema: Record<string, unknown>) =>
  /2020-12|2019-09/.test(String(schema.$schema ?? '')) ? ajv2020 : ajv;
const compiled = new Map<string, ValidateFunction>();

/**
 * A JSON value that matches a JSON Schema, derived deterministically from `rng`: objects with
 * every property, arrays of their minimum length (at least one item), strings, numbers and enums
 * within their bounds, local `$ref`s. What it cannot satisfy by construction (patterns, allOf,
 * not...) raises `UnsupportedSchema`; the result is then checked by Ajv, so a value that does
 * not match is never returned.
 */
export function instanceOf(schema: unknown, rng: Rng): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new UnsupportedSchema('the schema must be a JSON object');
  const value = generate(schema as Schema, schema as Record<string, unknown>, rng, 0);
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      const { $schema, ...rest } = schema as Record<string, unknown>;
      validate = validatorFor({ $schema }).compile(rest);
    } catch (error) {
      throw new UnsupportedSchema(`the schema is invalid: ${(error as Error).message}`);
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, validate);
  }
  if (!validate(value))
    throw new UnsupportedSchema(
      `cannot produce a value for it (${ajv.errorsText(validate.errors)})`,
    );
  return value;
}

function resolve(ref: string, root: Record<string, unknown>): Schema {
  if (!ref.startsWith('#')) throw new UnsupportedSchema(`remote $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (node === undefined) throw new UnsupportedSchema(`unresolvable $ref ${ref}`);
  return node as Schema;
}

function generate(schema: Schema, root: Record<string, unknown>, rng: Rng, depth: number): unknown {
  if (schema === true) return rng.word();
  if (schema === false) throw new UnsupportedSchema('a false schema admits no value');
  if (depth > MAX_DEPTH)
    throw new UnsupportedSchema('the schema nests too deeply (recursive $ref?)');
  for (const k of UNSUPPORTED) if (k in schema) throw new UnsupportedSchema(`keyword \`${k}\``);
  if (typeof schema.$ref === 'string')
    return generate(resolve(schema.$ref, root), root, rng, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) {
    if (!schema.enum.length) throw new UnsupportedSchema('an empty enum');
    return rng.pick(schema.enum);
  }
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(options) && options.length) {
    // Prefer a non-null option, so answers carry content.
    const chosen = options.find((o) => typeof o !== 'object' || o.type !== 'null') ?? options[0];
    return generate(chosen, root, rng, depth + 1);
  }
  const type = typeOf(schema);
  switch (type) {
    case 'object':
      return objectOf(schema, root, rng, depth);
    case 'array':
      return arrayOf(schema, root, rng, depth);
    case 'string':
      return stringOf(schema, rng);
    case 'integer':
    case 'number':
      return numberOf(schema, type, rng);
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    default:
      throw new UnsupportedSchema(`type \`${String(type)}\``);
  }
}

function typeOf(schema: Record<string, unknown>): unknown {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') ?? 'null';
  if (t !== undefined) return t;
  if (schema.properties) return 'object';
  if (schema.items || schema.prefixItems) return 'array';
  return 'string';
}

function objectOf(
  schema: Record<string, unknown>,
  root: Record<string, unknown>,
  rng: Rng,
  depth: number,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(properties)) {
    // Deep optional properties are left out, which also ends recursive schemas.
    if (!required.has(name) && depth >= 3) continue;
    out[name] = generate(sub, root, rng, depth + 1);
  }
  for (const name of required) if (!(name in out)) out[name] = rng.word();
  return out;
}

function arrayOf(
  schema: Record<string, unknown>,
  root: Record<string, unknown>,
  rng: Rng,
  depth: number,
): unknown[] {
  const prefix = (schema.prefixItems ?? []) as Schema[];
  const min = Math.max(Number(schema.minItems ?? 0), prefix.length);
  const max = Number(schema.maxItems ?? Math.max(min, 3));
  const length = Math.min(max, Math.max(min, depth >= 3 ? min : Math.min(2, max)));
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const item = i < prefix.length ? prefix[i] : ((schema.items ?? true) as Schema);
    out.push(generate(item, root, rng, depth + 1));
  }
  return out;
}

function stringOf(schema: Record<string, unknown>, rng: Rng): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Infinity);
  let text = format ?? `${rng.word()} ${rng.word()}`;
  while (text.length < min) text += ` ${rng.word()}`;
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function numberOf(schema: Record<string, unknown>, type: 'integer' | 'number', rng: Rng): number {
  const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  const exclusiveMin = num('exclusiveMinimum');
  const exclusiveMax = num('exclusiveMaximum');
  let lo =
    num('minimum') ??
    (exclusiveMin !== undefined ? exclusiveMin + (type === 'integer' ? 1 : 0.5) : 0);
  let hi =
    num('maximum') ??
    (exclusiveMax !== undefined ? exclusiveMax - (type === 'integer' ? 1 : 0.5) : lo + 100);
  if (type === 'integer') {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  }
  if (hi < lo) throw new UnsupportedSchema('an empty numeric range');
  return type === 'integer'
    ? rng.int(lo, hi)
    : Math.round((lo + rng.next() * (hi - lo)) * 100) / 100;
}
