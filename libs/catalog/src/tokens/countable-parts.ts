/**
 * Splits a long text into parts a byte-pair tokenizer can count one by one in linear time.
 *
 * tiktoken first splits text into pieces with its pattern (a word with its leading space, up to
 * three digits, a run of punctuation, a run of whitespace), then merges each piece's bytes pair by
 * pair, which is quadratic in the piece's length: 100,000 × "a" took 17 s, against 63 ms for as many
 * characters of English. Such a piece is one run of a single class (letters, whitespace or other
 * symbols); natural text has none longer than a few dozen characters, a hostile prompt has them as
 * long as the request body allows. So:
 * - a run of LONG_RUN or more characters of one class is counted in parts of RUN_PART characters,
 *   an approximation (a token or so per part) that only such runs get;
 * - a long text is counted in segments of about SEGMENT characters, cut where a piece always ends
 *   (see PIECE_END), which is exact, so a caller can stop counting once past a limit.
 */
export const LONG_RUN = 512;
export const RUN_PART = 256;
export const SEGMENT = 16_384;

/**
 * Where every piece of o200k_base and cl100k_base ends, whatever follows: after a letter or digit
 * followed by neither a letter or digit of its own class, nor a combining mark, nor an apostrophe.
 * No alternative of either pattern continues a letter with anything but letters, marks and an
 * apostrophe's contraction, nor digits with anything but digits; the next piece starts at the cut
 * and neither pattern looks behind. The only look-ahead, `\s+(?!\S)`, ends in whitespace, never
 * at the letter or digit before a cut, so cutting the text there changes no piece.
 */
const PIECE_END = /\p{L}(?=[^\p{L}\p{M}'])|\p{N}(?=[^\p{N}\p{M}'])/gu;

/**
 * Runs of one class of at least LONG_RUN characters: letters and marks, whitespace, or neither
 * letters, digits nor whitespace. The look-behinds try each run only from its first character,
 * so finding them stays linear where a run falls just short.
 */
const LONG_RUNS = new RegExp(
  [
    `(?<![\\p{L}\\p{M}])[\\p{L}\\p{M}]{${LONG_RUN},}`,
    `(?<!\\s)\\s{${LONG_RUN},}`,
    `(?<![^\\s\\p{L}\\p{N}])[^\\s\\p{L}\\p{N}]{${LONG_RUN},}`,
  ].join('|'),
  'gu',
);

/** The parts to count `text` by: their counts add up to the text's, exactly unless it has long runs. */
export function* countableParts(text: string, segment = SEGMENT): Generator<string> {
  let start = 0;
  while (text.length - start > segment) {
    PIECE_END.lastIndex = start + segment;
    const end = PIECE_END.exec(text);
    if (!end) break;
    const cut = end.index + end[0].length;
    yield* withoutLongRuns(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) yield* withoutLongRuns(text.slice(start));
}

/** A segment with each long run in parts of RUN_PART characters (a surrogate pair is never split). */
function* withoutLongRuns(segment: string): Generator<string> {
  if (segment.length < LONG_RUN) {
    yield segment;
    return;
  }
  let start = 0;
  for (const run of segment.matchAll(LONG_RUNS)) {
    if (run.index > start) yield segment.slice(start, run.index);
    const end = run.index + run[0].length;
    for (let at = run.index; at < end;) {
      let next = Math.min(at + RUN_PART, end);
      if (next < end && isHighSurrogate(segment.charCodeAt(next - 1))) next -= 1;
      yield segment.slice(at, next);
      at = next;
    }
    start = end;
  }
  if (start < segment.length) yield segment.slice(start);
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
