import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@velvet/access';
import { StaffService } from '@velvet/organizations';
import { EntitlementEngine } from '@velvet/entitlements';
import { dropDatabase, ensureDatabase, migrate } from '@velvet/database';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { loadWorkerEnv } from '../../apps/worker/src/env';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app';
import { loadGatewayEnv } from '../../apps/gateway/src/env';
import { createPortalApp } from '../../apps/portal-api/src/portal-app';
import { loadPortalEnv } from '../../apps/portal-api/src/env';
import { startFakeUpstream } from './fake-upstream';
import { createDetectionWorkerApp } from '../../apps/detection-worker/src/worker-app';
import { loadDetectionWorkerEnv } from '../../apps/detection-worker/src/env';
import type { OrgScenario } from './traffic.types';
import { deleteKeysWithPrefix } from '@velvet/queue';

export const EVAL_MODEL = 'eval-premium';
const PASSWORD = 'eval-password-not-secret-1';
/** (input + output) / 2 price per token of the eval model, in micro-dollars. */
const PRICE_IN = 15_000_000n;
const PRICE_OUT = 75_000_000n;

export interface EvalOrg {
  scenario: OrgScenario;
  id: string;
  adminToken: string;
  keyIds: string[];
  keys: string[];
}

export interface EvalStack {
  portalUrl: string;
  gatewayUrl: string;
  reviewerToken: string;
  /** A fresh reviewer access token (the previous one expired). */
  reviewerLogin: () => Promise<string>;
  db: DataSource;
  orgs: Map<string, EvalOrg>;
  close(): Promise<void>;
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * The real product on loopback, in this process: portal API, gateway (honouring the simulated-time
 * header, which only this flag enables), the audit worker and the detection worker, over a fresh
 * database and queue prefix; every organisation signed up, verified, under an active premium
 * contract and unlocked by the entitlement engine.
 */
export async function startEvalStack(
  orgs: OrgScenario[],
  lengthOf: (lastMessage: string) => number | undefined,
): Promise<EvalStack> {
  // A fresh database per run (libs/testing is not part of the build, so like the benchmarks, migrate one here).
  const server = process.env.EVAL_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const databaseUrl = `${server}/velvet_eval_${Date.now().toString(36)}`;
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const database = { url: databaseUrl, drop: () => dropDatabase(databaseUrl) };
  const upstream = await startFakeUpstream(lengthOf);
  const common = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `eval-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`,
    LOG_LEVEL: process.env.EVAL_LOG_LEVEL ?? 'error',
  };
  const portal: NestExpressApplication = await createPortalApp(
    // A seed can take longer than the default 15-minute access token on a loaded machine: the eval's
    // reviewer logs in again on 401 (replay.ts), and tokens last the maximum allowed hour.
    loadPortalEnv({
      ...common,
      JWT_SECRET: randomBytes(24).toString('hex'),
      PORTAL_API_PORT: '0',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      // every simulated organisation signs up from this one loopback address
      LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
      SIGNUP_RATE_LIMIT_PER_ADDRESS_PER_HOUR: '100000',
      SIGNUP_RATE_LIMIT_GLOBAL_PER_HOUR: '100000',
    }),
  );
  await portal.listen(0, '127.0.0.1');
  const gateway: NestFastifyApplication = await createGatewayApp(
    loadGatewayEnv({
      ...common,
      GATEWAY_PORT: '0',
      GATEWAY_ALLOW_SIMULATED_TIME: 'true',
      // Simulated time runs ~300x faster than real time; real-time rate limits would only measure that.
      GATEWAY_ORG_RPM: '10000000',
      GATEWAY_KEY_RPM: '10000000',
      GATEWAY_ORG_TPM: '100000000000',
    }),
    {},
  );
  await gateway.listen(0, '127.0.0.1');
  const worker: INestApplicationContext = await createWorkerApp(
    loadWorkerEnv({ ...common, AUDIT_TREE_HEAD_INTERVAL_MS: '5000' }),
  );
  await worker.init();
  // Detection in its own process in production (apps/detection-worker); here, its own application context.
  const detection: INestApplicationContext = await createDetectionWorkerApp(
    loadDetectionWorkerEnv({ ...common, DETECTION_RUN_BUDGET_MS: '600000' }),
  );
  await detection.init();
  const portalUrl = `http://127.0.0.1:${(portal.getHttpServer().address() as AddressInfo).port}`;
  const gatewayUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
  const db = portal.get(DataSource);

