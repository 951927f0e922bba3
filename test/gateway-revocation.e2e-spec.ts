import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Role } from '@velvet/access';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadGatewayEnv } from '../apps/gateway/src/env';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { bearer, createStaff, type Session, signUp } from './support/http';
import { type RunningPortal, startPortal } from './support/portal';

/** A gateway process over the portal's database and Redis prefix, as in production. */
async function startGatewayBeside(
  portal: RunningPortal,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const env = loadGatewayEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_PORT: '0',
    DATABASE_URL: portal.env.DATABASE_URL,
    QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
  });
  const app = await createGatewayApp(env, {});
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messages = [{ role: 'user' as const, content: 'still allowed?' }];

describe('gateway: revoked keys and disabled organisations are refused at once, in every process', () => {
  let portal: RunningPortal;
  let gateways: { app: NestFastifyApplication; url: string }[] = [];
  let admin: Session;
  let platformAdmin: Session;
  let n = 0;

  beforeAll(async () => {
    portal = await startPortal();
    await seedCatalog(portal.app.get<DataSource>(getDataSourceToken()));
    gateways = [await startGatewayBeside(portal), await startGatewayBeside(portal)];
    admin = await signUp(portal, 'Revokers', 'revokers@example.com');
    platformAdmin = await createStaff(
      portal,
      Role.PlatformAdmin,
      'platform-revocation@example.com',
    );
  });
  afterAll(async () => {
    for (const g of gateways) await g.app.close();
    await portal?.close();
  });

  const newKey = async (): Promise<{ id: string; key: string }> => {
    const res = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: `key-${++n}` })
      .expect(201);
    return { id: res.body.id, key: res.body.key };
  };
  const sdk = (url: string, key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 });
  const call = (url: string, key: string) =>
    sdk(url, key).chat.completions.create({ model: 'velvet-lite-1', messages });
  /** Twenty concurrent calls spread over both gateway processes; what each one got. */
  const burst = (key: string) =>
    Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(gateways[i % 2].url, key).then(
          () => 'served',
          (e: unknown) => e,
        ),
      ),
    );
  const revoke = (id: string) =>
    request(portal.url)
      .delete(`/organizations/${admin.organizationId}/api-keys/${id}`)
      .set(bearer(admin))
      .expect(200);

  it('refuses a busy key on every gateway as soon as the portal has revoked it', async () => {
    const { id, key } = await newKey();
    // Both processes hold the key in their cache, fresh.
    for (const g of gateways) await call(g.url, key);
    await revoke(id);
    const outcomes = await burst(key);
    expect(outcomes.filter((o) => o === 'served')).toHaveLength(0);
    expect(outcomes.every((o) => o instanceof OpenAI.AuthenticationError)).toBe(true);
  });

  it('refuses a key that was idle before it was revoked (no stale-while-revalidate)', async () => {
    const { id, key } = await newKey();
    for (const g of gateways) await call(g.url, key);
    await sleep(700); // the cached entries are now past their staleness bound
    await revoke(id);
    const outcomes = await burst(key);
    expect(outcomes.every((o) => o instanceof OpenAI.AuthenticationError)).toBe(true);
  });

  it('refuses a revoked key within the staleness bound even when no message is published', async () => {
    const { id, key } = await newKey();
    for (const g of gateways) await call(g.url, key);
    // Revoked behind the gateways' back: no pub/sub message at all.
    await portal.app
      .get<DataSource>(getDataSourceToken())
      .query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
    // A verdict is never served 500 ms after the last query that checked it (a load or the poll), whatever the load.
    await sleep(600);
    const outcomes = await burst(key);
    expect(outcomes.every((o) => o instanceof OpenAI.AuthenticationError)).toBe(true);
  });

  it('refuses every key of an organisation a platform admin disables, and serves them again once re-enabled', async () => {
    const { key } = await newKey();
    for (const g of gateways) await call(g.url, key);
    const setStatus = (status: string) =>
      request(portal.url)
        .patch(`/organizations/${admin.organizationId}`)
        .set(bearer(platformAdmin))
        .send({ status })
        .expect(200);
    await setStatus('disabled');
    const outcomes = await burst(key);
    expect(
      outcomes.every(
        (o) =>
          o instanceof OpenAI.PermissionDeniedError &&
          (o as InstanceType<typeof OpenAI.APIError>).code === 'organization_disabled',
      ),
    ).toBe(true);
    await setStatus('active');
    expect((await call(gateways[0].url, key)).choices[0].message.content).toBeTruthy();
  });
});
