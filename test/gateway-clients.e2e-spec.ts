import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { countTextTokens } from '@velvet/catalog';
import { generateObject, generateText, Output, stepCountIs, streamText, tool } from 'ai';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import {
  client,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

/** Third-party clients against the real gateway and its built-in simulator, as customers use them. */
describe('gateway: OpenAI SDK, Vercel AI SDK and LangChain against the simulator', () => {
  let gw: RunningGateway;
  let org: SeededOrg;
  const model = 'sim-clients';
  const weatherParams = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      days: { type: 'integer', minimum: 1, maximum: 7 },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['city', 'days', 'unit'],
    additionalProperties: false,
  };
  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Weather forecast for a city',
      parameters: weatherParams,
    },
  };
  const WeatherInput = z.object({
    city: z.string(),
    days: z.number().int().min(1).max(7),
    unit: z.enum(['celsius', 'fahrenheit']),
  });

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: model, maxOutputTokens: 512 });
    await refreshCatalog(gw);
    org = await seedOrg(gw, 'Clients');
  });
  afterAll(() => gw?.close());

  describe('official openai SDK', () => {
    const messages = [{ role: 'user' as const, content: 'What will the weather be in Oslo?' }];

    it('returns a well-formed tool call for tool_choice required, and the same one streamed', async () => {
      const res = await client(gw, org.key).chat.completions.create({
        model,
        messages,
        tools: [weatherTool],
        tool_choice: 'required',
      });
      const [choice] = res.choices;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call.type).toBe('function');
      expect(call.function.name).toBe('get_weather');
      expect(new Ajv().compile(weatherParams)(JSON.parse(call.function.arguments))).toBe(true);

      const stream = client(gw, org.key).chat.completions.stream({
        model,
        messages,
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });
      const final = await stream.finalChatCompletion();
      const streamed = final.choices[0].message
        .tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(streamed.id).toBe(call.id);
      expect(streamed.function.arguments).toBe(call.function.arguments);
    });

    it('answers a json_schema response_format with JSON the SDK parses against the schema', async () => {
      const Person = z.object({
        name: z.string(),
        age: z.number().int().min(0).max(120),
        languages: z.array(z.string()).min(1),
        role: z.enum(['admin', 'member']).nullable(),
      });
      const res = await client(gw, org.key).chat.completions.parse({
        model,
        messages: [{ role: 'user', content: 'Describe a user' }],
        response_format: zodResponseFormat(Person, 'person'),
      });
      const parsed = res.choices[0].message.parsed!;
      expect(Person.parse(parsed)).toEqual(parsed);
      const jsonMode = await client(gw, org.key).chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Reply in JSON' }],
        response_format: { type: 'json_object' },
      });
      expect(typeof JSON.parse(jsonMode.choices[0].message.content!)).toBe('object');
    });

    it('honours logprobs, stop, n, seed and max_completion_tokens, and bills the reported usage', async () => {
      const base = {
        model,
        messages: [{ role: 'user' as const, content: 'Tell me about velvet' }],
      };
      const a = await client(gw, org.key).chat.completions.create(
        { ...base, n: 2, seed: 7, logprobs: true, top_logprobs: 2 },
        { headers: { 'Idempotency-Key': 'clients-seeded' } },
      );
      expect(a.choices).toHaveLength(2);
      expect(a.choices[0].message.content).not.toBe(a.choices[1].message.content);
      const again = await client(gw, org.key).chat.completions.create({
        ...base,
        n: 2,
        seed: 7,
        logprobs: true,
        top_logprobs: 2,
      });
      expect(again.choices.map((c) => c.message.content)).toEqual(
        a.choices.map((c) => c.message.content),
      );
      expect(a.system_fingerprint).toBeTruthy();
      const lp = a.choices[0].logprobs!.content!;
      expect(lp.map((t) => t.token).join('')).toBe(a.choices[0].message.content);
      expect(lp.every((t) => t.logprob < 0 && t.top_logprobs.length === 2)).toBe(true);
      const completion = a.choices.reduce(
        (n, c) => n + countTextTokens(c.message.content!, 'o200k_base'),
        0,
      );
      expect(a.usage!.completion_tokens).toBe(completion);
      const [row] = await waitForUsage(
        gw,
        'api_key_id = $1 AND output_tokens = $2',
        [org.apiKeyId, completion],
        1,
      );
      expect(row).toMatchObject({
        input_tokens: a.usage!.prompt_tokens,
        output_tokens: completion,
        status: 'succeeded',
      });

      const text = a.choices[0].message.content!;
      const stopWord = ` ${text.split(' ')[2]}`;
      const stopped = await client(gw, org.key).chat.completions.create({
        ...base,
        seed: 7,
        stop: [stopWord],
      });
      expect(stopped.choices[0].message.content).toBe(text.slice(0, text.indexOf(stopWord)));
      const short = await client(gw, org.key).chat.completions.create({
        ...base,
        max_completion_tokens: 3,
      });
      expect(short.choices[0].finish_reason).toBe('length');
      expect(short.usage!.completion_tokens).toBeLessThanOrEqual(3);
    });

    it('refuses what the simulator cannot honour with a 400 the SDK raises', async () => {
      const refused = await client(gw, org.key)
        .chat.completions.create({
          model,
          messages,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'code',
              schema: {
                type: 'object',
                properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } },
              },
            },
          },
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).message).toMatch(/pattern/);
    });
  });

  describe('Vercel AI SDK (openai-compatible provider)', () => {
    const provider = () =>
      createOpenAICompatible({
        name: 'velvet',
        baseURL: `${gw.url}/v1`,
        apiKey: org.key,
        supportsStructuredOutputs: true,
      });

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
      expect(result.toolCalls[0].toolName).toBe('get_weather');
      expect(WeatherInput.parse(result.toolCalls[0].input)).toEqual(result.toolCalls[0].input);
    });

    it('generateObject and Output.object produce objects matching the schema', async () => {
      const Recipe = z.object({
        title: z.string(),
        servings: z.number().int().min(1).max(12),
        steps: z.array(z.string()).min(2),
      });
      const { object } = await generateObject({
        model: provider()(model),
        schema: Recipe,
        prompt: 'A recipe',
      });
      expect(Recipe.parse(object)).toEqual(object);
      const { output } = await generateText({
        model: provider()(model),
        output: Output.object({ schema: Recipe }),
        prompt: 'Another recipe',
      });
      expect(Recipe.parse(output)).toEqual(output);
      // The provider's default (no structured outputs): JSON mode, answered with a JSON object.
      const jsonMode = createOpenAICompatible({
        name: 'velvet',
        baseURL: `${gw.url}/v1`,
        apiKey: org.key,
      });
      const loose = await generateObject({
        model: jsonMode(model),
        schema: z.object({}).passthrough(),
        prompt: 'Any JSON object',
      });
      expect(typeof loose.object).toBe('object');
    });

    it('runs an agent loop: a tool call, the tool result, then a text answer', async () => {
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
    });

    it('streamText assembles a streamed tool call', async () => {
      const result = streamText({
        model: provider()(model),
        prompt: 'What is the weather in Porto?',
        tools: {
          get_weather: tool({
            description: 'Weather forecast for a city',
            inputSchema: WeatherInput,
          }),
        },
        toolChoice: 'required',
      });
      const calls = await result.toolCalls;
      expect(await result.finishReason).toBe('tool-calls');
      expect(calls).toHaveLength(1);
      expect(WeatherInput.parse(calls[0].input)).toEqual(calls[0].input);
    });

    it('streamText streams the same text as generateText', async () => {
      const prompt = 'Stream a short answer';
      const whole = await generateText({ model: provider()(model), prompt, seed: 3 });
      const stream = streamText({ model: provider()(model), prompt, seed: 3 });
      let text = '';
      for await (const part of stream.textStream) text += part;
      expect(text).toBe(whole.text);
      expect(text.length).toBeGreaterThan(0);
    });
  });

  describe('LangChain ChatOpenAI', () => {
    const chat = () =>
      new ChatOpenAI({
        model,
        apiKey: org.key,
        configuration: { baseURL: `${gw.url}/v1` },
        maxRetries: 0,
      });

    it('bindTools with a required tool returns parsed tool calls', async () => {
      const bound = chat().bindTools([weatherTool], { tool_choice: 'required' });
      const message = await bound.invoke('Weather in Rome for three days?');
      expect(message.tool_calls).toHaveLength(1);
      expect(message.tool_calls![0].name).toBe('get_weather');
      expect(WeatherInput.parse(message.tool_calls![0].args)).toEqual(message.tool_calls![0].args);
    });

    it('withStructuredOutput returns a validated object, by JSON schema and by function calling', async () => {
      const Summary = z.object({
        headline: z.string(),
        bullets: z.array(z.string()).min(1),
        confidence: z.number().min(0).max(1),
      });
      for (const method of ['jsonSchema', 'functionCalling'] as const) {
        const result = await chat()
          .withStructuredOutput(Summary, { method, name: 'summary' })
          .invoke('Summarise the news');
        expect(Summary.parse(result)).toEqual(result);
      }
    });
  });
});
