import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { RegExpEngine } from 'ajv/dist/types';
import { RE2JS } from 're2js';
import type { Rng } from './random';

/** A schema the simulator cannot honour: the call is refused with a 400 naming the keyword. */
export class UnsupportedSchema extends Error {}

type Schema = Record<string, unknown> | boolean;

/** Keywords whose constraints the generator cannot satisfy by construction. */
const UNSUPPORTED = [
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
/**
 * What building one instance may spend, so that a hostile schema (`minItems: 1000` nested five deep,
 * a huge `minLength`, thousands of required properties, a large `const` in a long array, `$ref`s
 * that fan out) is refused within milliseconds instead of building megabytes or exhausting memory.
 * Steps are values generated plus property and `required` names walked (walked again at each
 * visit of the same subschema); characters are those of scalars and property names, as JSON. The
 * JSON of an instance then stays under about 64 KB. Ordinary schemas stay far below: arrays get
 * their minimum length (2 by default) and deep optional properties are left out. Running out is a
 * refusal (`UnsupportedSchema`, a 400) rather than a cut instance, which would not match the
 * schema and fail the Ajv check anyway.
 */
const MAX_STEPS = 5_000;
const MAX_CHARS = 32_000;
/**
 * Largest schema accepted, as JSON: Ajv's compile time grows with it (about 4 ms per KB), and a
 * request body may be megabytes. OpenAI's own structured outputs accept far less than a body's size.
 */
const MAX_SCHEMA_CHARS = 64 * 1024;
/** Compiled validators are kept for this much schema text, then all forgotten. */
const MAX_CACHED_CHARS = 4 * 1024 * 1024;
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

// allErrors: with it, Ajv's compile time is linear in the schema (without, nested checks make it
// quadratic in the properties: 1,000 took most of a second). No logger: a schema Ajv fails to
// compile would otherwise dump all of the code generated for it on stderr.
// Patterns run on RE2 (linear time): Ajv tests them on strings that are partly the client's (consts,
// enums, property names) wherever the generator did not go, and a backtracking pattern such as
// `^(a+)+$` on 40 characters held the event loop for seconds. A pattern RE2 cannot compile
// (lookaround, backreferences) makes the schema invalid: a 400.
const re2: RegExpEngine = Object.assign((pattern: string) => RE2JS.compile(pattern), {
  code: 'require("re2js").RE2JS.compile',
});
const options = {
  strict: false,
  allErrors: true,
  validateFormats: false,
  logger: false as const,
  code: { regExp: re2 },
};
const ajv = new Ajv(options);
const ajv2020 = new Ajv2020(options);
/** Draft 2020-12 (what zod and the SDKs emit) or draft-07 by default; `$schema` picks, and is not fetched. */
const validatorFor = (schema: Record<string, unknown>) =>
  /2020-12|2019-09/.test(String(schema.$schema ?? '')) ? ajv2020 : ajv;
const compiled = new Map<string, ValidateFunction>();
let compiledChars = 0;

/**
 * A JSON value that matches a JSON Schema, derived deterministically from `rng`: objects with
 * every property, arrays of their minimum length (at least one item), strings, numbers and enums
 * within their bounds, local `$ref`s. What it cannot satisfy by construction (allOf, not...)
 * raises `UnsupportedSchema`. A `pattern` is met by a format's fixture (an e-mail, a UUID, a
 * date-time: the patterns zod emits with them) and otherwise not; the result is then checked by
 * Ajv, so a value that does not match is never returned (a 400 instead).
 */
export function instanceOf(schema: unknown, rng: Rng): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new UnsupportedSchema('the schema must be a JSON object');
  const key = JSON.stringify(schema);
  if (key.length > MAX_SCHEMA_CHARS)
    throw new UnsupportedSchema(`the schema is larger than ${MAX_SCHEMA_CHARS} characters`);
  const root = schema as Record<string, unknown>;
  const value = generate(root, { root, rng, steps: MAX_STEPS, chars: MAX_CHARS }, 0);
  let validate = compiled.get(key);
  if (!validate) {
    const { $schema, ...rest } = root;
    const validator = validatorFor({ $schema });
    try {
      validate = validator.compile(rest);
    } catch (error) {
      // Also a schema nested too deeply for Ajv (a RangeError), or a pattern RE2 cannot compile.
      throw new UnsupportedSchema(`the schema is invalid: ${(error as Error).message}`);
    } finally {
      // Ajv would otherwise keep every schema compiled, and refuse the next one using an `$id` again.
      validator.removeSchema();
    }
    if (compiledChars + key.length > MAX_CACHED_CHARS) {
      compiled.clear();
      compiledChars = 0;
    }
    compiled.set(key, validate);
    compiledChars += key.length;
  }
  if (!validate(value))
    throw new UnsupportedSchema(
      `cannot produce a value for it (${ajv.errorsText(validate.errors?.slice(0, 1))})`,
    );
  return value;
}

