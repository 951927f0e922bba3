import { countChatPromptTokens, countTextTokens } from '@velvet/catalog';
import fc from 'fast-check';
import { startSteppedUpstream, type SteppedUpstream } from './support/stepped-upstream';
import {
  addKey,
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

/**
 * Exact billing where the upstream reports no usage (D4), and the body reaching the upstream
 * unchanged (D5), through the real gateway and an upstream the test drives piece by piece.
 */
describe('gateway: exact token counts and an unchanged request body', () => {
  let gw: RunningGateway;
  let upstream: SteppedUpstream;
  let org: SeededOrg;
  const model = 'ext-stepped';
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Count me exactly, please: 東京, naïve café.' },
  ];

  beforeAll(async () => {
    upstream = await startSteppedUpstream();
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, {
      slug: model,
      maxOutputTokens: 2048,
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'stepped',
        timeoutMs: 5000,
      },
    });
    // A model on the older encoding, to show the catalog's choice is the one used.
    await gw.db.query(`UPDATE models SET tokenizer = 'cl100k_base' WHERE slug = $1`, [model]);
    await refreshCatalog(gw);
    org = await seedOrg(gw, 'Exact');
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('sends the body unchanged but for the model name: unknown fields kept, no max_tokens injected', async () => {
    const body = {
      model,
      messages,
      max_completion_tokens: 300,
      reasoning_effort: 'low',
      metadata: { team: 'search', run: '42' },
      store: false,
      parallel_tool_calls: false,
      temperature: 0.2,
      vendor_extension: { nested: [1, 'two', { three: null }] },
    };
    await client(gw, org.key).chat.completions.create(body as never);
    expect(upstream.requests.at(-1)!.body).toEqual({ ...body, model: 'stepped' });

    await client(gw, org.key).chat.completions.create({ model, messages });
    const plain = upstream.requests.at(-1)!.body;
    expect(plain).toEqual({ model: 'stepped', messages });
    expect(plain).not.toHaveProperty('max_tokens');

    // A stream only gains the usage request (so it can be metered exactly); the client's stream options stay.
    upstream.pieces = ['one', ' two'];
    const stream = await client(gw, org.key).chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_obfuscation: false } as never,
      reasoning_effort: 'high',
    } as never);
    const done = (async () => {
      for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
    })();
    for (let i = 0; i <= upstream.pieces.length; i++) upstream.step();
    await done;
    expect(upstream.requests.at(-1)!.body).toEqual({
      model: 'stepped',
      messages,
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      reasoning_effort: 'high',
    });
  });

  it('charges a plain call without upstream usage the tokens of its prompt and of the text returned', async () => {
    const key = await addKey(gw, org.organizationId);
    upstream.pieces = ['Réponse', ' exacte', ' 🙂', ' done'];
    const res = await client(gw, key.key).chat.completions.create({ model, messages });
    expect(res.choices[0].message.content).toBe('Réponse exacte 🙂 done');
    const [row] = await waitForUsage(gw, 'api_key_id = $1', [key.apiKeyId], 1);
    expect(row).toMatchObject({
      status: 'succeeded',
      input_tokens: countChatPromptTokens(messages, null, 'cl100k_base'),
      output_tokens: countTextTokens('Réponse exacte 🙂 done', 'cl100k_base'),
    });
  });

  it('for any cancellation point, charges exactly the tokens delivered to the client', async () => {
    const piece = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 10 }),
        fc.nat(),
        async (pieces, rawCut) => {
          const cut = rawCut % (pieces.length + 1);
          const key = await addKey(gw, org.organizationId);
          upstream.pieces = pieces;
          const stream = await client(gw, key.key).chat.completions.create({
            model,
            messages,
            stream: true,
          });
          const chunks = stream[Symbol.asyncIterator]();
          await chunks.next(); // the role chunk
          let received = '';
          for (let i = 0; i < cut; i++) {
            upstream.step();
            received += (await chunks.next()).value!.choices[0].delta.content ?? '';
          }
          stream.controller.abort();
          await upstream.hungUp();
          const [row] = await waitForUsage(gw, 'api_key_id = $1', [key.apiKeyId], 1);
          expect(received).toBe(pieces.slice(0, cut).join(''));
          expect(row).toMatchObject({
            status: 'cancelled',
            streamed: true,
            output_tokens: countTextTokens(received, 'cl100k_base'),
            input_tokens: countChatPromptTokens(messages, null, 'cl100k_base'),
          });
        },
      ),
      { numRuns: 12 },
    );
  });
});
