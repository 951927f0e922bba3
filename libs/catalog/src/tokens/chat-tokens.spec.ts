import fc from 'fast-check';
import { countChatPromptTokens, toolDefinitionTokens } from './chat-tokens';
import { countTextTokens, encoderFor } from './encodings';

describe('token counts', () => {
  it('counts text with the named encoding (o200k_base and cl100k_base differ)', () => {
    expect(countTextTokens('', 'o200k_base')).toBe(0);
    expect(encoderFor('o200k_base').decode(encoderFor('o200k_base').encode('velvet rope'))).toBe(
      'velvet rope',
    );
    const text = 'Привет, как дела? 東京は今日晴れです。';
    expect(countTextTokens(text, 'o200k_base')).not.toBe(countTextTokens(text, 'cl100k_base'));
  });

  it('counts special-token strings in user text as plain text', () => {
    expect(countTextTokens('<|endoftext|>', 'cl100k_base')).toBeGreaterThan(1);
  });

  it('frames each message with 3 tokens, a name with 1, and primes the reply with 3', () => {
    const one = countChatPromptTokens([{ role: 'user', content: 'hi' }], null, 'o200k_base');
    expect(one).toBe(3 + 1 + 1 + 3);
    const named = countChatPromptTokens(
      [{ role: 'user', content: 'hi', name: 'bob' }],
      null,
      'o200k_base',
    );
    expect(named).toBe(one + 1 + countTextTokens('bob', 'o200k_base'));
    const parts = countChatPromptTokens(
      [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      null,
      'o200k_base',
    );
    expect(parts).toBe(one);
  });

  it('adds tool definitions as the OpenAI cookbook does', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', description: 'City' } },
          },
        },
      },
    ];
    const expected =
      7 +
      countTextTokens('get_weather:Weather', 'o200k_base') +
      3 +
      3 +
      countTextTokens('city:string:City', 'o200k_base') +
      12;
    expect(toolDefinitionTokens(tools, 'o200k_base')).toBe(expected);
    expect(countChatPromptTokens([{ role: 'user', content: 'hi' }], tools, 'o200k_base')).toBe(
      8 + expected,
    );
  });

  it('gives the same count from the cache as from the encoder, for any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 64, maxLength: 300 }), (text) => {
        const fresh = countTextTokens(text, 'o200k_base');
        const messages = [{ role: 'user', content: text }];
        const first = countChatPromptTokens(messages, null, 'o200k_base');
        expect(countChatPromptTokens(messages, null, 'o200k_base')).toBe(first);
        expect(first).toBe(3 + 1 + fresh + 3);
      }),
      { numRuns: 50 },
    );
  });

  it("stops past a limit, and a count it stopped is not cached as the text's", () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20_000);
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: text },
      { role: 'user', content: [{ type: 'text', text }] },
    ];
    const limited = countChatPromptTokens(messages, null, 'o200k_base', 5_000);
    const once = countTextTokens(text, 'o200k_base');
    expect(limited).toBeGreaterThan(5_000);
    expect(limited).toBeLessThan(once);
    const full = countChatPromptTokens(messages, null, 'o200k_base');
    expect(full).toBe(3 + 3 * (3 + 1) + countTextTokens('be brief', 'o200k_base') + 2 * once); // 1-token roles
    expect(countChatPromptTokens(messages, null, 'o200k_base', full)).toBe(full);
  });
});
