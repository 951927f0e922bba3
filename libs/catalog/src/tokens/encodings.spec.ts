import {
  countTextTokens,
  DEFAULT_TOKENIZER,
  encoderFor,
  type TokenizerEncoding,
} from './encodings';

const paragraph =
  'Velvet Rope gates access to models. Ünïcödé, 東京, 🙂, <|endoftext|> and code: const x = a?.b ?? 0;\n';
const long20k = paragraph.repeat(Math.ceil(20_000 / paragraph.length)).slice(0, 20_000);

/**
 * [what, text, o200k_base tokens, cl100k_base tokens]. The counts are the ones js-tiktoken 1.0.21
 * gave (the tokenizer before tiktoken's WebAssembly build): the switch changed none of them.
 */
const COUNTS: [string, string, number, number][] = [
  ['empty', '', 0, 0],
  ['ascii word', 'hi', 1, 1],
  ['ascii sentence', 'The quick brown fox jumps over the lazy dog.', 10, 10],
  ['accented latin', 'Crème brûlée, façade, naïve, Ångström, Łódź, São Paulo, Dvořák.', 26, 31],
  ['cjk', '東京は今日晴れです。北京欢迎你。서울의 날씨는 맑습니다.', 20, 32],
  ['cyrillic', 'Привет, как дела?', 6, 8],
  ['emoji', '🙂🎉🚀 done ✅', 7, 11],
  ['zwj sequences', '👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 👍🏽', 26, 38],
  ['nul byte', 'a\u0000b\u0000', 4, 4],
  // A lone surrogate half is not text: both tokenizers see its UTF-8 encoding, U+FFFD.
  ['lone high surrogate', '\ud800x', 2, 2],
  ['lone low surrogate', 'x\udc00', 2, 2],
  ['reversed surrogate pair', '\udc00\ud800', 1, 1],
  ['<|endoftext|> in user text', '<|endoftext|>', 7, 7],
  [
    '<|fim_prefix|> and friends in user text',
    'please complete <|fim_prefix|>def f(): <|fim_suffix|> <|fim_middle|>',
    23,
    23,
  ],
  ['<|endofprompt|> in user text', 'a<|endofprompt|>b', 9, 9],
  ['1,000 spaces', ' '.repeat(1000), 9, 9],
  ['mixed whitespace runs', 'a \t\t \n\n\n   \r\n b' + '\n'.repeat(200) + '\t'.repeat(100), 24, 19],
  [
    'code',
    'function add(a: number, b: number): number {\n  return a + b; // sum\n}\n\nconsole.log(add(1, 2));\n',
    31,
    31,
  ],
  [
    'json',
    '{"role":"user","content":[{"type":"text","text":"hi"}],"n":12345678901234567890}',
    27,
    26,
  ],
  ['digits', '3.14159265358979323846 1,000,000 2024-06-01T12:34:56Z', 29, 29],
  ['20,000 characters', long20k, 7551, 8367],
];

/**
 * Where tiktoken (Rust, OpenAI's own tokenizer code) and js-tiktoken (JavaScript regular
 * expressions) split text differently, and so counted differently; the counts here are
 * tiktoken's, the ones OpenAI's tokenizer gives:
 * - U+0085 (NEL) is whitespace to Rust's `\s` (Unicode White_Space) and not to JavaScript's;
 * - U+FEFF (BOM) is whitespace to JavaScript's `\s` and not to Rust's;
 * - letters newer than the Rust regex tables (CJK Extension J, Unicode 17) were letters to
 *   Node's ICU, so js-tiktoken's count also depended on the Node version.
 * [what, text, o200k_base, cl100k_base, js-tiktoken's count (both encodings)]
 */
const DIVERGENT: [string, string, number, number, number][] = [
  ['NEL between words', 'x \u0085, y', 6, 6, 5],
  ['BOM after a space', ' \ufeffb', 2, 2, 3],
  ['CJK Extension J letter', "e\u{3276D}'s", 7, 7, 6],
];

const ENCODINGS: TokenizerEncoding[] = ['o200k_base', 'cl100k_base'];

describe('countTextTokens', () => {
  it.each(COUNTS)('%s: as before, in o200k_base and cl100k_base', (_, text, o200k, cl100k) => {
    expect(countTextTokens(text, 'o200k_base')).toBe(o200k);
    expect(countTextTokens(text, 'cl100k_base')).toBe(cl100k);
  });

  it.each(DIVERGENT)('%s: as OpenAI counts it', (_, text, o200k, cl100k) => {
    expect(countTextTokens(text, 'o200k_base')).toBe(o200k);
    expect(countTextTokens(text, 'cl100k_base')).toBe(cl100k);
  });

  it.each(ENCODINGS)('%s: a lone surrogate half counts as U+FFFD', (encoding) => {
    expect(countTextTokens('\ud800x', encoding)).toBe(countTextTokens('\ufffdx', encoding));
    expect(countTextTokens('ab\udfffcd', encoding)).toBe(countTextTokens('ab\ufffdcd', encoding));
  });

  it.each(ENCODINGS)('%s: special-token strings are plain text, never a special token', (e) => {
    const encoder = encoderFor(e);
    for (const text of ['<|endoftext|>', '<|fim_prefix|>', '<|endofprompt|>']) {
      const tokens = encoder.encode(text);
      expect(tokens.length).toBeGreaterThan(1);
      expect(encoder.decode(tokens)).toBe(text);
      expect(encoder.count(text)).toBe(tokens.length);
    }
  });
});

describe('encoderFor', () => {
  it.each(ENCODINGS)('%s: one encoder for the process', (encoding) => {
    expect(encoderFor(encoding)).toBe(encoderFor(encoding));
  });

  it('gives an unknown encoding name the default encoding, sharing its encoder', () => {
    expect(encoderFor('p50k_base' as TokenizerEncoding)).toBe(encoderFor(DEFAULT_TOKENIZER));
  });

  it('encodes to token ids and decodes them back', () => {
    const encoder = encoderFor('o200k_base');
    const text = 'velvet rope, 東京 🙂';
    const tokens = encoder.encode(text);
    expect(Array.isArray(tokens)).toBe(true);
    expect(encoder.decode(tokens)).toBe(text);
    expect(tokens.map((t) => encoder.decode([t])).join('')).toContain('velvet rope');
    // a token that is part of a character decodes as U+FFFD
    expect(
      encoderFor('cl100k_base').decode(encoderFor('cl100k_base').encode('🙂').slice(0, 1)),
    ).toBe('\ufffd');
  });
});

describe('Encoder.count on hostile text', () => {
  // tiktoken's merge is quadratic in a piece's length: 100,000 × "a" took 17 s counted whole.
  // These would each run for minutes without countable-parts; they are checked for their counts.
  it.each(ENCODINGS)('%s: counts a 1 MB run of one letter as its 256-character parts', (e) => {
    const encoder = encoderFor(e);
    const text = 'a'.repeat(1_000_000);
    const part = encoder.count('a'.repeat(256));
    expect(encoder.count(text)).toBe(
      Math.floor(1_000_000 / 256) * part + encoder.count('a'.repeat(1_000_000 % 256)),
    );
  });

  it.each(ENCODINGS)('%s: stops once past a limit', (e) => {
    const encoder = encoderFor(e);
    const text = paragraph.repeat(40_000); // 4 MB
    const counted = encoder.count(text, 1000);
    expect(counted).toBeGreaterThan(1000);
    expect(counted).toBeLessThan(1000 + 16_384); // at most one segment further
    expect(encoder.count(long20k, 1_000_000)).toBe(encoder.count(long20k));
  });
});
