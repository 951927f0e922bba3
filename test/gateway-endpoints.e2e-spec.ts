import { createOpenAI } from '@ai-sdk/openai';
import { cosineSimilarity, embed, embedMany } from 'ai';
import { countTextTokens } from '@velvet/catalog';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EntitlementCache } from '@velvet/entitlements';
import OpenAI from 'openai';
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

/** Embeddings, legacy completions and moderations through the chat gate, with the official SDK and the AI SDK. */
describe('gateway: /v1/embeddings, /v1/completions, /v1/moderations', () => {
  let gw: RunningGateway;
  let org: SeededOrg;
  const embedder = 'sim-embedding-small';
  const large = 'sim-embedding-large';
  const premiumEmbedder = 'sim-embedding-premium';
  const text = 'sim-text';
  const moderator = 'omni-moderation-latest';

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: embedder, inputPrice: 20_000n, outputPrice: 0n });
    await seedModel(gw, { slug: large, inputPrice: 130_000n, outputPrice: 0n });
    await seedModel(gw, { slug: premiumEmbedder, tier: 'premium' });
    await seedModel(gw, { slug: text, maxOutputTokens: 256 });
    await seedModel(gw, { slug: moderator, inputPrice: 0n, outputPrice: 0n });
    await refreshCatalog(gw);
    org = await seedOrg(gw, 'Endpoints');
  });
  afterAll(() => gw?.close());

  describe('embeddings', () => {
    it('returns deterministic unit vectors of the model dimension (base64 by SDK default, or float), metered as input tokens', async () => {
      const input = ['the velvet rope', 'a velvet rope opens', 'quarterly tax filing'];
      const { data: res, response } = await client(gw, org.key)
        .embeddings.create({ model: embedder, input })
        .withResponse();
      expect(res.data).toHaveLength(3);
      expect(res.data.every((d) => d.embedding.length === 1536)).toBe(true);
      const norm = Math.sqrt(res.data[0].embedding.reduce((s, x) => s + x * x, 0));
      expect(norm).toBeCloseTo(1, 4);
      const floats = await client(gw, org.key).embeddings.create({
        model: embedder,
        input,
        encoding_format: 'float',
      });
      expect(floats.data[1].embedding.map((x) => Math.fround(x))).toEqual(res.data[1].embedding);
      const tokens = input.reduce((n, t) => n + countTextTokens(t, 'o200k_base'), 0);
      expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
      const [row] = await waitForUsage(
        gw,
        'request_id = $1',
        [response.headers.get('x-velvet-call-id')],
        1,
      );
      expect(row).toMatchObject({ status: 'succeeded', input_tokens: tokens, output_tokens: 0 });

      const big = await client(gw, org.key).embeddings.create({ model: large, input: 'x' });
      expect(big.data[0].embedding).toHaveLength(3072);
      const small = await client(gw, org.key).embeddings.create({
        model: large,
        input: 'x',
        dimensions: 256,
      });
      expect(small.data[0].embedding).toHaveLength(256);
    });

    it('works with the AI SDK embed()/embedMany(): related texts are closer than unrelated ones', async () => {
      const model = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: org.key }).embedding(embedder);
      const { embedding } = await embed({ model, value: 'the velvet rope' });
      expect(embedding).toHaveLength(1536);
      const { embeddings } = await embedMany({
        model,
        values: ['the velvet rope', 'a velvet rope opens', 'quarterly tax filing'],
      });
      expect(embeddings[0]).toEqual(embedding);
      expect(cosineSimilarity(embeddings[0], embeddings[1])).toBeGreaterThan(
        cosineSimilarity(embeddings[0], embeddings[2]),
      );
    });

    it('locks a premium embedding model, then audits its inputs; refuses bad input with 4xx', async () => {
      const gated = await seedOrg(gw, 'GatedEmbed');
      await expect(
        client(gw, gated.key).embeddings.create({ model: premiumEmbedder, input: 'classified' }),
      ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
      await grantTier(gw, gated.organizationId, 'premium');
      await client(gw, gated.key).embeddings.create({
        model: premiumEmbedder,
        input: 'classified',
      });
      const entries = (await auditEntries(gw)).filter(
        (e) => e.organizationId === gated.organizationId,
      );
      expect(entries).toHaveLength(1);
      expect(entries[0].promptText).toBe('classified');

      const c = client(gw, org.key);
      for (const [body, param] of [
        [{ model: embedder }, 'input'],
        [{ model: embedder, input: [] }, 'input'],
        [{ model: embedder, input: 'x', dimensions: 0 }, 'dimensions'],
        [{ model: embedder, input: 'x', encoding_format: 'hex' }, 'encoding_format'],
      ] as const) {
        const e = (await c.embeddings
          .create(body as never)
          .catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>;
        expect([e.status, e.param]).toEqual([400, param]);
      }
      const tooMany = (await c.embeddings
        .create({ model: embedder, input: 'x', dimensions: 4096 })
        .catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>;
      expect(tooMany.status).toBe(400);
    });
  });

  describe('legacy completions', () => {
    it('completes a prompt (16 tokens by default), streams the same text, and bills both', async () => {
      const { data: res, response } = await client(gw, org.key)
        .completions.create({ model: text, prompt: 'Once upon a time' })
        .withResponse();
      expect(res.object).toBe('text_completion');
      expect(res.id).toMatch(/^cmpl-/);
      expect(res.choices[0].text.length).toBeGreaterThan(0);
      expect(res.usage!.completion_tokens).toBeLessThanOrEqual(16);
      const [row] = await waitForUsage(
        gw,
        'request_id = $1',
        [response.headers.get('x-velvet-call-id')],
        1,
      );
      expect(row).toMatchObject({
        status: 'succeeded',
        output_tokens: res.usage!.completion_tokens,
      });

      const stream = await client(gw, org.key).completions.create({
        model: text,
        prompt: 'Once upon a time',
        stream: true,
        stream_options: { include_usage: true },
      });
      let streamed = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        streamed += chunk.choices[0]?.text ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(streamed).toBe(res.choices[0].text);
      expect(usage).toEqual(res.usage);
    });

    it('refuses what it does not serve with 400s', async () => {
      const c = client(gw, org.key);
      for (const [body, param] of [
        [{ model: text, prompt: ['a', 'b'] }, 'prompt'],
        [{ model: text, prompt: 'a', echo: true }, 'echo'],
        [{ model: text, prompt: 'a', max_tokens: 10_000 }, 'max_tokens'],
        [{ model: text }, 'prompt'],
      ] as const) {
        const e = (await c.completions
          .create(body as never)
          .catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>;
        expect([e.status, e.param]).toEqual([400, param]);
      }
    });
  });

  describe('moderations', () => {
    it('classifies deterministically with the default model, and meters the input', async () => {
      const res = await client(gw, org.key).moderations.create({
        input: ['I will kill the process', 'a lovely day'],
      });
      expect(res.model).toBe(moderator);
      expect(res.results).toHaveLength(2);
      expect(res.results[0].flagged).toBe(true);
      expect(res.results[0].categories.violence).toBe(true);
      expect(res.results[1].flagged).toBe(false);
      expect(Object.keys(res.results[1].category_scores)).toContain('harassment/threatening');
      await waitForUsage(
        gw,
        'organization_id = $1 AND output_tokens = 0 AND status = $2',
        [org.organizationId, 'succeeded'],
        1,
      );
      const unknown = await client(gw, org.key)
        .moderations.create({ input: 'x', model: 'text-moderation-nope' })
        .catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      const bad = (await client(gw, org.key)
        .moderations.create({
          input: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
        })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect([bad.status, bad.param]).toEqual([400, 'input.0.type']);
    });
  });

  it('answers a missing key with 401 on every new endpoint', async () => {
    for (const path of ['responses', 'embeddings', 'completions', 'moderations']) {
      const res = await fetch(`${gw.url}/v1/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: text, input: 'x', prompt: 'x' }),
      });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('passes embeddings and moderations through to an OpenAI-compatible upstream, metering its usage', async () => {
    const seen: { url?: string; body: Record<string, unknown> }[] = [];
    const upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        seen.push({ url: req.url, body: JSON.parse(raw) });
        const out = req.url?.endsWith('/embeddings')
          ? {
              object: 'list',
              data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }],
              model: 'up-embed',
              usage: { prompt_tokens: 5, total_tokens: 5 },
            }
          : {
              id: 'modr-up',
              model: 'up-mod',
              results: [{ flagged: false, categories: {}, category_scores: {} }],
            };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
      await seedModel(gw, {
        slug: 'up-embed',
        upstream: { kind: 'openai_compatible', baseUrl, upstreamModel: 'real-embed' },
      });
      await seedModel(gw, {
        slug: 'up-mod',
        upstream: { kind: 'openai_compatible', baseUrl, upstreamModel: 'real-mod' },
      });
      await refreshCatalog(gw);
      gw.app.get(EntitlementCache).invalidate(org.organizationId);
      const { data: e, response } = await client(gw, org.key)
        .embeddings.create({ model: 'up-embed', input: 'hello', encoding_format: 'float' })
        .withResponse();
      expect(e.data[0].embedding).toEqual([0.6, 0.8]);
      expect(e.model).toBe('up-embed');
      expect(seen[0]).toEqual({
        url: '/v1/embeddings',
        body: { model: 'real-embed', input: 'hello', encoding_format: 'float' },
      });
      const [row] = await waitForUsage(
        gw,
        'request_id = $1',
        [response.headers.get('x-velvet-call-id')],
        1,
      );
      expect(row).toMatchObject({ input_tokens: 5, output_tokens: 0, status: 'succeeded' });
      const m = await client(gw, org.key).moderations.create({ model: 'up-mod', input: 'hi' });
      expect(m.model).toBe('up-mod');
      expect(seen[1]).toEqual({ url: '/v1/moderations', body: { model: 'real-mod', input: 'hi' } });
    } finally {
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
