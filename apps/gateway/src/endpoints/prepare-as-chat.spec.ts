import { MAX_BODY_DEPTH, tooDeep } from '../chat/chat-request.schema';
import { OpenAIError } from '../http/openai-error';
import { bodyObject } from './prepare-as-chat';

/** The walk tooDeep replaced (a stack entry and a path string per element): its verdicts are the reference. */
function tooDeepBefore(value: unknown, max = MAX_BODY_DEPTH): string | null {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= max) return path;
    for (const [key, child] of Object.entries(v))
      stack.push([child, path ? `${path}.${key}` : key, depth + 1]);
  }
  return null;
}

/** A deterministic pseudo-random JSON value: objects and arrays up to `depth` levels, primitives. */
function shape(seed: number, depth: number): unknown {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  const build = (d: number): unknown => {
    const pick = d >= depth ? 3 + rnd(4) : rnd(7);
    switch (pick) {
      case 0:
      case 1: {
        const o: Record<string, unknown> = {};
        for (let i = rnd(4); i >= 0; i--) o[`k${rnd(5)}.${i}`] = build(d + 1);
        return o;
      }
      case 2:
        return Array.from({ length: rnd(4) }, () => build(d + 1));
      case 3:
        return rnd(100);
      case 4:
        return 'text';
      case 5:
        return null;
      default:
        return rnd(2) === 0;
    }
  };
  return build(0);
}

const nest = (levels: number, open = '[', close = ']') =>
  JSON.parse(`${open.repeat(levels)}${close.repeat(levels)}`) as unknown;
const nestObject = (levels: number) =>
  JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`) as unknown;

describe('tooDeep', () => {
  it('gives the verdicts (and paths) the earlier walk gave, on random shapes and small limits', () => {
    let refused = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const value = shape(seed, 1 + (seed % 9));
      for (const max of [0, 1, 2, 3, 4, 6, 9, MAX_BODY_DEPTH]) {
        const verdict = tooDeep(value, max);
        expect([seed, max, verdict]).toEqual([seed, max, tooDeepBefore(value, max)]);
        if (verdict !== null) refused++;
      }
    }
    // both verdicts were exercised
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(400 * 8 - 300);
  });

  it('refuses deeper than MAX_BODY_DEPTH naming the path, accepts just within it', () => {
    expect(tooDeep({ m: nest(MAX_BODY_DEPTH - 1) })).toBeNull();
    const deep = { a: 1, m: nest(MAX_BODY_DEPTH), z: 'x' };
    expect(tooDeep(deep)).toBe(tooDeepBefore(deep));
    expect(tooDeep(deep)?.split('.')[0]).toBe('m');
    expect(tooDeep({ x: nestObject(MAX_BODY_DEPTH + 5) })).toBe(
      tooDeepBefore({ x: nestObject(MAX_BODY_DEPTH + 5) }),
    );
    expect(tooDeep({ m: nest(1_000_000) })?.split('.')).toHaveLength(MAX_BODY_DEPTH);
  });

  it('finds a deep branch after a long flat array, and passes primitives and flat arrays', () => {
    const flat = new Array<number>(200_000).fill(0);
    expect(tooDeep(0)).toBeNull();
    expect(tooDeep('x')).toBeNull();
    expect(tooDeep(null)).toBeNull();
    expect(tooDeep({ input: flat })).toBeNull();
    const hidden = { input: [...flat, nest(MAX_BODY_DEPTH), ...flat] };
    expect(tooDeep(hidden)).toBe(`input.200000.${'0.'.repeat(MAX_BODY_DEPTH - 3)}0`);
    expect(tooDeep(hidden)).toBe(tooDeepBefore(hidden));
  });
});

describe('bodyObject', () => {
  it('refuses a non-object and a body nested too deep with the parameter named', () => {
    for (const body of [undefined, null, 1, 'x', []])
      expect(() => bodyObject(body)).toThrow('The request body must be a JSON object.');
    let error: unknown;
    try {
      bodyObject({ model: 'm', input: nest(MAX_BODY_DEPTH) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpenAIError);
    expect(error).toMatchObject({
      status: 400,
      param: 'input',
      code: 'invalid_value',
      message: `Invalid value for \`input\`: the body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
    });
  });

  it('passes a 4 MB array of numbers (a hostile embeddings body) as it is', () => {
    const body = { model: 'm', input: new Array<number>(2 * 1024 * 1024).fill(0) };
    expect(bodyObject(body)).toBe(body);
  });
});
