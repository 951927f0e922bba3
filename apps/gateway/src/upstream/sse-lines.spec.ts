import fc from 'fast-check';
import { sseData, sseLines } from './sse-lines';

async function* chunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}
const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('sseLines', () => {
  it('gives the same lines however the bytes are cut, characters split between reads included', async () => {
    const line = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .map((s) => s.replace(/[\r\n]/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        async (lines, crlf, sizes) => {
          const text = lines.map((l) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
          expect(await collect(sseLines(chunks(utf8(text), sizes)))).toEqual(lines);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives a last line without its newline, and a 4 MB line read in 16 KB chunks whole', async () => {
    expect(await collect(sseLines(chunks(utf8('a\nb'), [1])))).toEqual(['a', 'b']);
    const long = `data: ${'東'.repeat(1_400_000)}`;
    const [got] = await collect(sseLines(chunks(utf8(`${long}\n\n`), [16_384])));
    expect(got).toBe(long);
  });
});

describe('sseData', () => {
  it("joins an event's data lines, separates events at blank lines and skips events without data", async () => {
    const stream = 'event: a\ndata: {"x":\ndata:1}\n\n: comment\n\ndata: [DONE]\r\n\r\ndata: tail';
    expect(await collect(sseData(chunks(utf8(stream), [3])))).toEqual([
      '{"x":\n1}',
      '[DONE]',
      'tail',
    ]);
  });
});
