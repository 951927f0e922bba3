import Ajv from 'ajv';
import { countTextTokens, type Model } from '@velvet/catalog';
import type { ChatRequest } from '../chat/chat-request.schema';
import { SimulatorUpstream } from './simulator.upstream';
import {
  Cancellation,
  type StreamEvent,
  UpstreamError,
  type UpstreamRequest,
} from './upstream.types';

const call = (
  prompt: string,
  maxTokens = 4096,
  extra: Partial<ChatRequest> = {},
): UpstreamRequest => ({
  model: { slug: 'sim', tokenizer: 'o200k_base' } as Model,
  req: { model: 'sim', messages: [{ role: 'user', content: prompt }], ...extra } as ChatRequest,
  completionId: 'chatcmpl-x',
  promptText: `user: ${prompt}\n`,
  promptTokens: 7,
  maxTokens,
  cancellation: new Cancellation(),
});

async function collect(events: AsyncIterable<StreamEvent>) {
  let text = '';
  let usage;
  const chunks: Record<string, unknown>[] = [];
  for await (const e of events) {
    if (e.kind === 'usage') usage = e.usage;
    else {
      text += e.text;
      chunks.push(e.chunk);
    }
  }
  return { text, usage, chunks };
}

type Choice = {
  message: {
    content: string | null;
    tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  };
  finish_reason: string;
  logprobs: { content: { token: string; top_logprobs: unknown[] }[] } | null;
};
const choicesOf = (body: Record<string, unknown>) => body.choices as Choice[];
const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        unit: { type: 'string', enum: ['c', 'f'] },
      },
      required: ['city', 'days', 'unit'],
      additionalProperties: false,
    },
  },
};

describe('SimulatorUpstream', () => {
  const sim = new SimulatorUpstream();

  it('answers the same prompt the same way, and different prompts differently', async () => {
    const a = await sim.complete(call('hello'));
    expect((await sim.complete(call('hello'))).text).toBe(a.text);
    expect((await sim.complete(call('something else entirely'))).text).not.toBe(a.text);
    expect(a.outputTokens).toBe(countTextTokens(a.text, 'o200k_base'));
    expect(a.inputTokens).toBe(7);
  });

  it('streams exactly the text and token count of the plain answer', async () => {
    const plain = await sim.complete(call('stream me'));
    const streamed = await collect(sim.stream(call('stream me')));
    expect(streamed.text).toBe(plain.text);
    expect(streamed.usage).toEqual({ inputTokens: 7, outputTokens: plain.outputTokens });
  });

  it('stops at max tokens (in the model tokenizer) with finish_reason length', async () => {
    const cut = await sim.complete(call('hello', 3));
    expect(cut.outputTokens).toBeLessThanOrEqual(3);
    expect(countTextTokens(cut.text, 'o200k_base')).toBe(cut.outputTokens);
    expect(cut.finishReason).toBe('length');
  });

  it('produces n different choices and counts all their tokens; a seed is deterministic', async () => {
    const two = await sim.complete(call('hello', 4096, { n: 2, seed: 42 }));
    const [a, b] = choicesOf(two.body);
    expect(a.message.content).not.toBe(b.message.content);
    expect(two.outputTokens).toBe(
      countTextTokens(a.message.content!, 'o200k_base') +
        countTextTokens(b.message.content!, 'o200k_base'),
    );
    expect((await sim.complete(call('hello', 4096, { n: 2, seed: 42 }))).body.choices).toEqual(
      two.body.choices,
    );
    expect(
      choicesOf((await sim.complete(call('hello', 4096, { seed: 43 }))).body)[0].message.content,
    ).not.toBe(a.message.content);
  });

  it('cuts before a stop sequence', async () => {
    const full = (await sim.complete(call('hello'))).text;
    const word = full.split(' ')[3];
    const stopped = await sim.complete(call('hello', 4096, { stop: [` ${word}`] }));
    expect(stopped.text).toBe(full.slice(0, full.indexOf(` ${word}`)));
    expect(stopped.finishReason).toBe('stop');
  });

  it('calls a tool when required, with arguments matching its parameters, plain and streamed', async () => {
    const res = await sim.complete(
      call('weather in Paris?', 4096, { tools: [weather], tool_choice: 'required' }),
    );
    const [choice] = choicesOf(res.body);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const tc = choice.message.tool_calls![0];
    expect(tc).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(tc.id).toMatch(/^call_/);
    const validate = new Ajv().compile(weather.function.parameters);
    expect(validate(JSON.parse(tc.function.arguments))).toBe(true);
    const streamed = await collect(
      sim.stream(call('weather in Paris?', 4096, { tools: [weather], tool_choice: 'required' })),
    );
    let args = '';
    for (const c of streamed.chunks)
      for (const ch of c.choices as {
        delta: { tool_calls?: { function: { arguments?: string } }[] };
      }[])
        args += ch.delta.tool_calls?.[0].function.arguments ?? '';
    expect(args).toBe(tc.function.arguments);
    expect(streamed.usage!.outputTokens).toBe(res.outputTokens);
  });

  it('answers a tool result with text under tool_choice auto', async () => {
    const req = {
      tools: [weather],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', content: '{"t":20}', tool_call_id: 'call_1' },
      ],
    } as Partial<ChatRequest>;
    const res = await sim.complete(call('weather?', 4096, req));
    expect(choicesOf(res.body)[0]).toMatchObject({ finish_reason: 'stop' });
    expect(choicesOf(res.body)[0].message.content).toBeTruthy();
  });

  it('produces JSON matching a json_schema, and a JSON object in JSON mode', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        score: { type: 'number', minimum: 0, maximum: 1 },
        kind: { anyOf: [{ $ref: '#/$defs/kind' }, { type: 'null' }] },
      },
      required: ['name', 'tags', 'score', 'kind'],
      additionalProperties: false,
      $defs: { kind: { type: 'string', enum: ['a', 'b'] } },
    };
    const res = await sim.complete(
      call('describe', 4096, {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'thing', schema, strict: true },
        },
      }),
    );
    expect(new Ajv().compile(schema)(JSON.parse(res.text))).toBe(true);
    const jsonMode = await sim.complete(
      call('answer in JSON', 4096, { response_format: { type: 'json_object' } }),
    );
    expect(typeof JSON.parse(jsonMode.text)).toBe('object');
  });

  it('returns logprobs with top_logprobs for every token', async () => {
    const res = await sim.complete(call('hello', 4096, { logprobs: true, top_logprobs: 3 }));
    const lp = choicesOf(res.body)[0].logprobs!.content;
    expect(lp.map((e) => e.token).join('')).toBe(res.text);
    expect(lp.length).toBe(res.outputTokens);
    expect(lp.every((e) => e.top_logprobs.length === 3)).toBe(true);
  });

  it.each([
    [
      {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'string', pattern: '^a+$' } },
        },
      },
      /pattern/,
    ],
    [{ response_format: { type: 'json_object' } }, /json/],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, /tools\[0\]/],
    [{ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }, /nope/],
    [{ tool_choice: 'required' }, /no `tools`/],
    [{ modalities: ['text', 'audio'] }, /audio/],
    [{ logit_bias: { '50256': -100 } }, /logit_bias/],
    [{ top_logprobs: 2 }, /logprobs/],
  ])('refuses %j with a 400', async (extra, message) => {
    for (const run of [
      () => sim.complete(call('hello', 4096, extra as Partial<ChatRequest>)),
      () => collect(sim.stream(call('hello', 4096, extra as Partial<ChatRequest>))),
    ]) {
      const error = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).status).toBe(400);
      expect((error as UpstreamError).message).toMatch(message);
    }
  });
});
