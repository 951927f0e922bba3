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
 * so finding them stays linear where a run falls just short; `X{512}X*` rather than `X{512,}`,
 * which V8 runs ~15 times slower on a long run.
 */
const LONG_RUNS = new RegExp(
  [
    `(?<![\\p{L}\\p{M}])[\\p{L}\\p{M}]{${LONG_RUN}}[\\p{L}\\p{M}]*`,
    `(?<!\\s)\\s{${LONG_RUN}}\\s*`,
    `(?<![^\\s\\p{L}\\p{N}])[^\\s\\p{L}\\p{N}]{${LONG_RUN}}[^\\s\\p{L}\\p{N}]*`,
  ].join('|'),
  'gu',
);

/**
 * How far past a segment's length a cut is looked for. Text with no PIECE_END in as many
 * characters is not natural text (a run, or symbols and spaces only): it is cut there, within a
 * token of exact, so that finding cuts never scans much more of a text than is counted.
 */
const SEARCH = 4096;

/**
 * The parts to count `text` by, in order: their counts add up to the text's, exactly unless it has
 * long runs. They are made as they are counted, so a count that stops early scans no further.
 */
export function* countableParts(text: string, segment = SEGMENT): Generator<string> {
  let start = 0;
  while (text.length - start > segment) {
    const from = start + segment;
    const window = text.slice(from, notInPair(text, from + SEARCH));
    PIECE_END.lastIndex = 0;
    const end = PIECE_END.exec(window);
    const cut = end ? from + end.index + end[0].length : from + window.length;
    yield* withoutLongRuns(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) yield* withoutLongRuns(text.slice(start));
}

/** A segment with each long run in parts of RUN_PART characters. */
function* withoutLongRuns(segment: string): Generator<string> {
  if (segment.length < LONG_RUN) {
    yield segment;
    return;
  }
  let start = 0;
  for (;;) {
    // exec on the one regular expression rather than matchAll, which clones it on every call
    LONG_RUNS.lastIndex = start;
    const run = LONG_RUNS.exec(segment);
    if (!run) break;
    if (run.index > start) yield segment.slice(start, run.index);
    const end = run.index + run[0].length;
    for (let at = run.index; at < end;) {
      const next = Math.min(notInPair(segment, at + RUN_PART), end);
      yield segment.slice(at, next);
      at = next;
    }
    start = end;
  }
  if (start < segment.length) yield segment.slice(start);
}

/** `at` (clamped to the text), or the index before it where a cut at `at` would split a surrogate pair. */
function notInPair(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const high = text.charCodeAt(at - 1);
  const low = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? at - 1 : at;
}
