import Ajv from 'ajv';
import { instanceOf, UnsupportedSchema } from './json-instance';
import { z } from 'zod';
import { Rng } from './random';

const json = (schema: unknown, seed = 1) => JSON.stringify(instanceOf(schema, new Rng(seed)));
/** What a schema gives: the length of the instance's JSON, or the refusal's message. */
const outcome = (schema: unknown): number | string => {
  try {
    return json(schema).length;
  } catch (error) {
    if (error instanceof UnsupportedSchema) return error.message;
    throw error;
  }
};
const nested = (levels: number, minItems: number): unknown =>
  levels ? { type: 'array', minItems, items: nested(levels - 1, minItems) } : { type: 'string' };
const names = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('instanceOf', () => {
  it('builds ordinary schemas exactly as before the budget', () => {
    const thing = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        score: { type: 'number', minimum: 0, maximum: 1 },
        kind: { anyOf: [{ $ref: '#/$defs/kind' }, { type: 'null' }] },
      },
      required: ['name', 'tags', 'score', 'kind'],
      additionalProperties: false,
      $defs: { kind: { type: 'string', enum: ['a', 'b'] } },
    };
    expect(json(thing, 0)).toBe(
      '{"name":"gateway the","tags":["answer who","merkle light"],"score":0.62,"kind":"b"}',
    );
    expect(json(thing, 42)).toBe(
      '{"name":"field ledger","tags":["canvas amber","wait stone"],"score":0.27,"kind":"b"}',
    );
    const tree = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: {
        node: {
          type: 'object',
          properties: {
            label: { type: 'string', format: 'uuid' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
          required: ['label'],
        },
      },
      $ref: '#/$defs/node',
    };
    const label = '{"label":"7f8b1c2e-4d5a-4b6c-9e0f-1a2b3c4d5e6f"';
    expect(json(tree, 2)).toBe(`${label},"children":[${label}},${label}}]}`);
    const deep = {
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: {
            b: {
              type: 'object',
              properties: {
                c: {
                  type: 'object',
                  properties: {
                    d: { type: 'array', minItems: 3, items: { type: 'string', minLength: 40 } },
                  },
                  required: ['d'],
                },
              },
            },
          },
        },
        when: { type: 'string', format: 'date-time' },
        pair: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'boolean' }] },
        opt: { type: ['string', 'null'], maxLength: 5 },
      },
      required: ['a', 'when', 'pair'],
    };
    expect(json(deep, 1)).toBe(
      '{"a":{"b":{"c":{"d":["glass the stone prism signal premium glass",' +
        '"cedar audit prism ledger river those window","token who river rope spend meadow premium"]}}},' +
        '"when":"2026-01-15T09:30:00Z","pair":[19,true],"opt":"audit"}',
    );
  });

  it.each([
    ['minItems 1000 five deep (10^15 items)', nested(5, 1000)],
    ['minItems 100 three deep', nested(3, 100)],
    ['a huge minLength', { type: 'string', minLength: 1e9 }],
    ['5,000 required properties', { type: 'object', required: names(5000) }],
    [
      'a long const, repeated',
      { type: 'array', minItems: 1000, items: { const: 'x'.repeat(10_000) } },
    ],
    [
      '$refs that fan out',
      {
        type: 'array',
        minItems: 50,
        items: { $ref: '#/$defs/b' },
        $defs: {
          b: { type: 'array', minItems: 50, items: { $ref: '#/$defs/c' } },
          c: { type: 'array', minItems: 50, items: { type: 'string' } },
        },
      },
    ],
    [
      'many optional properties walked at each visit',
      {
        type: 'array',
        minItems: 100,
        items: {
          type: 'array',
          minItems: 100,
          items: {
            type: 'array',
            minItems: 100,
            items: {
              type: 'object',
              properties: Object.fromEntries(names(3000).map((n) => [n, {}])),
            },
          },
        },
      },
    ],
  ])('refuses %s (a 400) instead of building it', (_, schema) => {
    expect(outcome(schema)).toMatch(/asks for a larger value than this model produces/);
  });

  it('refuses a recursive $ref by its depth', () => {
    const list = { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] };
    expect(outcome(list)).toMatch(/nests too deeply/);
  });

  it.each([
    [
      '4,900 empty arrays',
      { type: 'array', minItems: 4900, items: { type: 'array', maxItems: 0 } },
    ],
    [
      '2,000 large integers',
      { type: 'array', minItems: 2000, items: { type: 'integer', minimum: 1e14 } },
    ],
    ['a 31,000-character string', { type: 'string', minLength: 31_000 }],
    [
      'consts that JSON escapes',
      { type: 'array', minItems: 5, items: { const: '\u0001'.repeat(1000) } },
    ],
    [
      '2,400 properties',
      {
        type: 'object',
        properties: Object.fromEntries(names(2400).map((n) => [n, { type: 'object' }])),
      },
    ],
  ])('keeps %s, at the edge of the budget, valid and under 64 KB', (_, schema) => {
    const text = json(schema);
    expect(text.length).toBeLessThanOrEqual(64 * 1024);
    // allErrors: without it, Ajv's code for 2,400 properties overflows the stack.
    const ajv = new Ajv({ strict: false, allErrors: true });
    expect(ajv.validate(schema, JSON.parse(text))).toBe(true);
  });

  it('refuses a schema over 64 KB, whatever it asks for', () => {
    const huge = {
      anyOf: [
        { type: 'string' },
        { properties: Object.fromEntries(names(8000).map((n) => [n, {}])) },
      ],
    };
    expect(outcome(huge)).toMatch(/larger than 65536 characters/);
  });

  it('checks patterns in linear time, meets those zod emits with formats, refuses what RE2 cannot run', () => {
    // A backtracking engine takes seconds on this const against the second option's pattern.
    const redos = {
      oneOf: [{ const: `${'a'.repeat(40)}!` }, { type: 'string', pattern: '^(a+)+$' }],
    };
    expect(json(redos)).toBe(`"${'a'.repeat(40)}!"`);
    const extra = {
      type: 'object',
      required: ['x'],
      additionalProperties: { anyOf: [{ type: 'string', pattern: '^(a+)+$' }, { type: 'number' }] },
    };
    expect(outcome(extra)).toMatch(/cannot produce a value/);
    // z.object({ e: z.email(), id: z.uuid(), at: z.iso.datetime() }) as zod 4 emits it
    const zod = z.toJSONSchema(z.object({ e: z.email(), id: z.uuid(), at: z.iso.datetime() }));
    expect(JSON.parse(json(zod))).toEqual({
      e: 'ada@example.com',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: '2026-01-15T09:30:00Z',
    });
    expect(outcome({ type: 'string', pattern: '^[a-z]{99}$' })).toMatch(/cannot produce a value/);
    expect(outcome({ type: 'string', pattern: '^(?!x)a' })).toMatch(/the schema is invalid/);
    const grep = {
      type: 'object',
      properties: { pattern: { type: 'string' }, path: { type: 'string', enum: ['pattern'] } },
      required: ['pattern', 'path'],
    };
    expect(JSON.parse(json(grep))).toEqual({ pattern: expect.any(String), path: 'pattern' });
  });

  it('refuses a schema nested too deeply for Ajv (a 400, not a crash)', () => {
    const deep = JSON.parse(`{"anyOf":[{"type":"string"},${'['.repeat(3000)}${']'.repeat(3000)}]}`);
    expect(outcome(deep)).toMatch(/the schema is invalid/);
  });

  it('compiles another schema reusing an $id', () => {
    const a = {
      $id: 'https://example.com/thing',
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    };
    const b = { ...a, properties: { b: { type: 'integer' } }, required: ['b'] };
    expect(Object.keys(JSON.parse(json(a)))).toEqual(['a']);
    expect(Object.keys(JSON.parse(json(b)))).toEqual(['b']);
  });
});
