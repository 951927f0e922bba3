import { OpenAIError } from '../http/openai-error';
import {
  MAX_BODY_DEPTH,
  parseChatRequest,
  promptText,
  promptTokensOf,
} from './chat-request.schema';

const valid = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('parseChatRequest', () => {
  it('accepts a minimal body and keeps unknown parameters for the upstream', () => {
    expect(parseChatRequest({ ...valid, logit_bias: { '1': 2 } })).toMatchObject({
      model: 'm',
      logit_bias: { '1': 2 },
    });
  });

  it('refuses a body nested deeper than MAX_BODY_DEPTH, naming the parameter, and accepts one just within it', () => {
    const nest = (levels: number) =>
      JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown;
    expect(parseChatRequest({ ...valid, metadata: nest(MAX_BODY_DEPTH - 1) })).toMatchObject({
      model: 'm',
    });
    const error = (() => {
      try {
        parseChatRequest({ ...valid, metadata: nest(MAX_BODY_DEPTH) });
      } catch (e) {
        return e as OpenAIError;
      }
    })();
    expect(error).toMatchObject({ status: 400, param: 'metadata' });
    expect(() => parseChatRequest({ ...valid, metadata: nest(1_000_000) })).toThrow(OpenAIError);
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

describe('prompt text and prompt tokens', () => {
  it('joins role-tagged message texts, including content parts', () => {
    const req = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(promptText(req)).toBe('system: be brief\nuser: ab\n');
  });

  it('audits everything else the model reads: tool calls, refusals, tool definitions, schemas, images by hash', () => {
    const req = parseChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          refusal: 'no',
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"q":"hidden prompt"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
        { role: 'user', content: [{ type: 'video_url', video_url: { url: 'x' } }] },
      ],
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Write an essay on tides' } },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 's', schema: { description: 'more text' } },
      },
    });
    const text = promptText(req);
    expect(text).toContain('user: look[image_url sha256:');
    expect(text).not.toContain('AAAA');
    expect(text).toContain('assistant: no\nassistant calls lookup: {"q":"hidden prompt"}\n');
    expect(text).toContain('tool: result\n');
    expect(text).toContain('"video_url"');
    expect(text).toContain('Write an essay on tides');
    expect(text).toContain('more text');
    // a different image is a different record
    const other = parseChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,BBBB' } },
          ],
        },
      ],
    });
    expect(promptText(other).slice(0, 60)).not.toBe(text.slice(0, 60));
  });

  it('counts prompt tokens the way OpenAI does for chat messages', () => {
    // OpenAI reports 19 prompt tokens for this request on gpt-4o / gpt-3.5 (the API reference's example).
    const req = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello!' },
      ],
    });
    expect(promptTokensOf(req, { tokenizer: 'o200k_base' })).toBe(19);
    expect(promptTokensOf(req, { tokenizer: 'cl100k_base' })).toBe(19);
  });
});
