/**
 * The lines of an upstream's event stream (LF or CRLF), as they complete. Bytes are decoded as
 * UTF-8 across chunk boundaries: a character split between two TCP reads is one character, not
 * two U+FFFD. Linear in the stream's size: a line arriving in many chunks is joined once, where
 * appending each chunk to a buffer and searching it from the start again is quadratic in the
 * line (an event echoing a 4 MB request took seconds). eventsource-parser and node:readline both
 * rescan their buffer per chunk, so neither is used here.
 */
export async function* sseLines(
  source: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  for await (const piece of source) {
    const text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      pending.push(text.slice(start, nl));
      yield withoutCr(pending.length === 1 ? pending[0] : pending.join(''));
      pending = [];
      start = nl + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  const rest = pending.join('') + decoder.decode();
  if (rest) yield withoutCr(rest);
}

const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * The `data` of each event (its `data:` lines joined by newlines, as the SSE specification says),
 * events being separated by a blank line; events without data are skipped.
 */
export async function* sseData(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  let data: string[] = [];
  for await (const line of sseLines(source)) {
    if (line === '') {
      if (data.length) yield data.join('\n');
      data = [];
    } else if (line.startsWith('data:')) {
      data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }
  if (data.length) yield data.join('\n');
}
