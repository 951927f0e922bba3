import { OpenAIError } from '../http/openai-error';
import {
  chatParameters,
  inputToMessages,
  type ItemLookup,
  MAX_ITEM_REFERENCES,
  MAX_RESOLVED_REFERENCE_BYTES,
  parseResponsesRequest,
} from './responses-request';
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

describe('item_reference resolution', () => {
  const hexA = 'a'.repeat(32);
  const hexB = 'b'.repeat(32);
  const items: Record<string, Record<string, unknown>> = {
    [`msg_${hexA}`]: {
      id: `msg_${hexA}`,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'earlier answer' }],
    },
    [`fc_${hexA}_0`]: {
      id: `fc_${hexA}_0`,
      type: 'function_call',
      call_id: 'c1',
      name: 'f',
      arguments: '{}',
    },
    [`msg_${hexB}`]: {
      id: `msg_${hexB}`,
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'a question' }],
    },
  };
  /** A lookup recording each call, and how many were in flight together. */
  const counting = () => {
    const calls: string[] = [];
    let inFlight = 0;
    const together: number[] = [];
    const lookup: ItemLookup = async (id) => {
      calls.push(id);
      together.push(++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return items[id] ?? null;
    };
    return { calls, together, lookup };
  };
  const ref = (id: string) => ({ type: 'item_reference', id });

  it('looks each referenced id up once however often it is referenced, the ids of one response together', async () => {
    const { calls, together, lookup } = counting();
    const input = [
      ...Array.from({ length: 40 }, () => ref(`msg_${hexA}`)),
      ref(`msg_${hexB}`),
      ref(`fc_${hexA}_0`),
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ref(`msg_${hexA}`),
    ];
    const messages = await inputToMessages(input, lookup);
    expect(calls.sort()).toEqual([`fc_${hexA}_0`, `msg_${hexA}`, `msg_${hexB}`]);
    // the two items of response A were asked for at once (the store reads the response once for both)
    expect(Math.max(...together)).toBe(2);
    expect(messages).toHaveLength(44);
    expect(messages[0]).toEqual({ role: 'assistant', content: 'earlier answer' });
    expect(messages[40]).toEqual({ role: 'user', content: 'a question' });
    expect(messages[41]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'c1' }] });
    expect(messages[42]).toEqual({ role: 'tool', tool_call_id: 'c1', content: 'ok' });
    expect(messages[43]).toEqual(messages[0]);
  });

  it('refuses more than MAX_ITEM_REFERENCES references with a 400 on input, before any lookup', async () => {
    const { calls, lookup } = counting();
    const over = Array.from({ length: MAX_ITEM_REFERENCES + 1 }, () => ref(`msg_${hexA}`));
    const error = await inputToMessages(over, lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIError);
    expect(error).toMatchObject({ status: 400, param: 'input', code: 'invalid_value' });
    expect(calls).toEqual([]);
    expect(await inputToMessages(over.slice(1), lookup)).toHaveLength(MAX_ITEM_REFERENCES);
  });

  it('refuses references whose text adds more than the bound, counting every reference', async () => {
    const big = 'x'.repeat(300_000);
    const lookup: ItemLookup = async (id) => ({
      id,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: big }],
    });
    const times = (n: number) => Array.from({ length: n }, () => ref(`msg_${hexA}`));
    const fits = Math.floor(MAX_RESOLVED_REFERENCE_BYTES / 300_100);
    expect(await inputToMessages(times(fits), lookup)).toHaveLength(fits);
    const error = await inputToMessages(times(fits + 1), lookup).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'input', code: 'invalid_value' });
    const small = await inputToMessages(times(3), lookup, { maxResolvedBytes: 600_000 }).catch(
      (e: unknown) => e,
    );
    expect(small).toMatchObject({ status: 400, param: 'input' });
  });

  it('still refuses in input order: a bad item before a missing reference is the error', async () => {
    const { lookup } = counting();
    const error = await inputToMessages(
      [{ role: 'wizard', content: 'x' }, ref('msg_nope')],
      lookup,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'input.0.role' });
    const missing = await inputToMessages(
      [ref(`msg_${hexA}`), { type: 'item_reference' }],
      lookup,
    ).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, param: 'input.1.id' });
  });
});
