import { countTextTokens, type TokenizerEncoding } from '@velvet/catalog';
import { MAX_REQUEST_TOKENS } from '../embeddings/embeddings';
import { OpenAIError } from '../http/openai-error';
import { moderationTokens } from './moderations';

jest.mock('@velvet/catalog', () => {
  const actual = jest.requireActual<typeof import('@velvet/catalog')>('@velvet/catalog');
  return { ...actual, countTextTokens: jest.fn(actual.countTextTokens) };
});

const tokenizer: TokenizerEncoding = 'o200k_base';
const model = (contextWindow: number) => ({
  tokenizer,
  contextWindow,
  slug: 'omni-moderation-latest',
});
const refusal = (texts: string[], contextWindow: number) => {
  try {
    moderationTokens(texts, model(contextWindow));
    return null;
  } catch (error) {
    return error;
  }
};

describe('moderationTokens', () => {
  it("sums the texts' tokens, a text as long as the window included", () => {
    const texts = ['I will kill the process', 'a lovely day', ''];
    const counts = texts.map((t) => countTextTokens(t, tokenizer));
    expect(moderationTokens(texts, model(Math.max(...counts)))).toBe(counts[0] + counts[1]);
  });

  it('refuses a text past the window as embeddings do, counting it only up to the window', () => {
    const long = 'the velvet rope '.repeat(250_000);
    const error = refusal(['fine', long], 1000) as OpenAIError;
    expect(error).toBeInstanceOf(OpenAIError);
    expect([error.status, error.code, error.param]).toEqual([
      400,
      'context_length_exceeded',
      'input',
    ]);
    expect(error.message).toMatch(
      /^Input 1 exceeds omni-moderation-latest's context window of 1000/,
    );
    expect(countTextTokens).toHaveBeenCalledWith(long, tokenizer, 1000);
    const short = 'I will kill the process';
    expect(refusal([short], countTextTokens(short, tokenizer) - 1)).toBeInstanceOf(OpenAIError);
  });

  it('refuses texts totalling more than MAX_REQUEST_TOKENS, counting no further than that', () => {
    const text = 'the velvet rope '.repeat(5_000);
    const each = countTextTokens(text, tokenizer);
    const fit = Math.floor(MAX_REQUEST_TOKENS / each);
    expect(moderationTokens(Array(fit).fill(text), model(128_000))).toBe(fit * each);
    (countTextTokens as jest.Mock).mockClear();
    const error = refusal(Array(fit + 20).fill(text), 128_000) as OpenAIError;
    expect([error.status, error.code, error.param]).toEqual([
      400,
      'max_tokens_per_request',
      'input',
    ]);
    // the texts after the one that crossed the total were not counted
    expect((countTextTokens as jest.Mock).mock.calls).toHaveLength(fit + 1);
  });
});
