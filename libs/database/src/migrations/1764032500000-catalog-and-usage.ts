import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogAndUsage1764032500000 implements MigrationInterface {
  name = 'CatalogAndUsage1764032500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_tiers (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
        display_name text NOT NULL,
        rank integer NOT NULL UNIQUE,
        gated boolean NOT NULL
      )`);
    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        display_name text NOT NULL,
        tier text NOT NULL REFERENCES model_tiers(name),
        input_price_micros_per_mtok bigint NOT NULL CHECK (input_price_micros_per_mtok >= 0),
        output_price_micros_per_mtok bigint NOT NULL CHECK (output_price_micros_per_mtok >= 0),
        currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
        upstream jsonb NOT NULL,
        context_window integer NOT NULL DEFAULT 128000 CHECK (context_window > 0),
        max_output_tokens integer NOT NULL DEFAULT 4096 CHECK (max_output_tokens > 0),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE usage_records (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id text NOT NULL UNIQUE,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        api_key_id uuid NOT NULL REFERENCES api_keys(id),
        model_id uuid NOT NULL REFERENCES models(id),
        tier text NOT NULL,
        input_tokens integer NOT NULL CHECK (input_tokens >= 0),
        output_tokens integer NOT NULL CHECK (output_tokens >= 0),
        cost_micros bigint NOT NULL CHECK (cost_micros >= 0),
        currency text NOT NULL,
        latency_ms integer NOT NULL CHECK (latency_ms >= 0),
        status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
        streamed boolean NOT NULL DEFAULT false,
        occurred_at timestamptz NOT NULL,
        CHECK (status = 'succeeded' OR cost_micros = 0)
      )`);
    await q.query(
      `CREATE INDEX usage_records_org_time_idx ON usage_records (organization_id, occurred_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_records, models, model_tiers`);
  }
}