  await db.query(
    `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false), ('premium', 'Premium', 2, true) ON CONFLICT DO NOTHING`,
  );
  await db.query(
    `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream, max_output_tokens)
     VALUES ($1, 'Eval premium', 'premium', $2, $3, $4, 4096)`,
    [
      EVAL_MODEL,
      PRICE_IN.toString(),
      PRICE_OUT.toString(),
      JSON.stringify({
        kind: 'openai_compatible',
        baseUrl: upstream.url,
        upstreamModel: 'eval',
        timeoutMs: 30_000,
      }),
    ],
  );
  await db.query(
    `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, requires_verified) VALUES ('premium', true, 0, true) ON CONFLICT DO NOTHING`,
  );
  await portal.get(StaffService).create({
    email: 'reviewer@eval.test',
    displayName: 'Eval reviewer',
    password: PASSWORD,
    role: Role.SecurityReviewer,
  });
  const reviewerLogin = async () =>
    (
      await post<{ accessToken: string }>(`${portalUrl}/auth/login`, {
        email: 'reviewer@eval.test',
        password: PASSWORD,
      })
    ).accessToken;
  const reviewerToken = await reviewerLogin();

  const out = new Map<string, EvalOrg>();
  for (const o of orgs) {
    const signup = await post<{
      accessToken: string;
      user: { id: string };
      organization: { id: string };
    }>(`${portalUrl}/auth/signup`, {
      organizationName: o.name,
      email: `admin@${o.name}.test`,
      password: PASSWORD,
      displayName: `${o.name} admin`,
    });
    const id = signup.organization.id;
    // Contract minimum per quarter = the baseline's tokens over the quarter at the model's blended price.
    const minSpend =
      (BigInt(Math.round(o.baselineTokensPerHour * 730 * 3)) * ((PRICE_IN + PRICE_OUT) / 2n)) /
      1_000_000n;
    // verified by staff, and the sign-up address confirmed (no mailbox to follow the link from)
    await db.query(
      `UPDATE organizations SET verified = true, email_verified_at = now() WHERE id = $1`,
      [id],
    );
    await db.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency, status, requested_by, review_round)
       VALUES ($1, 'premium', $2, 3, current_date - 30, current_date + 365, 'USD', 'active', $3, 1)`,
      [id, minSpend.toString(), signup.user.id],
    );
    await portal.get(EntitlementEngine).evaluate(id, 'eval setup');
    const keyIds: string[] = [];
    const keys: string[] = [];
    for (let k = 0; k < o.keys; k++) {
      const key = await post<{ id: string; key: string }>(
        `${portalUrl}/organizations/${id}/api-keys`,
        { name: `key-${k}` },
        signup.accessToken,
      );
      keyIds.push(key.id);
      keys.push(key.key);
    }
    out.set(o.name, { scenario: o, id, adminToken: signup.accessToken, keyIds, keys });
  }

  return {
    portalUrl,
    gatewayUrl,
    reviewerToken,
    reviewerLogin,
    db,
    orgs: out,
    async close() {
      await gateway.close();
      await detection.close();
      await worker.close();
      await portal.close();
      await upstream.close();
      if (!process.env.EVAL_KEEP_DB) {
        await database.drop();
        // The run's queues and streams live under its own prefix; leave nothing behind in a shared Redis.
        await deleteKeysWithPrefix(common.REDIS_URL, common.QUEUE_PREFIX);
      }
    },
  };
}
