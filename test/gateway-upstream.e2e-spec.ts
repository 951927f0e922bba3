import { LimitsService } from '@velvet/metering';
import OpenAI from 'openai';
type APIError = InstanceType<typeof OpenAI.APIError>;
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream';
import {
  auditEntries,
  callIdOf,
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

describe('gateway: OpenAI-compatible HTTP upstream on loopback', () => {
  let gw: RunningGateway;
  let upstream: FakeUpstream;
  let org: SeededOrg;
  const messages = [{ role: 'user' as const, content: 'hello upstream' }];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway(
      {},
      { UPSTREAM_FAKE_KEY: 'sk-upstream-secret', DATABASE_URL: 'postgres://not-for-upstreams' },
    );
    await seedTiers(gw);
    const model = (slug: string, upstreamModel: string) =>
      seedModel(gw, {
        slug,
        upstream: {
          kind: 'openai_compatible',
          baseUrl: upstream.baseUrl,
          upstreamModel,
          apiKeyEnv: 'UPSTREAM_FAKE_KEY',
          timeoutMs: 300,
        },
      });
    await Promise.all([
      model('ext-echo', 'echo'),
      model('ext-slow', 'slow'),
      model('ext-broken', 'broken'),
      model('ext-picky', 'picky'),
      model('ext-dribble', 'dribble'),
    ]);
    await seedModel(gw, {
      slug: 'ext-dribble-premium',
      tier: 'premium',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'dribble',
        timeoutMs: 300,
      },
    });
    await seedModel(gw, {
      slug: 'ext-leaky',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'echo',
        apiKeyEnv: 'DATABASE_URL',
      },
    });
    await seedModel(gw, {
      slug: 'ext-tiny',
      upstream: { kind: 'openai_compatible', baseUrl: upstream.baseUrl, upstreamModel: 'echo' },
    });
    // The built-in simulator reads the prompt as soon as it is called: the same 400 from there.
    await seedModel(gw, { slug: 'sim-tiny' });
    await gw.db.query(
      `UPDATE models SET context_window = 16 WHERE slug IN ('ext-tiny', 'sim-tiny')`,
    );
    await refreshCatalog(gw);
    org = await seedOrg(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('forwards a call with the upstream model name and key, and meters the upstream usage', async () => {
    const { data: res, response } = await client(gw, org.key)
      .chat.completions.create({ model: 'ext-echo', messages, temperature: 0.3 })
      .withResponse();
    expect(res.model).toBe('ext-echo');
    expect(res.choices[0].message.content).toBe('alpha beta gamma');
    const sent = upstream.requests.at(-1)!;
    // The client's body, but for the model name: nothing added (no stream flag, no max_tokens).
    expect(sent.body).toEqual({ model: 'echo', temperature: 0.3, messages });
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret');
    // Only UPSTREAM_* variables can be named as an upstream key: nothing else leaves the gateway.
    await client(gw, org.key).chat.completions.create({ model: 'ext-leaky', messages });
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
    const [row] = await waitForUsage(gw, 'request_id = $1', [callIdOf(response)], 1);
    // 11 and 3 tokens at 1 and 2 USD per million tokens: 11 + 6 micros.
    expect(row).toMatchObject({
      input_tokens: 11,
      output_tokens: 3,
      cost_micros: '17',
      status: 'succeeded',
    });
  });

  it('counts a multi-megabyte prompt of one repeated character in linear time: a 400, and the next call is served', async () => {
    // tiktoken merges a run the tokenizer does not split in quadratic time: counted whole, 3 MB of
    // "a" would hold the gateway's only thread for hours; see libs/catalog countable-parts.ts.
    const refused = await Promise.all(
      ['a'.repeat(3_000_000), '東'.repeat(1_000_000), '!'.repeat(3_000_000)].map((content) =>
        client(gw, org.key)
          .chat.completions.create({ model: 'ext-echo', messages: [{ role: 'user', content }] })
          .catch((e: unknown) => e as APIError),
      ),
    );
    for (const e of refused)
      expect([(e as APIError).status, (e as APIError).code]).toEqual([
        400,
        'context_length_exceeded',
      ]);
    const served = await client(gw, org.key).chat.completions.create({
      model: 'ext-echo',
      messages,
    });
    expect(served.choices[0].message.content).toBe('alpha beta gamma');
  });

  it('passes a stream through, always asking the upstream for usage, and forwards usage only when asked', async () => {
    const ids: string[] = [];
    const collect = async (includeUsage: boolean) => {
      const { data: stream, response } = await client(gw, org.key)
        .chat.completions.create({
          model: 'ext-echo',
          messages,
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        })
        .withResponse();
      ids.push(callIdOf(response));
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const c of stream) chunks.push(c);
      expect(upstream.requests.at(-1)!.body).toMatchObject({
        model: 'echo',
        stream: true,
        stream_options: { include_usage: true },
      });
      return chunks;
    };
    const withUsage = await collect(true);
    expect(withUsage.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(
      'alpha beta gamma',
    );
    expect(withUsage.every((c) => c.model === 'ext-echo')).toBe(true);
    expect(withUsage.at(-1)!.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });
    const without = await collect(false);
    expect(without.some((c) => c.usage)).toBe(false);
    const rows = await waitForUsage(gw, 'request_id = ANY($1)', [ids], 2);
    expect(rows.map((r) => [r.streamed, r.output_tokens, r.cost_micros])).toEqual([
      [true, 3, '17'],
      [true, 3, '17'],
    ]);
  });

  it('never serves a call the limits refuse, and stops calling the upstream for a throttled key', async () => {
    // The upstream call may start while admission is in flight; a refusal discards it. Once a
    // key was refused, its calls wait for admission, so throttling costs no upstream capacity.
    const throttled = await seedOrg(gw, 'Throttled');
    await gw.app.get(LimitsService).setOverride({
      organizationId: throttled.organizationId,
      apiKeyId: throttled.apiKeyId,
      requestsPerMinute: 0,
      reason: 'test',
      actorUserId: null,
    });
    const before = upstream.requests.length;
    const refused = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        client(gw, throttled.key)
          .chat.completions.create(
            { model: 'ext-echo', messages },
            { headers: { 'Idempotency-Key': `thr-${i}` } },
          )
          .catch((e: unknown) => e),
      ),
    );
    expect(refused.every((e) => e instanceof OpenAI.RateLimitError)).toBe(true);
    // Early upstream requests that were aborted may still be landing at the upstream.
    await new Promise((r) => setTimeout(r, 300));
    const reachedWhileRacing = upstream.requests.length - before;
    expect(reachedWhileRacing).toBeLessThanOrEqual(5);
    for (let i = 0; i < 5; i++) {
      await expect(
        client(gw, throttled.key).chat.completions.create({ model: 'ext-echo', messages }),
      ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    }
    expect(upstream.requests.length - before).toBe(reachedWhileRacing);
    // Nothing was charged for the refused calls.
    const [{ n }] = (await gw.db.query(
      'SELECT count(*)::int AS n FROM usage_records WHERE organization_id = $1',
      [throttled.organizationId],
    )) as { n: number }[];
    expect(n).toBe(0);
  });

  it('maps upstream failures to OpenAI errors and charges nothing for them', async () => {
    const call = (model: string, idem: string) =>
      client(gw, org.key)
        .chat.completions.create({ model, messages }, { headers: { 'X-Request-Id': idem } })
        .catch((e: unknown) => e);
    const slow = (await call('ext-slow', 'f-slow')) as APIError;
    expect(slow).toBeInstanceOf(OpenAI.APIError);
    expect([slow.status, slow.code]).toEqual([504, 'upstream_timeout']);
    const broken = (await call('ext-broken', 'f-broken')) as APIError;
    expect([broken.status, broken.code]).toEqual([502, 'upstream_error']);
    const picky = await call('ext-picky', 'f-picky');
    expect(picky).toBeInstanceOf(OpenAI.BadRequestError);
    expect((picky as APIError).message).toContain('logit_bias is not supported');
    const streamed = await client(gw, org.key)
      .chat.completions.create(
        { model: 'ext-broken', messages, stream: true },
        { headers: { 'X-Request-Id': 'f-stream' } },
      )
      .catch((e: unknown) => e);
    expect((streamed as APIError).status).toBe(502);
    // X-Request-Id is echoed, never the call's id.
    expect((streamed as APIError).headers?.get('x-request-id')).toBe('f-stream');
    const ids = [slow, broken, picky, streamed].map((e) =>
      (e as APIError).headers?.get('x-velvet-call-id'),
    );
    const rows = await waitForUsage(gw, 'request_id = ANY($1)', [ids], 4);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'failed' && r.cost_micros === '0')).toBe(true);
  });

  it('refuses a prompt beyond the context window with a 400, plain or streamed, and records nothing', async () => {
    const long = [
      { role: 'user' as const, content: 'far too many words for this model '.repeat(8) },
    ];
    const refused = await Promise.all(
      ['ext-tiny', 'sim-tiny'].flatMap((model) =>
        [false, true].map((stream) =>
          client(gw, org.key)
            .chat.completions.create({ model, messages: long, stream })
            .catch((e: unknown) => e as APIError),
        ),
      ),
    );
    for (const e of refused) {
      expect(e).toBeInstanceOf(OpenAI.BadRequestError);
      expect([(e as APIError).status, (e as APIError).code]).toEqual([
        400,
        'context_length_exceeded',
      ]);
    }
    // A call after them is recorded; the refused ones never are.
    const { response } = await client(gw, org.key)
      .chat.completions.create({ model: 'ext-tiny', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    await waitForUsage(gw, 'request_id = $1', [callIdOf(response)], 1);
    const ids = refused.map((e) => (e as APIError).headers?.get('x-velvet-call-id'));
    const rows: unknown[] = await gw.db.query(
      `SELECT 1 FROM usage_records WHERE request_id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(0);
  });

  /** Reads two content chunks of a slow stream, then leaves. */
  async function leaveMidStream(model: string, key = org.key): Promise<string> {
    const controller = new AbortController();
    const { data: stream, response } = await client(gw, key)
      .chat.completions.create({ model, messages, stream: true }, { signal: controller.signal })
      .withResponse();
    const seen = await (async () => {
      let n = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content && ++n === 2) controller.abort();
      }
      return n;
    })().catch(() => 2);
    expect(seen).toBe(2);
    return callIdOf(response);
  }

  it('cancels the upstream stream when the client leaves, and charges what the client was sent', async () => {
    const id = await leaveMidStream('ext-dribble');
    const [row] = await waitForUsage(gw, 'request_id = $1', [id], 1);
    // No upstream usage arrived: the prompt and the text so far are counted with the model's tokenizer
    // (test/gateway-exact-tokens.e2e-spec.ts checks the exact figures).
    expect(row).toMatchObject({ status: 'cancelled', streamed: true });
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(row.output_tokens).toBeGreaterThan(0);
    // 1 and 2 USD per million tokens: 1 and 2 micro-units a token.
    expect(row.cost_micros).toBe(String(Number(row.input_tokens) + 2 * Number(row.output_tokens)));
    expect(upstream.aborted).toContain('dribble');
  });

  it('audits a premium stream the client left as cancelled, with the text it was sent', async () => {
    const premium = await seedOrg(gw, 'Premium');
    await grantTier(gw, premium.organizationId, 'premium');
    const id = await leaveMidStream('ext-dribble-premium', premium.key);
    const deadline = Date.now() + 5000;
    let entry = (await auditEntries(gw)).find((e) => e.eventId === id);
    while (!entry && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      entry = (await auditEntries(gw)).find((e) => e.eventId === id);
    }
    expect(entry!.status).toBe('cancelled');
    expect(entry!.completionText.length).toBeGreaterThan(0);
    expect(entry!.flags).not.toContain('failed');
    const [row] = await waitForUsage(gw, 'request_id = $1', [id], 1);
    expect(row.status).toBe('cancelled');
  });

  /** Reads two text deltas of a slow Responses stream, then leaves. */
  async function leaveResponsesMidStream(model: string, key: string): Promise<string> {
    const controller = new AbortController();
    const { data: stream, response } = await client(gw, key)
      .responses.create(
        { model, input: 'hello upstream', stream: true },
        { signal: controller.signal },
      )
      .withResponse();
    const seen = await (async () => {
      let n = 0;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta' && ++n === 2) controller.abort();
      }
      return n;
    })().catch(() => 2);
    expect(seen).toBe(2);
    return callIdOf(response);
  }

  it('charges what a client that left a Responses stream was sent, and audits a premium one as cancelled', async () => {
    const standard = await leaveResponsesMidStream('ext-dribble', org.key);
    const [row] = await waitForUsage(gw, 'request_id = $1', [standard], 1);
    expect(row).toMatchObject({ status: 'cancelled', streamed: true });
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(row.cost_micros).toBe(String(Number(row.input_tokens) + 2 * Number(row.output_tokens)));

    const premium = await seedOrg(gw, 'Premium responses');
    await grantTier(gw, premium.organizationId, 'premium');
    const id = await leaveResponsesMidStream('ext-dribble-premium', premium.key);
    const deadline = Date.now() + 5000;
    let entry = (await auditEntries(gw)).find((e) => e.eventId === id);
    while (!entry && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      entry = (await auditEntries(gw)).find((e) => e.eventId === id);
    }
    expect(entry!.status).toBe('cancelled');
    expect(entry!.completionText.length).toBeGreaterThan(0);
    const [premiumRow] = await waitForUsage(gw, 'request_id = $1', [id], 1);
    expect(premiumRow.status).toBe('cancelled');
  });
});