/** One instance being built: the schema's root (for `$ref`s), the random source, what is left to spend. */
interface Walk {
  root: Record<string, unknown>;
  rng: Rng;
  steps: number;
  chars: number;
}

function spend(walk: Walk, steps: number, chars = 0): void {
  walk.steps -= steps;
  walk.chars -= chars;
  if (!(walk.steps >= 0 && walk.chars >= 0))
    throw new UnsupportedSchema(
      `it asks for a larger value than this model produces (over ${MAX_STEPS} values and names, or ${MAX_CHARS} characters)`,
    );
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

/** Charges a scalar's JSON to the budget. */
function scalar<T>(walk: Walk, value: T): T {
  spend(walk, 0, JSON.stringify(value).length);
  return value;
}

function generate(schema: Schema, walk: Walk, depth: number): unknown {
  spend(walk, 1);
  const { root, rng } = walk;
  if (schema === true) return scalar(walk, rng.word());
  if (schema === false) throw new UnsupportedSchema('a false schema admits no value');
  if (depth > MAX_DEPTH)
    throw new UnsupportedSchema('the schema nests too deeply (recursive $ref?)');
  for (const k of UNSUPPORTED) if (k in schema) throw new UnsupportedSchema(`keyword \`${k}\``);
  if (typeof schema.$ref === 'string') return generate(resolve(schema.$ref, root), walk, depth + 1);
  if ('const' in schema) return scalar(walk, schema.const);
  if (Array.isArray(schema.enum)) {
    if (!schema.enum.length) throw new UnsupportedSchema('an empty enum');
    return scalar(walk, rng.pick(schema.enum));
  }
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(options) && options.length) {
    // Prefer a non-null option, so answers carry content.
    const chosen = options.find((o) => typeof o !== 'object' || o.type !== 'null') ?? options[0];
    return generate(chosen, walk, depth + 1);
  }
  const type = typeOf(schema);
  switch (type) {
    case 'object':
      return objectOf(schema, walk, depth);
    case 'array':
      return arrayOf(schema, walk, depth);
    case 'string':
      return scalar(walk, stringOf(schema, walk));
    case 'integer':
    case 'number':
      return scalar(walk, numberOf(schema, type, rng));
    case 'boolean':
      return scalar(walk, rng.next() < 0.5);
    case 'null':
      return scalar(walk, null);
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
  walk: Walk,
  depth: number,
): Record<string, unknown> {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const names = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  // Every visit walks all the names, including the properties it then leaves out.
  spend(walk, properties.length + names.length);
  const required = new Set(names);
  const out: Record<string, unknown> = {};
  for (const [name, sub] of properties) {
    // Deep optional properties are left out, which also ends recursive schemas.
    if (!required.has(name) && depth >= 3) continue;
    spend(walk, 0, JSON.stringify(name).length);
    out[name] = generate(sub, walk, depth + 1);
  }
  for (const name of required)
    if (!(name in out)) {
      spend(walk, 1, JSON.stringify(name).length);
      out[name] = scalar(walk, walk.rng.word());
    }
  return out;
}

function arrayOf(schema: Record<string, unknown>, walk: Walk, depth: number): unknown[] {
  const prefix = (schema.prefixItems ?? []) as Schema[];
  const min = Math.max(Number(schema.minItems ?? 0), prefix.length);
  const max = Number(schema.maxItems ?? Math.max(min, 3));
  const length = Math.min(max, Math.max(min, depth >= 3 ? min : Math.min(2, max)));
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const item = i < prefix.length ? prefix[i] : ((schema.items ?? true) as Schema);
    out.push(generate(item, walk, depth + 1));
  }
  return out;
}

function stringOf(schema: Record<string, unknown>, walk: Walk): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Infinity);
  let text = format ?? `${walk.rng.word()} ${walk.rng.word()}`;
  // Stops once over the budget (its caller then refuses the schema), however large `minLength` is.
  while (text.length < min && text.length <= walk.chars) text += ` ${walk.rng.word()}`;
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
