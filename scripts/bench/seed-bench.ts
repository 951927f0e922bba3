import { generateKeyMaterial } from '@velvet/api-keys';
import { dropDatabase, ensureDatabase, migrate } from '@velvet/database';
import { Client } from 'pg';

export interface BenchSeed {
  databaseUrl: string;
  key: string;
  model: string;
  /** A standard (open) model on the same upstream: no audit entry, no prompt in its record. */
  standardModel: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database for the run: one organisation, one key, a premium (gated) model served by
 * the bench upstream, and the premium tier unlocked, so every call goes through auth, the
 * entitlement check, limits, metering and the audit enqueue.
 */
export async function seedBench(serverUrl: string, upstreamPort: number): Promise<BenchSeed> {
  const databaseUrl = `${serverUrl}/velvet_bench_${Date.now().toString(36)}`;
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false), ('premium', 'Premium', 2, true) ON CONFLICT DO NOTHING`,
    );
    const upstream = {
      kind: 'openai_compatible',
      baseUrl: `http://127.0.0.1:${upstreamPort}/v1`,
      upstreamModel: 'bench-upstream',
      timeoutMs: 10_000,
    };
    await db.query(
      `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream)
       VALUES ('bench-premium', 'Bench premium', 'premium', 15000000, 75000000, $1), ('bench-standard', 'Bench standard', 'standard', 150000, 600000, $1)`,
      [JSON.stringify(upstream)],
    );
    const [org] = (
      await db.query(
        `INSERT INTO organizations (name, slug, verified) VALUES ('Bench Corp', 'bench-corp', true) RETURNING id`,
      )
    ).rows;
    const m = generateKeyMaterial();
    await db.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'bench', $2, $3)`,
      [org.id, m.lookupId, m.secretHash],
    );
    await db.query(
      `INSERT INTO organization_entitlements (organization_id, tier, unlocked_at) VALUES ($1, 'premium', now())`,
      [org.id],
    );
    // A rule the organisation meets, so a real worker's evaluations (BENCH_WORKER=full: the start-up
    // sweep, one after each recorded spend) keep the grant instead of withdrawing it as unsupported.
    await db.query(
      `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, requires_verified, requires_not_suspended, min_account_age_days)
       VALUES ('premium', false, 0, true, true, 0)`,
    );
    return {
      databaseUrl,
      key: m.key,
      model: 'bench-premium',
      standardModel: 'bench-standard',
      drop: () => dropDatabase(databaseUrl),
    };
  } finally {
    await db.end();
  }
}
