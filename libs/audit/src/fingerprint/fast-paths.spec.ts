import { canonicalJson } from '../merkle/canonical-json';
import { fmix32, minhashOfBases, tokenize } from './minhash';
import { contentWordsOf, stem } from './word-fingerprint';

/**
 * The fingerprints and leaves are stored and hashed, so the fast paths taken for throughput must
 * give exactly what the format's plain definitions give. Each definition is written out here and
 * compared over many generated inputs (fixed pseudo-random seed, so failures reproduce).
 */
const definition = {
  tokenize: (text: string): string[] =>
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [],
  stem: (word: string): string => word.replace(/(?:ing|ed|es|s)$/, ''),
  minhash(bases: readonly number[], seeds: Uint32Array): number[] {
    const signature = new Array<number>(seeds.length).fill(0xffffffff);
    for (const base of bases)
      for (let i = 0; i < seeds.length; i++)
        signature[i] = Math.min(signature[i], fmix32(base ^ seeds[i]));
    return signature;
  },
  canonicalJson(value: unknown): string {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in a leaf');
      return String(value);
    }
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (Array.isArray(value))
      return `[${value.map((v) => definition.canonicalJson(v === undefined ? null : v)).join(',')}]`;
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${definition.canonicalJson(record[k])}`);
    return `{${parts.join(',')}}`;
  },
};

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    return fmix32(s) / 2 ** 32;
  };
}

const PIECES = [
  'the ',
  'Running ',
  'tested',
  'boxes',
  'is ',
  'ING ',
  'Ed ',
  's ',
  'abc',
  '42',
  'x1y2',
  ' ',
  '  ',
  '\n',
  '\t',
  ',',
  '.',
  '—',
  '-',
  "'",
  '"',
  '\\',
  '\u0000',
  'é',
  'É',
  'ﬁ',
  'ß',
  'İ',
  'Σ',
  '①',
  '２',
  'Ⅻ',
  '日本語',
  '\ud83d\ude00',
  '\ud800',
  'ǅ',
  'Ａ',
  'µ',
  'ÿ',
  '\u00a0',
  '\u0301',
  'K',
  'Å',
];

function text(rand: () => number, asciiOnly: boolean): string {
  const pool = asciiOnly ? PIECES.filter((p) => !/[\u0080-\uffff]/.test(p)) : PIECES;
  let out = '';
  const n = Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) out += pool[Math.floor(rand() * pool.length)];
  return out;
}

describe('throughput fast paths give what the definitions give', () => {
  it('tokenize: ASCII scan and Unicode path alike', () => {
    const rand = random(1);
    for (let i = 0; i < 5000; i++) {
      const t = text(rand, i % 2 === 0);
      expect(tokenize(t)).toEqual(definition.tokenize(t));
    }
    expect(tokenize('')).toEqual([]);
    expect(tokenize('Hello, WORLD 42x')).toEqual(['hello', 'world', '42x']);
  });

  it('stem and content words', () => {
    for (const w of [
      'things',
      'thing',
      'ing',
      'ed',
      'es',
      's',
      'sss',
      'boxes',
      'tested',
      'is',
      'bus',
      'seeds',
      'singing',
      'x',
    ])
      expect(stem(w)).toBe(definition.stem(w));
    const rand = random(2);
    for (let i = 0; i < 2000; i++) {
      const tokens = definition.tokenize(text(rand, false));
      const expected = new Set(
        tokens
          .filter((t) => t.length >= 3 && !['the', 'and', 'for'].includes(t))
          .map(definition.stem),
      );
      for (const w of contentWordsOf(tokens)) expect(expected.has(w)).toBe(true);
    }
  });

  it('minhashOfBases (int32 loop) equals the plain minima, repeated bases and extremes included', () => {
    const rand = random(3);
    const seeds = Uint32Array.from({ length: 64 }, () => Math.floor(rand() * 2 ** 32));
    for (let i = 0; i < 300; i++) {
      const bases = Array.from({ length: Math.floor(rand() * 60) }, () =>
        rand() < 0.1
          ? [0, 0xffffffff, 0x80000000, 0x7fffffff][Math.floor(rand() * 4)]
          : Math.floor(rand() * 2 ** 32),
      );
      if (bases.length > 2) bases.push(bases[0]);
      expect(minhashOfBases(bases, seeds)).toEqual(definition.minhash(bases, seeds));
    }
    expect(minhashOfBases([], seeds)).toEqual(new Array(64).fill(0xffffffff));
  });

  it('canonicalJson (sorted copy + JSON.stringify) equals the key-by-key definition', () => {
    const rand = random(4);
    const keys = [
      'a',
      'B',
      'b',
      '',
      'é',
      'z1',
      '10',
      '9',
      '__proto__',
      'toJSON',
      '\u0000',
      'ab',
      '\ud83d',
    ];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3)
        return [
          0,
          -0,
          1.5,
          -7,
          2 ** 53 - 1,
          1e21,
          1e-7,
          'x',
          'é\n"\\',
          '\ud800',
          true,
          false,
          null,
          undefined,
        ][Math.floor(rand() * 14)];
      if (r < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let k = Math.floor(rand() * 5); k > 0; k--) {
        const key = keys[Math.floor(rand() * keys.length)];
        Object.defineProperty(o, key, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    };
    for (let i = 0; i < 3000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(definition.canonicalJson(v));
    }
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"2":1,"10":2},"a":[1,null]}'))).toBe(
      '{"__proto__":{"10":2,"2":1},"a":[1,null],"b":1}',
    );
    expect(canonicalJson({ d: new Date(0), f: () => 1 })).toBe('{"d":{},"f":null}');
    expect(() => canonicalJson({ a: [Number.NaN] })).toThrow(/non-finite/);
  });
});
