import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ONLY = ['audit_log', 'audit_tree_node', 'audit_tree_head'];

/**
 * The append-only, Merkle-tree audit log. No foreign keys: an entry must outlive anything it
 * names. UPDATE, DELETE and TRUNCATE on the log, its tree nodes and its signed heads raise in
 * the database itself (triggers) and are revoked from PUBLIC; a superuser who drops the
 * triggers is still caught by the signed tree heads.
 */
export class AuditLog1764035000000 implements MigrationInterface {
  name = 'AuditLog1764035000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY CHECK (seq >= 0),
        event_id text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('premium_call', 'admin_action')),
        organization_id uuid,
        api_key_id uuid,
        user_id uuid,
        model_id uuid,
        model_slug text,
        tier text,
        occurred_at timestamptz NOT NULL,
        enqueued_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        client_ip text,
        user_agent text,
        params jsonb,
        input_tokens integer,
        output_tokens integer,
        latency_ms integer,
        status text,
        finish_reason text,
        flags text[] NOT NULL DEFAULT '{}',
        prompt_sha256 bytea,
        completion_sha256 bytea,
        prompt_minhash integer[],
        completion_minhash integer[],
        prompt_bands bigint[],
        completion_bands bigint[],
        actor_user_id uuid,
        action text,
        subject_type text,
        subject_id text,
        reason text,
        details jsonb,
        leaf text NOT NULL,
        leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
      )`);
    await q.query(`CREATE INDEX audit_log_org_time ON audit_log (organization_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_log_key_time ON audit_log (api_key_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_log_model_time ON audit_log (model_slug, occurred_at)`);
    await q.query(`CREATE INDEX audit_log_time ON audit_log (occurred_at)`);
    await q.query(`CREATE INDEX audit_log_flags ON audit_log USING gin (flags)`);
    // Provenance search: completions sharing an LSH band with a leaked text (minhash-v1).
    await q.query(
      `CREATE INDEX audit_log_completion_bands ON audit_log USING gin (completion_bands)`,
    );

    // Every perfect subtree of the RFC 6962 tree (level 0 = leaf hashes), for proofs of any size.
    await q.query(`
      CREATE TABLE audit_tree_node (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    // The right edge of the tree: one row, locked by the single writer that assigns sequence numbers.
    await q.query(`
      CREATE TABLE audit_tree_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        size bigint NOT NULL,
        frontier bytea[] NOT NULL,
        root bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO audit_tree_state (id, size, frontier, root)
      VALUES (1, 0, '{}', decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'))`);
    await q.query(`
      CREATE TABLE audit_tree_head (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tree_size bigint NOT NULL,
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        timestamp_ms bigint NOT NULL,
        signature bytea NOT NULL,
        public_key bytea NOT NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_tree_head_size ON audit_tree_head (tree_size DESC, id DESC)`);

    // Texts are kept apart from the log, only under a retention policy, and purged when it ends.
    await q.query(`
      CREATE TABLE audit_retention_policy (
        organization_id uuid PRIMARY KEY,
        retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE audit_text (
        event_id text PRIMARY KEY,
        seq bigint NOT NULL,
        organization_id uuid NOT NULL,
        prompt_text text NOT NULL,
        completion_text text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_text_expiry ON audit_text (expires_at)`);

    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of APPEND_ONLY) {
      await q.query(
        `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      );
      await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM PUBLIC`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_text',
      'audit_retention_policy',
      ...APPEND_ONLY,
      'audit_tree_state',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_refuse_change()`);
  }
}
