import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the hostile-input walk reads. */
export interface Schema {
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}
export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method, path, parameters: op.parameters ?? [], body: body && resolve(doc, body) });
    }
  }
  return ops;
}

/** A schema with its `$ref`s and `allOf`s followed (one level is all our DTOs use). */
export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) return resolve(doc, doc.components!.schemas![schema.$ref.split('/').pop()!]);
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => resolve(doc, s));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return schema;
}

/** A raw JSON token the serializer puts in place of its placeholder (1e400 is no JS number). */
const RAW = (json: string) => `\u0001RAW:${json}\u0001`;
export const toJson = (body: unknown) =>
  JSON.stringify(body).replace(/"\\u0001RAW:(.*?)\\u0001"/g, '$1');

const deep = (levels: number) => RAW('['.repeat(levels) + ']'.repeat(levels));

const isNumeric = (s?: Schema) => s?.type === 'integer' || s?.type === 'number';

/** A value no field of the given schema accepts, in JSON (for bodies). */
export function hostileJsonValue(
  schema: Schema | undefined,
): fc.Arbitrary<{ value: unknown; what: string }> {
  const options: [string, unknown][] = [
    ['NUL', 'a\u0000b'],
    ['lone surrogate', 'a\ud800b'],
    ['number 2^63', RAW('9223372036854775808')],
    ['number -2^63-1', RAW('-9223372036854775809')],
    ['number 1e400', RAW('1e400')],
    ['year -271821', '-271821-04-20T00:00:00.000Z'],
    ['year 0', '0000-01-01'],
    ['year 275760', '+275760-09-13T00:00:00.000Z'],
    ['deep nesting', deep(5000)],
  ];
  if (!schema?.nullable) options.push(['null', null]);
  if (schema?.type === 'string' || schema?.enum) options.push(['nested object', { a: { b: 1 } }]);
  return fc.constantFrom(...options).map(([what, value]) => ({ what, value }));
}

/** A value no parameter of the given schema accepts, URL-encoded (for paths and query strings). */
export function hostileUrlValue(
  schema: Schema | undefined,
): fc.Arbitrary<{ value: string; what: string }> {
  const options: [string, string][] = [
    ['NUL', 'a%00b'],
    // a lone surrogate as UTF-8 would encode it (CESU-8): no valid UTF-8, so no valid parameter
    ['lone surrogate', 'a%ED%A0%80b'],
    ['year -271821', '-271821-04-20T00%3A00%3A00.000Z'],
    ['year 0', '0000-01-01'],
  ];
  if (isNumeric(schema))
    options.push(
      ['number 2^63', '9223372036854775808'],
      ['number -2^63-1', '-9223372036854775809'],
      ['number 1e400', '1e400'],
    );
  return fc.constantFrom(...options).map(([what, value]) => ({ what, value }));
}

/** A plausible value for a property, so that the hostile one is what gets refused. */
export function plausible(schema: Schema, ids: Record<string, string>, name: string): unknown {
  if (ids[name]) return ids[name];
  if (schema.enum?.length) return schema.enum[0];
  if (schema.format === 'uuid') return ids.orgId;
  if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
  if (schema.format === 'date') return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'plain';
  }
}
