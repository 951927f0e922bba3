import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { EntitlementCache } from '@velvet/entitlements';
import { z } from 'zod';
import {
  auditEntries,
  client,
  grantTier,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

/** The Responses API (over the simulator's chat) with the official SDK and the Vercel AI SDK's default openai() provider. */
describe('gateway: POST /v1/responses', () => {
  let gw: RunningGateway;
  let org: SeededOrg;
  const model = 'sim-responses';
  const premium = 'sim-responses-premium';
  const weatherParams = {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } },
    required: ['city', 'days'],
    additionalProperties: false,
  };
  const weatherTool = {
    type: 'function' as const,
    name: 'get_weather',
    description: 'Weather forecast for a city',
    parameters: weatherParams,
    strict: true,
  };

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: model, maxOutputTokens: 512 });
    await seedModel(gw, { slug: premium, tier: 'premium', maxOutputTokens: 512 });
    await refreshCatalog(gw);
    org = await seedOrg(gw, 'Responses');
  });
  afterAll(() => gw?.close());

  describe('official openai SDK', () => {
    it('creates a response, bills its usage once, and retrieves and deletes it', async () => {
      const { data: res, response } = await client(gw, org.key)
        .responses.create({ model, input: 'Tell me about velvet ropes.' })
        .withResponse();
      expect(res.object).toBe('response');
      expect(res.id).toMatch(/^resp_[0-9a-f]{32}$/);
      expect(res.status).toBe('completed');
      expect(res.model).toBe(model);
      expect(res.output_text.length).toBeGreaterThan(0);
      expect(res.output[0]).toMatchObject({
        type: 'message',
        role: 'assistant',
        status: 'completed',
      });
      const callId = response.headers.get('x-velvet-call-id')!;
      // a time-ordered call id (UUID v7: its first 48 bits the call's millisecond time), and the
      // response's id is made from it
      expect(callId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(
        Math.abs(parseInt(callId.replace(/-/g, '').slice(0, 12), 16) - res.created_at * 1000),
      ).toBeLessThan(60_000);
      expect(res.id).toBe(`resp_${callId.replace(/-/g, '')}`);
      const [row] = await waitForUsage(gw, 'request_id = $1', [callId], 1);
      expect(row).toMatchObject({
        status: 'succeeded',
        streamed: false,
        input_tokens: res.usage!.input_tokens,
        output_tokens: res.usage!.output_tokens,
      });

      const got = await client(gw, org.key).responses.retrieve(res.id);
      expect(got.output_text).toBe(res.output_text);
      const other = await seedOrg(gw, 'Other');
      await expect(client(gw, other.key).responses.retrieve(res.id)).rejects.toBeInstanceOf(
        OpenAI.NotFoundError,
      );
      await client(gw, org.key).responses.delete(res.id);
      await expect(client(gw, org.key).responses.retrieve(res.id)).rejects.toBeInstanceOf(
        OpenAI.NotFoundError,
      );
    });

    it('chains previous_response_id within the organisation only, and honours store: false', async () => {
      const first = await client(gw, org.key).responses.create({
        model,
        input: 'My name is Ada.',
        instructions: 'Be brief.',
      });
      const second = await client(gw, org.key).responses.create({
        model,
        input: 'What is my name?',
        previous_response_id: first.id,
      });
      expect(second.previous_response_id).toBe(first.id);
      const items = await client(gw, org.key).responses.inputItems.list(second.id);
      expect(items.data.map((i) => (i as { content: { text: string }[] }).content[0].text)).toEqual(
        ['My name is Ada.', 'What is my name?'],
      );
      // The chained call's prompt holds the whole conversation: more input tokens than the first.
      expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
      const other = await seedOrg(gw, 'Stranger');
      const stranger = await client(gw, other.key)
        .responses.create({ model, input: 'hi', previous_response_id: first.id })
        .catch((e: unknown) => e);
      expect(stranger).toBeInstanceOf(OpenAI.NotFoundError);
      expect((stranger as InstanceType<typeof OpenAI.APIError>).param).toBe('previous_response_id');

      const ephemeral = await client(gw, org.key).responses.create({
        model,
        input: 'forget me',
        store: false,
      });
      expect((ephemeral as unknown as { store: boolean }).store).toBe(false);
      await expect(client(gw, org.key).responses.retrieve(ephemeral.id)).rejects.toBeInstanceOf(
        OpenAI.NotFoundError,
      );
    });

    it('streams typed events that assemble into the same response as a plain call', async () => {
      const input = 'Stream me a sentence.';
      const plain = await client(gw, org.key).responses.create({
        model,
        input,
        seed: 5,
      } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      const stream = client(gw, org.key).responses.stream({ model, input, seed: 5 } as never);
      const types: string[] = [];
      let deltas = '';
      stream.on('event', (e) => types.push(e.type));
      stream.on('response.output_text.delta', (e) => (deltas += e.delta));
      const final = await stream.finalResponse();
      expect(final.output_text).toBe(plain.output_text);
      expect(deltas).toBe(plain.output_text);
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.completed');
      expect(types).toEqual(
        expect.arrayContaining([
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.done',
          'response.output_item.done',
        ]),
      );
      expect(final.usage).toEqual(plain.usage);

      // stream: true on create yields the same events.
      const raw = await client(gw, org.key).responses.create({
        model,
        input,
        seed: 5,
        stream: true,
      } as OpenAI.Responses.ResponseCreateParamsStreaming);
      let text = '';
      for await (const e of raw) if (e.type === 'response.output_text.delta') text += e.delta;
      expect(text).toBe(plain.output_text);
      const rows = await waitForUsage(
        gw,
        'organization_id = $1 AND streamed',
        [org.organizationId],
        2,
      );
      expect(rows.filter((r) => r.output_tokens === plain.usage!.output_tokens)).toHaveLength(2);
    });

    it('returns function calls for tools (plain and streamed) and continues with their output', async () => {
      const res = await client(gw, org.key).responses.create({
        model,
        input: 'Weather in Oslo?',
        tools: [weatherTool],
        tool_choice: 'required',
      });
      const call = res.output.find(
        (i) => i.type === 'function_call',
      ) as OpenAI.Responses.ResponseFunctionToolCall;
      expect(call.name).toBe('get_weather');
      expect(new Ajv().compile(weatherParams)(JSON.parse(call.arguments))).toBe(true);

      const stream = client(gw, org.key).responses.stream({
        model,
        input: 'Weather in Oslo?',
        tools: [weatherTool],
        tool_choice: { type: 'function', name: 'get_weather' },
      });
      const streamed = (await stream.finalResponse()).output.find(
        (i) => i.type === 'function_call',
      ) as OpenAI.Responses.ResponseFunctionToolCall;
      expect(streamed.call_id).toBe(call.call_id);
      expect(streamed.arguments).toBe(call.arguments);

      const next = await client(gw, org.key).responses.create({
        model,
        tools: [weatherTool],
        previous_response_id: res.id,
        input: [
          {
            type: 'function_call_output',
            call_id: call.call_id,
            output: JSON.stringify({ celsius: 12 }),
          },
        ],
      });
      expect(next.output[0].type).toBe('message');
      expect(next.output_text.length).toBeGreaterThan(0);
    });

    it('answers text.format json_schema with JSON the SDK parses', async () => {
      const Person = z.object({
        name: z.string(),
        age: z.number().int().min(0).max(120),
        tags: z.array(z.string()).min(1),
      });
      const res = await client(gw, org.key).responses.parse({
        model,
        input: 'Describe a user',
        text: { format: zodTextFormat(Person, 'person') },
      });
      expect(Person.parse(res.output_parsed)).toEqual(res.output_parsed);
    });

    it('refuses bad input with OpenAI 4xx errors, never a 500', async () => {
      const c = client(gw, org.key);
      const cases: [unknown, number, string | null][] = [
        [{ model }, 400, 'input'],
        [{ model, input: 42 }, 400, 'input'],
        [{ model, input: [] }, 400, 'input'],
        [{ model, input: 'x', tools: [{ type: 'web_search' }] }, 400, 'tools.0.type'],
        [{ model, input: 'x', max_output_tokens: 100_000 }, 400, 'max_output_tokens'],
        [{ model, input: [{ type: 'item_reference', id: 'msg_nope' }] }, 404, 'input.0.id'],
        [{ model, input: [{ role: 'wizard', content: 'x' }] }, 400, 'input.0.role'],
        [{ model: 'no-such-model', input: 'x' }, 404, 'model'],
      ];
      for (const [body, status, param] of cases) {
        const e = (await c.responses
          .create(body as never)
          .catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>;
        expect([JSON.stringify(body), e.status, e.param]).toEqual([
          JSON.stringify(body),
          status,
          param,
        ]);
      }
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
        body: '{"model":',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
        'invalid_request_error',
      );
    });

    it('locks a premium model until the tier is granted, then audits its calls with the prompt and output text', async () => {
      const gated = await seedOrg(gw, 'Gated');
      const locked = await client(gw, gated.key)
        .responses.create({ model: premium, input: 'secret plans' })
        .catch((e: unknown) => e);
      expect(locked).toBeInstanceOf(OpenAI.PermissionDeniedError);
      await grantTier(gw, gated.organizationId, 'premium');
      const res = await client(gw, gated.key).responses.create({
        model: premium,
        input: 'secret plans',
      });
      const stream = client(gw, gated.key).responses.stream({
        model: premium,
        input: 'streamed plans',
      });
      const streamed = await stream.finalResponse();
      const entries = (await auditEntries(gw)).filter(
        (e) => e.organizationId === gated.organizationId,
      );
      expect(entries).toHaveLength(2);
      expect(entries.map((e) => e.completionText).sort()).toEqual(
        [res.output_text, streamed.output_text].sort(),
      );
      expect(entries.every((e) => e.promptText.includes('plans'))).toBe(true);
    });

    it('replays a retried create with the same Idempotency-Key, once billed', async () => {
      const idem = await seedOrg(gw, 'Idem');
      const body = { model, input: 'idempotent response' };
      const a = await client(gw, idem.key)
        .responses.create(body, { headers: { 'Idempotency-Key': 'resp-1' } })
        .withResponse();
      const b = await client(gw, idem.key)
        .responses.create(body, { headers: { 'Idempotency-Key': 'resp-1' } })
        .withResponse();
      expect(b.data.id).toBe(a.data.id);
      expect(b.response.headers.get('idempotent-replayed')).toBe('true');
      const reused = await client(gw, idem.key)
        .responses.create({ ...body, input: 'other' }, { headers: { 'Idempotency-Key': 'resp-1' } })
        .catch((e: unknown) => e);
      expect((reused as InstanceType<typeof OpenAI.APIError>).status).toBe(409);
      const s1 = await client(gw, idem.key).responses.create(
        { ...body, stream: true },
        { headers: { 'Idempotency-Key': 'resp-2' } },
      );
      let t1 = '';
      for await (const e of s1) if (e.type === 'response.output_text.delta') t1 += e.delta;
      const s2 = await client(gw, idem.key).responses.create(
        { ...body, stream: true },
        { headers: { 'Idempotency-Key': 'resp-2' } },
      );
      let t2 = '';
      for await (const e of s2) if (e.type === 'response.output_text.delta') t2 += e.delta;
      expect(t2).toBe(t1);
      await new Promise((r) => setTimeout(r, 300));
      expect(await waitForUsage(gw, 'organization_id = $1', [idem.organizationId], 2)).toHaveLength(
        2,
      );
    });
  });

  describe('Vercel AI SDK default openai() provider (Responses API)', () => {
    const provider = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: org.key });
    const WeatherInput = z.object({ city: z.string(), days: z.number().int().min(1).max(7) });

    it('generateText with a required tool returns a typed tool call', async () => {
      const result = await generateText({
        model: provider()(model),
        prompt: 'What is the weather in Lisbon?',
        tools: {
          get_weather: tool({
            description: 'Weather forecast for a city',
            inputSchema: WeatherInput,
          }),
        },
        toolChoice: 'required',
      });
      expect(result.finishReason).toBe('tool-calls');
      expect(result.toolCalls).toHaveLength(1);
      expect(WeatherInput.parse(result.toolCalls[0].input)).toEqual(result.toolCalls[0].input);
    });

    it('runs an agent loop (tool call, tool result, text) and streams text', async () => {
      const result = await generateText({
        model: provider()(model),
        prompt: 'Weather in Madrid, then summarise it',
        tools: {
          get_weather: tool({
            description: 'Weather forecast for a city',
            inputSchema: WeatherInput,
            execute: async ({ city }) => ({ city, celsius: 21 }),
          }),
        },
        stopWhen: stepCountIs(4),
      });
      expect(result.steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop']);
      expect(result.text.length).toBeGreaterThan(0);

      const whole = await generateText({
        model: provider()(model),
        prompt: 'Stream a short answer',
      });
      const stream = streamText({ model: provider()(model), prompt: 'Stream a short answer' });
      let text = '';
      for await (const part of stream.textStream) text += part;
      expect(text).toBe(whole.text);
      expect((await stream.usage).outputTokens).toBe(whole.usage.outputTokens);
    });
  });

  describe('LangChain (ChatOpenAI with useResponsesApi, OpenAIEmbeddings)', () => {
    it('invokes, binds a required tool and embeds through the gateway', async () => {
      const chat = new ChatOpenAI({
        model,
        apiKey: org.key,
        configuration: { baseURL: `${gw.url}/v1` },
        maxRetries: 0,
        useResponsesApi: true,
      });
      const message = await chat.invoke('Say something about velvet');
      expect(typeof message.content === 'string' ? message.content : message.text).toBeTruthy();
      const bound = chat.bindTools(
        [
          {
            type: 'function',
            function: { name: 'get_weather', description: 'Weather', parameters: weatherParams },
          },
        ],
        { tool_choice: 'required' },
      );
      const called = await bound.invoke('Weather in Rome?');
      expect(called.tool_calls?.[0]?.name).toBe('get_weather');
      expect(new Ajv().compile(weatherParams)(called.tool_calls![0].args)).toBe(true);
      const embeddings = new OpenAIEmbeddings({
        model,
        apiKey: org.key,
        configuration: { baseURL: `${gw.url}/v1` },
        maxRetries: 0,
      });
      const [v] = await embeddings.embedDocuments(['the velvet rope']);
      expect(v).toHaveLength(1536);
    });
  });

  describe('an upstream that speaks Responses natively', () => {
    let upstream: Server;
    const received: Record<string, unknown>[] = [];
    const native = 'native-responses';
    const answer = (id: string, text: string) => ({
      id,
      object: 'response',
      created_at: 1,
      status: 'completed',
      model: 'up-model',
      error: null,
      incomplete_details: null,
      output: [
        {
          id: `msg_up_${id}`,
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text, annotations: [] }],
        },
      ],
      usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 },
    });

    beforeAll(async () => {
      let n = 0;
      upstream = createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', () => {
          const body = JSON.parse(raw) as Record<string, unknown>;
          received.push({ path: req.url, ...body });
          const r = answer(`up_${++n}`, 'native hello');
          if (!body.stream)
            return void res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify(r));
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const item = r.output[0];
          const events = [
            {
              type: 'response.created',
              response: { ...r, status: 'in_progress', output: [], usage: null },
            },
            {
              type: 'response.output_item.added',
              output_index: 0,
              item: { ...item, status: 'in_progress', content: [] },
            },
            {
              type: 'response.content_part.added',
              item_id: item.id,
              output_index: 0,
              content_index: 0,
              part: { type: 'output_text', text: '', annotations: [] },
            },
            {
              type: 'response.output_text.delta',
              item_id: item.id,
              output_index: 0,
              content_index: 0,
              delta: 'native ',
            },
            {
              type: 'response.output_text.delta',
              item_id: item.id,
              output_index: 0,
              content_index: 0,
              delta: 'hello',
            },
            {
              type: 'response.output_text.done',
              item_id: item.id,
              output_index: 0,
              content_index: 0,
              text: 'native hello',
            },
            { type: 'response.output_item.done', output_index: 0, item },
            { type: 'response.completed', response: r },
          ];
          res.end(
            events
              .map(
                (e, i) =>
                  `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`,
              )
              .join(''),
          );
        });
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const { port } = upstream.address() as AddressInfo;
      await seedModel(gw, {
        slug: native,
        upstream: {
          kind: 'openai_compatible',
          baseUrl: `http://127.0.0.1:${port}/v1`,
          upstreamModel: 'up-model',
          responsesApi: true,
        },
      });
      await refreshCatalog(gw);
      // The organisation's cached entitlements predate this model.
      gw.app.get(EntitlementCache).invalidate(org.organizationId);
    });
    afterAll(() => new Promise<void>((resolve) => upstream?.close(() => resolve())));

    it('passes the request through (ids rewritten, the chain kept by the gateway) and meters the upstream usage', async () => {
      const first = await client(gw, org.key).responses.create({
        model: native,
        input: 'hello upstream',
      });
      expect(first.id).toMatch(/^resp_[0-9a-f]{32}$/);
      expect(first.model).toBe(native);
      expect(first.output_text).toBe('native hello');
      expect(first.output[0].id).toBe(`msg_${first.id.slice(5)}`);
      expect(received[0]).toMatchObject({
        path: '/v1/responses',
        model: 'up-model',
        store: false,
        input: [{ role: 'user', content: 'hello upstream' }],
      });

      const second = await client(gw, org.key).responses.create({
        model: native,
        input: 'again',
        previous_response_id: first.id,
      });
      expect(second.previous_response_id).toBe(first.id);
      expect(received[1].previous_response_id).toBeUndefined();
      expect(received[1].input).toEqual([
        { role: 'user', content: 'hello upstream' },
        { role: 'assistant', content: 'native hello' },
        { role: 'user', content: 'again' },
      ]);

      const stream = client(gw, org.key).responses.stream({ model: native, input: 'stream it' });
      const final = await stream.finalResponse();
      expect(final.output_text).toBe('native hello');
      expect(final.id).toMatch(/^resp_[0-9a-f]{32}$/);
      const rows = await waitForUsage(
        gw,
        'organization_id = $1 AND model_id = (SELECT id FROM models WHERE slug = $2)',
        [org.organizationId, native],
        3,
      );
      expect(rows).toHaveLength(3);
      expect(
        rows.every(
          (r) => r.input_tokens === 11 && r.output_tokens === 7 && r.status === 'succeeded',
        ),
      ).toBe(true);
    });
  });
});
