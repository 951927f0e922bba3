import { connect } from 'node:net';
import {
  grantTier,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

/**
 * An independent prober's hostile requests to the gateway: odd Idempotency-Key values, bodies with
 * NUL or lone surrogates, absurd numbers, wrong shapes. Each must end in an OpenAI-style 4xx (or be
 * served normally), never a 5xx.
 */
describe('probe: hostile requests to the gateway never get a 5xx', () => {
  let gw: RunningGateway;
  let acme: SeededOrg;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: 'probe-lite', maxOutputTokens: 64 });
    await seedModel(gw, { slug: 'probe-prem', tier: 'premium' });
    await refreshCatalog(gw);
    acme = await seedOrg(gw, 'Probe');
    await gw.db.query(`UPDATE organizations SET verified = true WHERE id = $1`, [
      acme.organizationId,
    ]);
    await grantTier(gw, acme.organizationId, 'premium');
  });
  afterAll(() => gw?.close());

  /** A raw HTTP/1.1 request, so header values no fetch implementation would send reach the server. */
  function raw(
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; body: string }> {
    const { hostname, port } = new URL(gw.url);
    const payload = Buffer.from(body, 'utf8');
    const head = [
      `POST /v1/chat/completions HTTP/1.1`,
      `host: ${hostname}`,
      `content-length: ${payload.length}`,
      'connection: close',
    ]
      .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
      .join('\r\n');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), payload])),
      );
      let out = '';
      socket.on('data', (c) => (out += c.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0);
        resolve({ status, body: out.slice(out.indexOf('\r\n\r\n') + 4) });
      });
    });
  }
  const auth = () => ({ authorization: `Bearer ${acme.key}`, 'content-type': 'application/json' });
  const ok = (model = 'probe-lite', extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it.each([
    ['an Idempotency-Key with a NUL byte', { 'idempotency-key': 'a\u0000b' }],
    ['an Idempotency-Key of 10 kB', { 'idempotency-key': 'k'.repeat(10_000) }],
    ['an empty Idempotency-Key', { 'idempotency-key': '' }],
    ['an Idempotency-Key with spaces and a slash', { 'idempotency-key': 'a b/c' }],
    ['an Idempotency-Key in latin-1', { 'idempotency-key': 'clé' }],
    ['two Idempotency-Keys', { 'idempotency-key': 'one', 'Idempotency-Key': 'two' }],
  ])('answers %s with 400 in the OpenAI shape', async (_what, headers) => {
    for (const model of ['probe-lite', 'probe-prem']) {
      const res = await raw({ ...auth(), ...headers }, ok(model));
      expect([res.status, res.body]).toEqual([
        400,
        expect.stringContaining('"invalid_request_error"'),
      ]);
    }
  });

  it.each([
    ['a NUL in message content', { messages: [{ role: 'user', content: 'a\u0000b' }] }, [200]],
    [
      'a lone surrogate in message content',
      { messages: [{ role: 'user', content: 'a\ud800b' }] },
      [200, 400],
    ],
    [
      'a lone surrogate in a name',
      { messages: [{ role: 'user', content: 'x', name: '\udc00' }] },
      [200, 400],
    ],
    ['n = 0', { n: 0 }, [400]],
    ['n = 10^9', { n: 1e9 }, [400]],
    ['n = 2^64', { n: 18446744073709551616 }, [400]],
    ['max_tokens = -1', { max_tokens: -1 }, [400]],
    ['max_tokens = 1e308', { max_tokens: 1e308 }, [400]],
    ['max_completion_tokens = -5', { max_completion_tokens: -5 }, [400]],
    ['empty messages', { messages: [] }, [400]],
    ['an unknown model', { model: 'no-such-model' }, [404]],
    ['a model name with a NUL', { model: 'probe\u0000lite' }, [404, 400]],
    ['a null model', { model: null }, [400]],
    ['content as a number', { messages: [{ role: 'user', content: 42 }] }, [400]],
    // Passed through on purpose (vendor part types reach OpenAI-compatible upstreams); the simulator ignores it.
    [
      'content parts with an unknown type',
      { messages: [{ role: 'user', content: [{ type: 'nope' }] }] },
      [200, 400],
    ],
    ['stream as a string', { stream: 'yes' }, [400]],
    ['stop with 100 entries', { stop: Array.from({ length: 100 }, (_, i) => `s${i}`) }, [400]],
    ['seed beyond 2^63', { seed: 1e20 }, [200, 400]],
    ['temperature NaN-like', { temperature: 'NaN' }, [400]],
  ])(
    'answers %s with an OpenAI-style 4xx or serves it, never a 5xx',
    async (_what, extra, allowed) => {
      for (const model of ['probe-lite', 'probe-prem']) {
        for (const stream of [false, true]) {
          const body = JSON.stringify({
            model,
            messages: [{ role: 'user', content: 'hi' }],
            ...(stream ? { stream } : {}),
            ...extra,
          });
          const res = await fetch(`${gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: auth(),
            body,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await res.text();
          expect({ model, stream, status: res.status, ok: allowed.includes(res.status) }).toEqual({
            model,
            stream,
            status: res.status,
            ok: true,
          });
          if (res.status >= 400)
            expect(JSON.parse(text)).toEqual({
              error: expect.objectContaining({
                type: 'invalid_request_error',
                message: expect.any(String),
              }),
            });
        }
      }
    },
  );

  // Was a 500 with an Idempotency-Key (its body hash recursed past the stack); now refused up front.
  it.each([
    ['200,000', 200_000, {}],
    ['200,000', 200_000, { 'idempotency-key': 'deep-1' }],
    ['5,000', 5_000, { 'idempotency-key': 'deep-2' }],
  ])(
    'answers a body nested %s deep (%#) with 400 naming the parameter',
    async (_what, depth, headers) => {
      for (const model of ['probe-lite', 'probe-prem']) {
        const deep = `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const res = await raw({ ...auth(), ...headers }, deep);
        expect({ model, status: res.status, body: res.body.slice(0, 300) }).toEqual({
          model,
          status: 400,
          body: expect.stringContaining('"param":"metadata"'),
        });
      }
    },
  );

  it('serves a request whose JSON schema nests as deep as real ones do', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 7; i++)
      schema = {
        type: 'object',
        properties: { inner: schema },
        required: ['inner'],
        additionalProperties: false,
      };
    const body = JSON.stringify({
      model: 'probe-lite',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'deep', strict: true, schema } },
    });
    const res = await raw({ ...auth(), 'idempotency-key': 'schema-1' }, body);
    expect([res.status, res.body]).toEqual([200, expect.any(String)]);
  });

  it.each([
    ['a body that is not JSON', 'application/json', '{"model":"probe-lite",'],
    [
      'a body with invalid UTF-8',
      'application/json',
      '{"model":"probe-lite","messages":[{"role":"user","content":"\u00ff',
    ],
    ['no content type', '', ok()],
    ['a form', 'application/x-www-form-urlencoded', 'model=probe-lite'],
    ['a JSON null', 'application/json', 'null'],
    ['an empty body', 'application/json', ''],
  ])('answers %s with a 4xx', async (_what, type, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${acme.key}` };
    if (type) headers['content-type'] = type;
    const res = await raw(headers, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
