import { OpenAIError } from '../http/openai-error';
import { chatParameters, inputToMessages, parseResponsesRequest } from './responses-request';
import { itemsAsMessages, outputItems, responseIdOfItem } from './response-shape';
import { messagesAsItems } from './responses-passthrough.upstream';

const none = async () => null;

describe('Responses request translation', () => {
  it('turns input items into chat messages: text, images, function calls grouped per turn, their outputs', async () => {
    const messages = await inputToMessages(
      [
        { role: 'developer', content: 'be terse' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'look ' },
            { type: 'input_image', image_url: 'https://x/y.png' },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'a', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'b', arguments: '{"x":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'done' },
        { type: 'reasoning', id: 'rs_1' },
      ],
      none,
    );
    expect(messages).toEqual([
      { role: 'developer', content: 'be terse' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look ' },
          { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'auto' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ]);
  });

  it('resolves item_reference through the lookup and refuses an unknown one with a 404', async () => {
    const item = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'hi' }],
    };
    expect(
      await inputToMessages([{ type: 'item_reference', id: 'msg_1' }], async () => item),
    ).toEqual([{ role: 'assistant', content: 'hi' }]);
    const error = await inputToMessages([{ type: 'item_reference', id: 'msg_x' }], none).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAIError);
    expect((error as OpenAIError).status).toBe(404);
  });

  it('maps tools, tool_choice, text.format and max_output_tokens to chat parameters', () => {
    const req = parseResponsesRequest({
      model: 'm',
      input: 'x',
      max_output_tokens: 9,
      temperature: 0.5,
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'f' },
      text: {
        format: { type: 'json_schema', name: 'p', schema: { type: 'object' }, strict: true },
      },
    });
    expect(chatParameters(req)).toEqual({
      max_completion_tokens: 9,
      temperature: 0.5,
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'p', schema: { type: 'object' }, strict: true },
      },
    });
    expect(() =>
      chatParameters(
        parseResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'web_search' }] }),
      ),
    ).toThrow(OpenAIError);
    expect(() => parseResponsesRequest({ model: 'm' })).toThrow(/input/);
  });

  it('round-trips output items, their ids and the conversation', () => {
    const hex = 'a'.repeat(32);
    const output = outputItems(hex, {
      content: 'hello',
      tool_calls: [{ id: 'call_1', function: { name: 'f', arguments: '{}' } }],
    });
    expect(output.map((i) => i.id)).toEqual([`msg_${hex}`, `fc_${hex}_0`]);
    expect(output.map((i) => responseIdOfItem(String(i.id)))).toEqual([hex, hex]);
    const history = itemsAsMessages(output);
    expect(history).toEqual([
      {
        role: 'assistant',
        content: 'hello',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]);
    expect(
      messagesAsItems([
        { role: 'user', content: 'q' },
        ...(history as never[]),
        { role: 'tool', tool_call_id: 'call_1', content: 'r' },
      ]),
    ).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'hello' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'r' },
    ]);
  });
});
