import OpenAI from 'openai';
import {
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

describe('gateway: OpenAI-compatible chat on the simulator', () => {
  let gw: RunningGateway;
  let acme: SeededOrg;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, {
      slug: 'velvet-lite',
      inputPrice: 1_000_000n,
      outputPrice: 2_000_000n,
      maxOutputTokens: 64,
    });
    await seedModel(gw, {
      slug: 'velvet-opus',
      tier: 'premium',
      inputPrice: 15_000_000n,
      outputPrice: 75_000_000n,
    });
    await refreshCatalog(gw);
    acme = await seedOrg(gw);
  });
  afterAll(() => gw?.close());

  it('answers a chat completion deterministically and meters it exactly once', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about velvet ropes.' }];
    const first = await client(gw, acme.key).chat.completions.create({
      model: 'velvet-lite',
      messages,
    });
    const again = await client(gw, acme.key).chat.completions.create({
      model: 'velvet-lite',
      messages,
    });
    expect(first.object).toBe('chat.completion');
    expect(first.model).toBe('velvet-lite');
    expect(first.choices[0].message.content).toBe(again.choices[0].message.content);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(0);
    const rows = await waitForUsage(gw, 'organization_id = $1', [acme.organizationId], 2);
    expect(rows).toHaveLength(2);
    const u = first.usage!;
    // 1 USD and 2 USD per million tokens, each part rounded up to a whole micro.
    const cost =
      BigInt(Math.ceil(u.prompt_tokens * 1)) + BigInt(Math.ceil(u.completion_tokens * 2));
    expect(rows[0]).toMatchObject({
      status: 'succeeded',
      streamed: false,
      input_tokens: u.prompt_tokens,
      output_tokens: u.completion_tokens,
      cost_micros: String(cost),
    });
  });

  it('streams with include_usage and meters the stream like a plain call', async () => {
    const stream = await client(gw, acme.key).chat.completions.create(
      {
        model: 'velvet-lite',
        messages: [{ role: 'user', content: 'stream please' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { 'Idempotency-Key': 'stream-1' } },
    );
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const plain = await client(gw, acme.key).chat.completions.create({
      model: 'velvet-lite',
      messages: [{ role: 'user', content: 'stream please' }],
    });
    expect(text).toBe(plain.choices[0].message.content);
    expect(finish).toBe(plain.choices[0].finish_reason);
    expect(usage).toEqual(plain.usage);
    const [row] = await waitForUsage(
      gw,
      'organization_id = $1 AND streamed',
      [acme.organizationId],
      1,
    );
    expect(row).toMatchObject({
      streamed: true,
      status: 'succeeded',
      output_tokens: usage!.completion_tokens,
    });
  });

  it('replays a retried call (same Idempotency-Key and body) instead of serving and charging it again', async () => {
    const org = await seedOrg(gw, 'Retrier');
    const body = {
      model: 'velvet-lite',
      messages: [{ role: 'user' as const, content: 'idempotent' }],
    };
    const first = await client(gw, org.key)
      .chat.completions.create(body, { headers: { 'Idempotency-Key': 'retry-42' } })
      .withResponse();
    const again = await client(gw, org.key)
      .chat.completions.create(body, { headers: { 'Idempotency-Key': 'retry-42' } })
      .withResponse();
    await client(gw, org.key).chat.completions.create(body, {
      headers: { 'Idempotency-Key': 'retry-43' },
    });
    expect(again.data).toEqual(first.data);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    const rows = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 2);
    await new Promise((r) => setTimeout(r, 300));
    const all = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3, 300);
    expect(all).toHaveLength(2);
    // The gateway's own ids: the client's key is never the metering id.
    expect(rows.map((r) => r.request_id)).not.toContain(`${org.organizationId}:retry-42`);
  });

  it('lists only the models the key may call, and unlocks a premium model when the tier is granted', async () => {
    const org = await seedOrg(gw, 'Globex');
    const before = await client(gw, org.key).models.list();
    expect(before.data.map((m) => m.id)).toEqual(['velvet-lite']);
    const locked = await client(gw, org.key)
      .chat.completions.create({
        model: 'velvet-opus',
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((e) => e);
    expect(locked).toBeInstanceOf(OpenAI.PermissionDeniedError);
    // this suite seeds no unlock rule for premium: that is the true reason, and the 403 says so
    expect(locked.code).toBe('no_unlock_rule');
    expect(locked.message).toContain('no unlock rule configured for this tier');
    expect(locked.message).toContain('GET /v1/organization/entitlements');
    await grantTier(gw, org.organizationId, 'premium');
    const after = await client(gw, org.key).models.list();
    expect(after.data.map((m) => m.id)).toEqual(['velvet-lite', 'velvet-opus']);
  });

  it('raises the SDK typed errors with OpenAI-style bodies', async () => {
    const bad = new OpenAI({
      apiKey: 'vr_aaaaaaaaaaaa_' + 'x'.repeat(43),
      baseURL: `${gw.url}/v1`,
      maxRetries: 0,
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await expect(
      bad.chat.completions.create({ model: 'velvet-lite', messages }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      new OpenAI({ apiKey: 'nonsense', baseURL: `${gw.url}/v1`, maxRetries: 0 }).models.list(),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const notFound = await client(gw, acme.key)
      .chat.completions.create({ model: 'no-such-model', messages })
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound.code).toBe('model_not_found');
    const badType = await client(gw, acme.key)
      .chat.completions.create({
        model: 'velvet-lite',
        messages,
        temperature: 'hot' as unknown as number,
      })
      .catch((e) => e);
    expect(badType).toBeInstanceOf(OpenAI.BadRequestError);
    expect(badType.param).toBe('temperature');
    const tooLong = await client(gw, acme.key)
      .chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 65 })
      .catch((e) => e);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tooLong.param).toBe('max_tokens');
  });

  it('answers malformed bodies with 400 in the OpenAI shape, never 500', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acme.key}`, 'content-type': type },
        body,
      });
    for (const body of [
      '{"model":',
      '[]',
      '"x"',
      '{"model":"velvet-lite"}',
      '{"model":"velvet-lite","messages":[{"role":"wizard","content":"x"}]}',
      '{"model":"velvet-lite","messages":[],"n":1.5}',
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: Record<string, unknown> };
      expect(json.error).toEqual(
        expect.objectContaining({ type: 'invalid_request_error', message: expect.any(String) }),
      );
      expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    }
    const cases: [Response, number][] = [
      [await post('model=x', 'text/plain'), 400],
      [await post('<model/>', 'application/xml'), 415],
      [
        await post(
          JSON.stringify({
            model: 'velvet-lite',
            messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }],
          }),
        ),
        413,
      ],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
        'invalid_request_error',
      );
    }
    const unknownRoute = await fetch(`${gw.url}/v1/nope`, {
      headers: { authorization: `Bearer ${acme.key}` },
    });
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { error: { type: string } }).error.type).toBe(
      'invalid_request_error',
    );
  });

  it('reports on /health that PostgreSQL and Redis answer, and how old its in-memory snapshots are', async () => {
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { snapshots: Record<string, unknown> };
    // Both snapshots loaded at start-up, so each has an age (null would mean never loaded).
    expect(body).toEqual({
      status: 'ok',
      database: 'up',
      redis: 'up',
      snapshots: { catalogAgeMs: expect.any(Number), limitOverridesAgeMs: expect.any(Number) },
    });
    for (const age of Object.values(body.snapshots)) expect(age).toBeGreaterThanOrEqual(0);
  });
});
