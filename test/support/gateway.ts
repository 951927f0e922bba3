import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { generateKeyMaterial } from '@velvet/api-keys';
import { type UpstreamConfig } from '@velvet/catalog';
import { EntitlementCache } from '@velvet/entitlements';
import { entryOfAuditStreamRecord, type PremiumCallEntry } from '@velvet/audit';
import { METERING_REDIS, QuotaService } from '@velvet/metering';
import type IORedis from 'ioredis';
import OpenAI from 'openai';
import type { DataSource } from 'typeorm';
import { loadGatewayEnv, type GatewayEnv } from '../../apps/gateway/src/env';
import { ModelCatalog } from '../../apps/gateway/src/catalog/model-catalog';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app';
import { type RunningTestApp, startTestApp } from './test-app';

export interface RunningGateway extends RunningTestApp<NestFastifyApplication, GatewayEnv> {
  db: DataSource;
}

/** A real gateway on a random loopback port, over its own database and Redis prefix. */
export async function startGateway(
  overrides: Record<string, string> = {},
  secrets: Record<string, string> = {},
): Promise<RunningGateway> {
  const running = await startTestApp(
    (base) =>
      loadGatewayEnv({
        ...base,
        GATEWAY_PORT: '0',
        GATEWAY_CACHE_TTL_MS: '200',
        // No worker runs beside a test gateway: it stores its own usage (the worker does, deployed).
        GATEWAY_INGEST_USAGE: 'true',
        ...overrides,
      }),
    (env) => createGatewayApp(env, secrets),
  );
  return { ...running, db: running.app.get<DataSource>(getDataSourceToken()) };
}

export interface SeededOrg {
  organizationId: string;
  apiKeyId: string;
  key: string;
}

let counter = 0;

/** An active organisation and a live key for it, written straight to the database. */
export async function seedOrg(gw: RunningGateway, name = 'Acme'): Promise<SeededOrg> {
  counter++;
  const [org] = await gw.db.query(
    `INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id`,
    [name, `org-${Date.now()}-${counter}`],
  );
  const apiKeyId = await addKey(gw, org.id);
  return { organizationId: org.id, ...apiKeyId };
}

export async function addKey(
  gw: RunningGateway,
  organizationId: string,
): Promise<{ apiKeyId: string; key: string }> {
  const m = generateKeyMaterial();
  const [row] = await gw.db.query(
    `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'test', $2, $3) RETURNING id`,
    [organizationId, m.lookupId, m.secretHash],
  );
  return { apiKeyId: row.id, key: m.key };
}

/** Standard (open) and premium (gated) tiers, once per database. */
export async function seedTiers(gw: RunningGateway): Promise<void> {
  await gw.db.query(
    `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false), ('premium', 'Premium', 2, true)
     ON CONFLICT DO NOTHING`,
  );
}

export interface ModelSeed {
  slug: string;
  tier?: string;
  inputPrice?: bigint;
  outputPrice?: bigint;
  upstream?: UpstreamConfig;
  maxOutputTokens?: number;
}

export async function seedModel(gw: RunningGateway, m: ModelSeed): Promise<string> {
  const [row] = await gw.db.query(
    `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream, max_output_tokens)
     VALUES ($1, $1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      m.slug,
      m.tier ?? 'standard',
      String(m.inputPrice ?? 1_000_000n),
      String(m.outputPrice ?? 2_000_000n),
      JSON.stringify(m.upstream ?? { kind: 'simulator' }),
      m.maxOutputTokens ?? 4096,
    ],
  );
  return row.id;
}

/** Makes the catalog cache see new models now rather than within its TTL. */
export async function refreshCatalog(gw: RunningGateway): Promise<void> {
  await gw.app.get(ModelCatalog).refresh();
}

/** Unlocks a gated tier for an organisation as the entitlement engine would, and drops the cached decision. */
export async function grantTier(
  gw: RunningGateway,
  organizationId: string,
  tier: string,
): Promise<void> {
  await gw.db.query(
    `INSERT INTO organization_entitlements (organization_id, tier, unlocked_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`,
    [organizationId, tier],
  );
  gw.app.get(EntitlementCache).invalidate(organizationId);
}

/**
 * A rule every organisation meets for `tier`: suites that grant a tier directly and run a worker
 * need it, or the worker's entitlement evaluations (the start-up sweep, the one after each recorded
 * spend) rightly withdraw a grant no rule supports, at a moment no test controls.
 */
export async function openUnlockRule(gw: RunningGateway, tier: string): Promise<void> {
  await gw.db.query(
    `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, requires_verified, requires_not_suspended, min_account_age_days)
     VALUES ($1, false, 0, false, true, 0)
     ON CONFLICT (tier) DO UPDATE SET requires_contract = false, min_qualifying_spend_micros = 0,
       requires_verified = false, requires_not_suspended = true, min_account_age_days = 0`,
    [tier],
  );
}

export const client = (gw: RunningGateway, key: string) =>
  new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });

/** Usage rows are written asynchronously (stream -> batch insert): wait until `count` rows match. */
export async function waitForUsage(
  gw: RunningGateway,
  where: string,
  params: unknown[],
  count: number,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await gw.db.query(
      `SELECT * FROM usage_records WHERE ${where} ORDER BY id`,
      params,
    );
    if (rows.length >= count || Date.now() > deadline) return rows as Record<string, unknown>[];
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The gateway's own id of a call (its usage record's request_id and audit event id). */
export const callIdOf = (response: Response): string =>
  response.headers.get('x-velvet-call-id') ?? '';

/** Premium-call audit entries the gateway recorded (its audit stream; no worker runs in these suites). */
export async function auditEntries(gw: RunningGateway): Promise<PremiumCallEntry[]> {
  const redis = gw.app.get<IORedis>(METERING_REDIS);
  const rows = await redis.xrange(gw.app.get(QuotaService).auditStreamKey(), '-', '+');
  return rows.map(([, fields]) => entryOfAuditStreamRecord(fields));
}

/** A fetch for the SDK that counts every HTTP attempt it makes, retries included. */
export function countingFetch(): {
  fetch: typeof fetch;
  attempts: () => number;
  reset: () => void;
} {
  let n = 0;
  return {
    fetch: (input, init) => {
      n++;
      return fetch(input, init);
    },
    attempts: () => n,
    reset: () => void (n = 0),
  };
}
