import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Unlock rules (data, per gated tier), contracts and their trail, suspensions, materialised entitlements. */
export class ContractsAndEntitlements1764033000000 implements MigrationInterface {
  name = 'ContractsAndEntitlements1764033000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unlock_rules (
        tier text PRIMARY KEY REFERENCES model_tiers(name),
        requires_contract boolean NOT NULL DEFAULT true,
        min_qualifying_spend_micros bigint NOT NULL DEFAULT 0 CHECK (min_qualifying_spend_micros >= 0),
        spend_window_days integer NOT NULL DEFAULT 90 CHECK (spend_window_days BETWEEN 1 AND 3660),
        currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
        requires_verified boolean NOT NULL DEFAULT true,
        requires_not_suspended boolean NOT NULL DEFAULT true,
        min_account_age_days integer NOT NULL DEFAULT 0 CHECK (min_account_age_days BETWEEN 0 AND 3660),
        -- contracts for this tier whose minimum per period is above this need two distinct approvers
        dual_approval_above_micros bigint NOT NULL DEFAULT 0 CHECK (dual_approval_above_micros >= 0),
        version integer NOT NULL DEFAULT 1,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE unlock_rule_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tier text NOT NULL REFERENCES model_tiers(name),
        actor_user_id uuid REFERENCES users(id),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        before jsonb,
        after jsonb NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX unlock_rule_changes_tier_idx ON unlock_rule_changes (tier, changed_at)`,
    );
    await q.query(`
      CREATE TABLE contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        tier text NOT NULL REFERENCES model_tiers(name),
        min_spend_micros bigint NOT NULL CHECK (min_spend_micros > 0),
        period_months integer NOT NULL CHECK (period_months BETWEEN 1 AND 36),
        term_start date NOT NULL,
        term_end date NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN
          ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'active', 'expired', 'terminated')),
        required_approvals integer NOT NULL DEFAULT 1 CHECK (required_approvals IN (1, 2)),
        requested_by uuid NOT NULL REFERENCES users(id),
        -- whoever last changed the terms under review; like the requester, they may not approve
        amended_by uuid REFERENCES users(id),
        -- approvals count for one review round; any amendment or resubmission starts a new one
        review_round integer NOT NULL DEFAULT 0,
        notes text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (term_end >= term_start)
      )`);
    await q.query(`CREATE INDEX contracts_org_idx ON contracts (organization_id, status)`);
    await q.query(`CREATE INDEX contracts_due_idx ON contracts (status, term_start, term_end)`);
    await q.query(`
      CREATE TABLE contract_approvals (
        contract_id uuid NOT NULL REFERENCES contracts(id),
        approver_id uuid NOT NULL REFERENCES users(id),
        -- approvals count for one submission only: a resubmission starts a new round
        round integer NOT NULL,
        reason text,
        approved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contract_id, round, approver_id)
      )`);
    await q.query(`
      CREATE TABLE contract_transitions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contract_id uuid NOT NULL REFERENCES contracts(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        from_status text,
        to_status text NOT NULL,
        actor_user_id uuid REFERENCES users(id),
        reason text,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX contract_transitions_contract_idx ON contract_transitions (contract_id, id)`,
    );
    await q.query(`
      CREATE TABLE organization_suspensions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        suspended_by uuid REFERENCES users(id),
        suspended_at timestamptz NOT NULL DEFAULT now(),
        restored_by uuid REFERENCES users(id),
        restore_reason text,
        restored_at timestamptz
      )`);
    // at most one open suspension per organisation
    await q.query(
      `CREATE UNIQUE INDEX organization_suspensions_open_idx ON organization_suspensions (organization_id) WHERE restored_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE organization_entitlements (
        organization_id uuid NOT NULL REFERENCES organizations(id),
        tier text NOT NULL REFERENCES model_tiers(name),
        unlocked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, tier)
      )`);
    await q.query(`
      CREATE TABLE entitlement_evaluations (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        unlocked_tiers text[] NOT NULL,
        reason text NOT NULL,
        evaluated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX usage_records_org_tier_time_idx ON usage_records (organization_id, tier, occurred_at) WHERE status = 'succeeded'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX usage_records_org_tier_time_idx`);
    await q.query(
      `DROP TABLE entitlement_evaluations, organization_entitlements, organization_suspensions, contract_transitions,
        contract_approvals, contracts, unlock_rule_changes, unlock_rules`,
    );
  }
}
