import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Tiktoken } from 'tiktoken/lite';
import { CORPUS_MISSING, loadCorpus } from '../../../../scripts/traffic/corpus';
import { countableParts, LONG_RUN, RUN_PART } from './countable-parts';
import { encoderFor, type TokenizerEncoding } from './encodings';

const ENCODINGS: TokenizerEncoding[] = ['o200k_base', 'cl100k_base'];

/** tiktoken itself on the whole text, in one call: the reference counts are compared with. */
const raw = new Map<TokenizerEncoding, Tiktoken>();
function wholeIds(text: string, encoding: TokenizerEncoding): number[] {
  let bpe = raw.get(encoding);
  if (!bpe) {
    const file = require.resolve(`tiktoken/encoders/${encoding}.json`);
    const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, never>;
    bpe = new Tiktoken(r.bpe_ranks, r.special_tokens, r.pat_str);
    raw.set(encoding, bpe);
  }
  return Array.from(bpe.encode_ordinary(text));
}
const whole = (text: string, encoding: TokenizerEncoding): number =>
  wholeIds(text, encoding).length;
afterAll(() => raw.forEach((bpe) => bpe.free()));

const byParts = (text: string, encoding: TokenizerEncoding, segment: number): number =>
  [...countableParts(text, segment)].reduce((n, p) => n + encoderFor(encoding).count(p), 0);
/** The token ids of each part, cut as the segment size says, one after the other. */
const idsByParts = (text: string, encoding: TokenizerEncoding, segment: number): number[] =>
  [...countableParts(text, segment)].flatMap((p) => wholeIds(p, encoding));

/** Fragments of natural text, and the characters where tokenizer patterns are subtle. */
const FRAGMENTS = [
  'Hello',
  ' what',
  'What',
  ' doctor',
  ' Mother',
  ' it',
  ' you',
  "'ll",
  "'ve",
  "'d",
  "'M",
  'O',
  'Neil',
  'world',
  'ÉTÉ',
  'naïve',
  'don',
  "'",
  "'s",
  "'LL",
  "'re",
  's',
  'T',
  'x',
  'McDonald',
  ' ',
  '  ',
  '   ',
  '\n',
  '\n\n',
  '\r\n',
  '\t',
  ' \n ',
  '1',
  '23',
  '4567',
  '3.14',
  '1,000',
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  '-',
  '--',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  '/',
  '//',
  '...',
  '東京',
  '日本語',
  '北京欢迎你',
  '。',
  '，',
  '서울',
  'Привет',
  'مرحبا',
  'हिन्दी',
  'ภาษาไทย',
  'e\u0301',
  '\u0301',
  '\u0308',
  '🙂',
  '👩\u200d💻',
  '🏳\ufe0f\u200d🌈',
  '\u0085',
  '\ufeff',
  '\u00a0',
  '\u2028',
  '\u0000',
  '\ud800',
  '\udc00',
  '\u{1d400}',
  '٣',
  'Ⅻ',
  '½',
  '$',
  '€',
  '_',
  '<|endoftext|>',
  'http://x.io/a?b=c',
  '{"k":"v"}',
  'const x = a?.b ?? 0;',
];
const naturalText = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 120 })
  .map((parts) => parts.join(''))
  .filter((text) => text.length < LONG_RUN); // no run long enough to be cut approximately

describe('countableParts', () => {
  it.each(ENCODINGS)(
    "%s: the cut segments give the whole text's tokens (natural fragments)",
    (encoding) => {
      fc.assert(
        fc.property(naturalText, fc.integer({ min: 1, max: 48 }), (text, segment) => {
          expect(idsByParts(text, encoding, segment)).toEqual(wholeIds(text, encoding));
        }),
        { numRuns: 1000 },
      );
    },
  );

  it.each(ENCODINGS)("%s: ... and an arbitrary string's, of any code points", (encoding) => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 1, max: 32 }),
        (text, segment) => {
          expect(idsByParts(text, encoding, segment)).toEqual(wholeIds(text, encoding));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives back every character, in order, and never splits a surrogate pair', () => {
    const runs = fc.constantFrom('a', ' ', '!', '東', '🙂', 'é', '\n', '1');
    const text = fc
      .array(fc.tuple(runs, fc.integer({ min: 1, max: 1500 })), { maxLength: 6 })
      .map((rs) => rs.map(([c, n]) => c.repeat(n)).join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 4096 }), (t, segment) => {
        const parts = [...countableParts(t, segment)];
        expect(parts.join('')).toBe(t);
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(part).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a run of one class into parts of at most RUN_PART characters', () => {
    for (const c of ['a', ' ', '!', '東', '🙂']) {
      const parts = [...countableParts(`x ${c.repeat(3000)} y`)];
      expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(RUN_PART);
    }
  });

  it.each(ENCODINGS)('%s: counts a long run within a token a part of its exact count', (e) => {
    const spread = (from: number, span: number) =>
      Array.from({ length: 4096 }, (_, i) => String.fromCodePoint(from + ((i * 7919) % span)));
    const runs = [' ', '\n', '!', '=-', 'a', 'ab', '東']
      .map((unit) => unit.repeat(4096).slice(0, 4096))
      .concat(spread(0x4e00, 20_000).join(''), spread(0x61, 26).join(''));
    for (const run of runs) {
      const parts = [...countableParts(run)].length;
      expect(parts).toBeGreaterThanOrEqual(run.length / RUN_PART);
      expect(Math.abs(encoderFor(e).count(run) - whole(run, e))).toBeLessThanOrEqual(parts);
    }
  });

  const corpus = loadCorpus();
  (corpus ? it : it.skip)(
    'counts every prompt of the development corpus (../shared/data/prompts) exactly',
    () => {
      if (!corpus) throw new Error(CORPUS_MISSING);
      for (const encoding of ENCODINGS) {
        let mismatched = 0;
        for (const { text } of corpus)
          if (byParts(text, encoding, 24) !== whole(text, encoding)) mismatched += 1;
        expect(mismatched).toBe(0);
        // The corpus as one 3 MB text, in the default segments.
        const joined = corpus.map((r) => r.text).join('\n\n');
        expect(encoderFor(encoding).count(joined)).toBe(whole(joined, encoding));
      }
    },
  );
});
