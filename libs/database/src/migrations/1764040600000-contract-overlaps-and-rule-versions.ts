import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One binding contract per organisation, tier and day (an exclusion constraint, so
 * two concurrent approvals cannot both win); a contract may replace or amend an earlier one;
 * entitlements carry the moment they lapse (a contract's term end) so the gateway enforces expiry
 * on time, and evaluations keep each locked tier's refusal reason for the gateway's 403; unlock-rule changes are versioned, may take effect later, and may grandfather organisations.
 */
export class ContractOverlapsAndRuleVersions1764040600000 implements MigrationInterface {
  name = 'ContractOverlapsAndRuleVersions1764040600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      ALTER TABLE contracts
        ADD COLUMN replaces_contract_id uuid REFERENCES contracts(id),
        ADD COLUMN relation text CHECK (relation IN ('amendment', 'replacement')),
        ADD CONSTRAINT contracts_relation_pair CHECK ((relation IS NULL) = (replaces_contract_id IS NULL)),
        ADD CONSTRAINT contracts_no_overlap EXCLUDE USING gist (
          organization_id WITH =, tier WITH =, daterange(term_start, term_end, '[]') WITH &&
        ) WHERE (status IN ('approved', 'active'))`);
    await q.query(`ALTER TABLE organization_entitlements ADD COLUMN valid_until timestamptz`);
    // why each locked tier is refused, as of the last evaluation: the gateway's 403 reads it with the entitlements
    await q.query(`ALTER TABLE entitlement_evaluations ADD COLUMN refusals jsonb`);
    await q.query(`
      ALTER TABLE unlock_rule_changes
        ADD COLUMN version integer,
        ADD COLUMN effective_at timestamptz,
        ADD COLUMN applied_at timestamptz DEFAULT now(),
        ADD COLUMN grandfather boolean NOT NULL DEFAULT false,
        ADD COLUMN impact jsonb`);
    await q.query(
      `UPDATE unlock_rule_changes SET effective_at = changed_at, applied_at = changed_at, version = (after->>'version')::int`,
    );
    await q.query(
      `ALTER TABLE unlock_rule_changes ALTER COLUMN effective_at SET DEFAULT now(), ALTER COLUMN effective_at SET NOT NULL`,
    );
    await q.query(
      `CREATE INDEX unlock_rule_changes_due_idx ON unlock_rule_changes (effective_at) WHERE applied_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE unlock_rule_grandfathering (
        change_id uuid NOT NULL REFERENCES unlock_rule_changes(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        tier text NOT NULL REFERENCES model_tiers(name),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        until date NOT NULL,
        PRIMARY KEY (change_id, organization_id)
      )`);
    await q.query(
      `CREATE INDEX unlock_rule_grandfathering_org_idx ON unlock_rule_grandfathering (organization_id, tier)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unlock_rule_grandfathering`);
    await q.query(`
      ALTER TABLE unlock_rule_changes
        DROP COLUMN version, DROP COLUMN effective_at, DROP COLUMN applied_at, DROP COLUMN grandfather, DROP COLUMN impact`);
    await q.query(`ALTER TABLE entitlement_evaluations DROP COLUMN refusals`);
    await q.query(`ALTER TABLE organization_entitlements DROP COLUMN valid_until`);
    await q.query(`
      ALTER TABLE contracts DROP CONSTRAINT contracts_no_overlap, DROP CONSTRAINT contracts_relation_pair,
        DROP COLUMN relation, DROP COLUMN replaces_contract_id`);
  }
}
