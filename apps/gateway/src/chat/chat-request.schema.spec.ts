import { OpenAIError } from '../http/openai-error';
import { estimateTokens, parseChatRequest, promptText } from './chat-request.schema';

const valid = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('parseChatRequest', () => {
  it('accepts a minimal body and keeps unknown parameters for the upstream', () => {
    expect(parseChatRequest({ ...valid, logit_bias: { '1': 2 } })).toMatchObject({ model: 'm', logit_bias: { '1': 2 } });
  });

  it.each([
    [null, null],
    [[], null],
    [{ messages: valid.messages }, 'model'],
    [{ ...valid, messages: [] }, 'messages'],
    [{ ...valid, temperature: 'hot' }, 'temperature'],
    [{ ...valid, n: 1.5 }, 'n'],
    [{ ...valid, stream: 'yes' }, 'stream'],
    [{ ...valid, messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
  ])('rejects %j with a 400 naming %s', (body, param) => {
    try {
      parseChatRequest(body);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(OpenAIError);
      expect((error as OpenAIError).status).toBe(400);
      expect((error as OpenAIError).param).toBe(param);
    }
  });
});

describe('prompt text and token estimate', () => {
  it('joins role-tagged message texts, including content parts', () => {
    const req = parseChatRequest({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] });
    expect(promptText(req)).toBe('system: be brief\nuser: ab\n');
    expect(estimateTokens('x'.repeat(8), 2)).toBe(2 + 6);
  });
});
