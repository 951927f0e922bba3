import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@velvet/access';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadGatewayEnv } from '../apps/gateway/src/env';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { ModelCatalog } from '../apps/gateway/src/catalog/model-catalog';
import { bearer, createStaff, signUp, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';

/**
 * A security reviewer's Restore (or Lift) is made on the portal; the very next call through the
 * gateway, a separate process on the same database and Redis, must be served. The gateway keeps
 * the limit overrides in memory for its hot path, so this is a cache-invalidation guarantee.
 * The official SDK with retries off: a 429 it would have retried still shows.
 */
describe('gateway: the first call after Restore / Lift is served (real portal + gateway, PostgreSQL, Redis)', () => {
  let portal: RunningPortal;
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;
  let reviewer: Session;
  let admin: Session;
  let apiKeyId: string;
  let ai: OpenAI;
  let caseId: string;

  beforeAll(async () => {
    portal = await startPortal();
    gateway = await createGatewayApp(
      loadGatewayEnv({
        NODE_ENV: 'test',
        DATABASE_URL: portal.env.DATABASE_URL,
        REDIS_URL: portal.env.REDIS_URL,
        QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
        LOG_LEVEL: 'silent',
        GATEWAY_PORT: '0',
        PORTAL_PUBLIC_URL: portal.url,
      }),
      {},
    );
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
    const db = portal.app.get(DataSource);
    await db.query(
      `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false) ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream, max_output_tokens)
       VALUES ('open-1', 'Open 1', 'standard', 1000000, 2000000, '{"kind":"simulator"}', 256)`,
    );
    await gateway.get(ModelCatalog).refresh();
    reviewer = await createStaff(portal, Role.SecurityReviewer, 'sec@restore.test');
    admin = await signUp(portal, 'Restore Labs', 'admin@restore.test');
    const key = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: 'batch' })
      .expect(201);
    apiKeyId = key.body.id;
    caseId = await openCase();
    ai = new OpenAI({
      apiKey: key.body.key,
      baseURL: `${gatewayUrl}/v1`,
      maxRetries: 0,
      timeout: 10_000,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await portal?.close();
  });

  const call = () =>
    ai.chat.completions.create({
      model: 'open-1',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
    });
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : Promise.reject(e)),
    );

  /** The organisation's open alert case (detection's output, written as the detector would). */
  async function openCase(): Promise<string> {
    const [row] = await portal.app.get(DataSource).query(
      `INSERT INTO alert_cases (organization_id, status, level, risk_score, peak_score, organization_score, drivers,
                                evidence, flagged_keys, first_detected_at, last_detected_at, version)
       VALUES ($1, 'open', 'high', 0.9, 0.9, 0.9, '{volume}', '[]', '[]', now(), now(), 1) RETURNING id`,
      [admin.organizationId],
    );
    return row.id;
  }

  /** Throttled to one request a minute until refused, so the next answer shows whether the throttle is gone. */
  async function exhaustThrottle(): Promise<void> {
    let refused = 0;
    for (let i = 0; i < 3 && !refused; i++) if ((await status(call())) === 429) refused++;
    expect(refused).toBe(1);
  }

  it('Restore on an alert case (suspension and organisation throttle): the next call is served', async () => {
    const id = caseId;
    const sec = bearer(reviewer);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(sec)
      .send({ requestsPerMinute: 1, reason: 'Throttle pending review' })
      .expect(200);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/suspend`)
      .set(sec)
      .send({ reason: 'Distillation pattern' })
      .expect(200);
    await exhaustThrottle();
    await request(portal.url)
      .post(`/security/alert-cases/${id}/restore`)
      .set(sec)
      .send({ reason: 'Customer signed remediation' })
      .expect(200);
    expect(await status(call())).toBe(200);
    expect(await status(call())).toBe(200);
  });

  it('Lift of a key throttle from the organisation page: the next call is served', async () => {
    const id = caseId;
    const sec = bearer(reviewer);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(sec)
      .send({ apiKeyId, requestsPerMinute: 1, reason: 'Throttle the batch key' })
      .expect(200);
    await exhaustThrottle();
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/throttles/lift`)
      .set(sec)
      .send({ apiKeyId, reason: 'Batch job explained' })
      .expect(200, { lifted: true });
    expect(await status(call())).toBe(200);
  });

  it('a throttle set on the portal bites on the gateway at once too', async () => {
    const id = caseId;
    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(bearer(reviewer))
      .send({ requestsPerMinute: 1, reason: 'Throttle pending review' })
      .expect(200);
    // one call a minute: of three calls at once, exactly one is served (not three under a stale snapshot)
    await exhaustThrottle();
    await request(portal.url)
      .post(`/security/alert-cases/${id}/restore`)
      .set(bearer(reviewer))
      .send({ reason: 'Cleared after review' })
      .expect(200);
    expect(await status(call())).toBe(200);
  });
});
