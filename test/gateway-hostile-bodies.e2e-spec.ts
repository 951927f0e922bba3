/**
 * Bodies built to make the gateway work hard before it refuses them: megabytes of array elements
 * sent without a key, thousands of `item_reference`s to one stored item. Each is refused with
 * OpenAI's error JSON, nothing is billed, and the gateway serves the next call.
 */
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

describe('gateway: hostile bodies', () => {
  let gw: RunningGateway;
  let org: SeededOrg;
  const model = 'sim-hostile-chat';
  const embedder = 'sim-hostile-embedding';
  const moderator = 'omni-moderation-latest';

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: model, maxOutputTokens: 64 });
    await seedModel(gw, { slug: embedder, inputPrice: 20_000n, outputPrice: 0n });
    await seedModel(gw, { slug: moderator, inputPrice: 0n, outputPrice: 0n });
    await refreshCatalog(gw);
    org = await seedOrg(gw, 'Hostile bodies');
  });
  afterAll(() => gw?.close());

  const post = (path: string, body: string, key?: string) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body,
    });

  const usageRows = async () =>
    (await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 0)).length;

  it('refuses a 3 MB array of numbers with no key on every endpoint with an OpenAI-style 401, and serves the next call', async () => {
    const numbers = `[${'0,'.repeat(1_500_000)}0]`;
    const bodies: [string, string][] = [
      ['/v1/embeddings', `{"model":"${embedder}","input":${numbers}}`],
      ['/v1/moderations', `{"model":"${moderator}","input":${numbers}}`],
      ['/v1/completions', `{"model":"${model}","prompt":${numbers}}`],
      ['/v1/chat/completions', `{"model":"${model}","messages":${numbers}}`],
      ['/v1/responses', `{"model":"${model}","input":${numbers}}`],
    ];
    for (const [path, body] of bodies) {
      const res = await post(path, body);
      expect([path, res.status]).toEqual([path, 401]);
      const json = (await res.json()) as { error: { type: string; message: string } };
      expect(json.error.type).toBe('invalid_request_error');
    }
    await expect(
      client(gw, org.key).embeddings.create({ model: embedder, input: 'still served' }),
    ).resolves.toMatchObject({ object: 'list' });
  });

  it('refuses embeddings inputs totalling more than 300,000 tokens, as OpenAI does', async () => {
    const input = Array(2048).fill('velvet '.repeat(200));
    const res = await post('/v1/embeddings', JSON.stringify({ model: embedder, input }), org.key);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; param: string } };
    expect(json.error).toMatchObject({ code: 'max_tokens_per_request', param: 'input' });
  });

  it('refuses a body nested deeper than 128 levels with a 400 naming where', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const res = await post(
      '/v1/embeddings',
      `{"model":"${embedder}","input":["a"],"user":${deep}}`,
      org.key,
    );
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { param: string | null; message: string } };
    expect(json.error.message).toMatch(/nest/i);
  });

  it('refuses more than 100 item references in one Responses request, and serves one reference used twice', async () => {
    const { data: first, response } = await client(gw, org.key)
      .responses.create({ model, input: 'Say hello.' })
      .withResponse();
    const itemId = first.output[0].id!;
    await waitForUsage(gw, 'request_id = $1', [response.headers.get('x-velvet-call-id')], 1);
    const before = await usageRows();
    const many = Array.from({ length: 4_096 }, () => ({ type: 'item_reference', id: itemId }));
    const res = await post('/v1/responses', JSON.stringify({ model, input: many }), org.key);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { param: string; message: string } };
    expect(json.error.param).toBe('input');
    expect(json.error.message).toMatch(/at most 100 item references/);
    // refused before admission: nothing was billed for it
    expect(await usageRows()).toBe(before);

    const twice = await client(gw, org.key).responses.create({
      model,
      input: [
        { type: 'item_reference', id: itemId },
        { type: 'item_reference', id: itemId },
        { role: 'user', content: 'And again?' },
      ],
    });
    expect(twice.status).toBe('completed');
  });
});
