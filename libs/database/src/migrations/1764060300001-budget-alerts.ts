import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budget alerts at 50/80/100 % of each monthly spend cap an org admin set: where they go (the
 * org's admins by e-mail, and a webhook the admin configures), and one row per threshold crossed
 * per period, whose uniqueness makes each alert go out once.
 */
export class BudgetAlerts1764060300001 implements MigrationInterface {
  name = 'BudgetAlerts1764060300001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budget_alert_settings (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        webhook_url text,
        webhook_secret text,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE budget_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        scope text NOT NULL CHECK (scope IN ('organization', 'team', 'api_key')),
        scope_id uuid NOT NULL,
        period text NOT NULL,
        threshold integer NOT NULL CHECK (threshold IN (50, 80, 100)),
        cap_micros bigint NOT NULL,
        spent_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        emailed_at timestamptz,
        webhook_delivered_at timestamptz,
        CONSTRAINT budget_alerts_once UNIQUE (scope, scope_id, period, threshold)
      )`);
    await q.query(
      `CREATE INDEX budget_alerts_org_idx ON budget_alerts (organization_id, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE budget_alerts`);
    await q.query(`DROP TABLE budget_alert_settings`);
  }
}
