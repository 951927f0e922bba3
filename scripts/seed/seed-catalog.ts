import type { DataSource } from 'typeorm';

/** Tiers: spend on `standard` qualifies; `premium` and `flagship` are behind their unlock rules. */
export const DEMO_TIERS = [
  { name: 'standard', displayName: 'Standard', rank: 10, gated: false },
  { name: 'premium', displayName: 'Premium', rank: 20, gated: true },
  { name: 'flagship', displayName: 'Flagship', rank: 30, gated: true },
] as const;

const usd = (dollarsPerMTok: number) => BigInt(Math.round(dollarsPerMTok * 1_000_000)).toString();

/** A realistic catalog, all served by the built-in simulator. Prices are USD micros per million tokens. */
export const DEMO_MODELS = [
  {
    slug: 'velvet-lite-1',
    displayName: 'Velvet Lite 1',
    tier: 'standard',
    input: usd(0.15),
    output: usd(0.6),
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    tokenizer: 'cl100k_base',
  },
  {
    slug: 'velvet-standard-2',
    displayName: 'Velvet Standard 2',
    tier: 'standard',
    input: usd(0.5),
    output: usd(1.5),
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    tokenizer: 'o200k_base',
  },
  {
    slug: 'velvet-code-1',
    displayName: 'Velvet Code 1',
    tier: 'standard',
    input: usd(0.8),
    output: usd(3.2),
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    tokenizer: 'o200k_base',
  },
  {
    slug: 'velvet-pro-1',
    displayName: 'Velvet Pro 1',
    tier: 'premium',
    input: usd(3),
    output: usd(15),
    contextWindow: 200_000,
    maxOutputTokens: 16_384,
    tokenizer: 'o200k_base',
  },
  {
    slug: 'velvet-pro-long-1',
    displayName: 'Velvet Pro Long 1',
    tier: 'premium',
    input: usd(6),
    output: usd(22.5),
    contextWindow: 1_000_000,
    maxOutputTokens: 16_384,
    tokenizer: 'o200k_base',
  },
  {
    slug: 'velvet-opus-1',
    displayName: 'Velvet Opus 1',
    tier: 'flagship',
    input: usd(15),
    output: usd(75),
    contextWindow: 200_000,
    maxOutputTokens: 32_768,
    tokenizer: 'o200k_base',
  },
] as const;

/** Unlock rules per gated tier (data the platform admin edits later). Amounts in USD micros. */
export const DEMO_RULES = [
  {
    tier: 'premium',
    minQualifyingSpendMicros: 10_000_000_000n, // 10,000 USD on standard models
    spendWindowDays: 90,
    minAccountAgeDays: 0,
    dualApprovalAboveMicros: 100_000_000_000n, // contracts above 100,000 USD per period need two approvers
  },
  {
    tier: 'flagship',
    minQualifyingSpendMicros: 50_000_000_000n, // 50,000 USD
    spendWindowDays: 90,
    minAccountAgeDays: 30,
    dualApprovalAboveMicros: 100_000_000_000n,
  },
] as const;

/** Tiers, models and unlock rules; skips whatever exists, so it is safe to run on every start. */
export async function seedCatalog(
  dataSource: DataSource,
  actorUserId: string | null = null,
): Promise<void> {
  await dataSource.transaction(async (em) => {
    for (const t of DEMO_TIERS) {
      await em.query(
        `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`,
        [t.name, t.displayName, t.rank, t.gated],
      );
    }
    for (const m of DEMO_MODELS) {
      await em.query(
        `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, currency,
                             upstream, context_window, max_output_tokens, tokenizer)
         VALUES ($1, $2, $3, $4, $5, 'USD', '{"kind":"simulator"}', $6, $7, $8) ON CONFLICT (slug) DO NOTHING`,
        [
          m.slug,
          m.displayName,
          m.tier,
          m.input,
          m.output,
          m.contextWindow,
          m.maxOutputTokens,
          m.tokenizer,
        ],
      );
    }
    for (const r of DEMO_RULES) {
      const inserted: unknown[] = await em.query(
        `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, spend_window_days, currency,
                                   requires_verified, requires_not_suspended, min_account_age_days, dual_approval_above_micros, updated_by)
         VALUES ($1, true, $2, $3, 'USD', true, true, $4, $5, $6) ON CONFLICT (tier) DO NOTHING RETURNING tier`,
        [
          r.tier,
          r.minQualifyingSpendMicros.toString(),
          r.spendWindowDays,
          r.minAccountAgeDays,
          r.dualApprovalAboveMicros.toString(),
          actorUserId,
        ],
      );
      if (inserted.length) {
        await em.query(
          `INSERT INTO unlock_rule_changes (tier, actor_user_id, reason, before, after) VALUES ($1, $2, 'initial rule (seed)', NULL, $3)`,
          [
            r.tier,
            actorUserId,
            JSON.stringify({
              ...r,
              minQualifyingSpendMicros: r.minQualifyingSpendMicros.toString(),
              dualApprovalAboveMicros: r.dualApprovalAboveMicros.toString(),
            }),
          ],
        );
      }
    }
  });
}
