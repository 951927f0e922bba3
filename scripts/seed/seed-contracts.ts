import { costOfTokens } from '@velvet/common';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEMO_STAFF } from './demo-accounts';

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

async function userId(db: DataSource, email: string): Promise<string> {
  const [u] = await db.query(`SELECT id FROM users WHERE email = $1`, [email]);
  if (!u) throw new Error(`seed: ${email} missing; seed identities first`);
  return u.id;
}

/** A key that only carries the demo's history: its secret hash matches nothing, so it cannot be used. */
async function historyKey(
  db: DataSource,
  organizationId: string,
  createdBy: string,
): Promise<string> {
  const [existing] = await db.query(
    `SELECT id FROM api_keys WHERE organization_id = $1 AND name = 'Usage history (seed)'`,
    [organizationId],
  );
  if (existing) return existing.id;
  const [key] = await db.query(
    `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash, created_by, revoked_at)
     VALUES ($1, 'Usage history (seed)', $2, 'unusable', $3, now()) RETURNING id`,
    [organizationId, randomBytes(6).toString('hex'), createdBy],
  );
  return key.id;
}

/**
 * Daily standard-model usage over the last `days` days, summing to about `targetMicros`, priced
 * from the catalog (costs are exact from the token counts). Idempotent by request id.
 */
async function seedUsage(
  db: DataSource,
  orgSlug: string,
  organizationId: string,
  keyId: string,
  targetMicros: bigint,
  days: number,
) {
  const [model] = await db.query(
    `SELECT id, tier, input_price_micros_per_mtok::text AS inp, output_price_micros_per_mtok::text AS outp FROM models WHERE slug = 'velvet-standard-2'`,
  );
  const perDay = targetMicros / BigInt(days);
  for (let i = 0; i < days; i++) {
    // 3 input tokens per output token, sized to the day's target
    const blended = (3n * BigInt(model.inp) + BigInt(model.outp)) / 4n;
    const tokens = Number((perDay * 1_000_000n) / blended);
    const input = Math.floor((tokens * 3) / 4);
    const output = tokens - input;
    const cost = costOfTokens(input, BigInt(model.inp)) + costOfTokens(output, BigInt(model.outp));
    const occurredAt = new Date(Date.now() - (i + 1) * DAY + 9 * 3_600_000);
    await db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens, cost_micros,
                                  currency, latency_ms, status, occurred_at)
       SELECT $1, $2::uuid, $3::uuid, $4::uuid, $5, $6::int, $7::int, $8::bigint, 'USD', 850, 'succeeded', $9::timestamptz
        WHERE NOT EXISTS (SELECT 1 FROM usage_records WHERE request_id = $1)`,
      [
        `seed-${orgSlug}-day-${i}`,
        organizationId,
        keyId,
        model.id,
        model.tier,
        input,
        output,
        cost.toString(),
        occurredAt,
      ],
    );
  }
}

/** A contract as if it went through the portal, with its whole trail. */
async function seedContract(
  db: DataSource,
  c: {
    organizationId: string;
    tier: string;
    minSpendMicros: bigint;
    termStart: string;
    termEnd: string;
    requestedBy: string;
  },
  trail: { to: string; actor: string | null; reason: string | null }[],
  approver: string | null,
) {
  const status = trail[trail.length - 1].to;
  const [contract] = await db.query(
    `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency, status,
                            required_approvals, requested_by, review_round)
     VALUES ($1, $2, $3, 3, $4, $5, 'USD', $6, 1, $7, 1) RETURNING id`,
    [
      c.organizationId,
      c.tier,
      c.minSpendMicros.toString(),
      c.termStart,
      c.termEnd,
      status,
      c.requestedBy,
    ],
  );
  let from: string | null = null;
  for (const step of trail) {
    await db.query(
      `INSERT INTO contract_transitions (contract_id, organization_id, from_status, to_status, actor_user_id, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
      [contract.id, c.organizationId, from, step.to, step.actor, step.reason],
    );
    from = step.to;
  }
  if (approver)
    await db.query(
      `INSERT INTO contract_approvals (contract_id, round, approver_id) VALUES ($1, 1, $2)`,
      [contract.id, approver],
    );
}

/**
 * Acme Corp: an active premium contract and 12,500 USD of standard spend in the last 60 days, so
 * premium is unlocked and flagship is locked (no flagship contract, spend, account age).
 * Globex: a premium request waiting for an account manager, with 4,100 USD of spend.
 * Skips an organisation that has contracts already.
 */
export async function seedContracts(db: DataSource): Promise<void> {
  const am1 = await userId(db, DEMO_STAFF.find((s) => s.email.startsWith('am1'))!.email);
  const orgs: { id: string; slug: string; name: string }[] = await db.query(
    `SELECT id, slug, name FROM organizations WHERE name IN ('Acme Corp', 'Globex')`,
  );
  for (const org of orgs) {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM contracts WHERE organization_id = $1`,
      [org.id],
    );
    if (n > 0) continue;
    const [admin] = await db.query(
      `SELECT id FROM users WHERE organization_id = $1 AND role = 'org_admin' ORDER BY created_at LIMIT 1`,
      [org.id],
    );
    const key = await historyKey(db, org.id, admin.id);
    const start = new Date(Date.now() - 45 * DAY);
    const termStart = day(start);
    const termEnd = day(
      new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), start.getUTCDate() - 1)),
    );
    if (org.name === 'Acme Corp') {
      await seedUsage(db, org.slug, org.id, key, 12_500_000_000n, 60);
      await seedContract(
        db,
        {
          organizationId: org.id,
          tier: 'premium',
          minSpendMicros: 50_000_000_000n,
          termStart,
          termEnd,
          requestedBy: admin.id,
        },
        [
          { to: 'draft', actor: admin.id, reason: null },
          { to: 'submitted', actor: admin.id, reason: null },
          {
            to: 'approved',
            actor: am1,
            reason: 'Steady standard-tier usage; premium for the support assistant',
          },
          { to: 'active', actor: null, reason: `term started ${termStart}` },
        ],
        am1,
      );
    } else {
      await seedUsage(db, org.slug, org.id, key, 4_100_000_000n, 30);
      await seedContract(
        db,
        {
          organizationId: org.id,
          tier: 'premium',
          minSpendMicros: 30_000_000_000n,
          termStart: day(new Date()),
          termEnd: day(new Date(Date.now() + 364 * DAY)),
          requestedBy: admin.id,
        },
        [
          { to: 'draft', actor: admin.id, reason: null },
          { to: 'submitted', actor: admin.id, reason: null },
        ],
        null,
      );
    }
  }
}
