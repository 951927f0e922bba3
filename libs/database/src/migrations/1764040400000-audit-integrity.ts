import { AUDIT_CHECKED_COLUMNS, AUDIT_LEAF_CHECK_BODY, AUDIT_LEAF_CONSTRAINT } from '@velvet/audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The columns of audit_log are what the portal searches and detection reads, but only the leaf is
 * in the Merkle tree. So the database itself refuses a row whose columns say anything the leaf
 * does not (CHECK audit_log_matches_leaf): leaf hash = RFC 6962 hash of the leaf's Merkle entry,
 * and for v2 leaves every searched, shown or detection-fed column equals the leaf's value (MinHash
 * and LSH bands through the leaf's fingerprint digest). A CHECK is not a trigger: neither
 * `DISABLE TRIGGER` nor `session_replication_role = replica` turns it off, so rewriting a column
 * takes DDL (dropping the constraint or replacing the function), which the signer looks for
 * before every head (IntegrityGuard). v1 rows (before this migration) are checked for their hash
 * only. Also: checkpoints (C2SP signed notes) beside each signed head, and witness cosignatures.
 */
export class AuditIntegrity1764040400000 implements MigrationInterface {
  name = 'AuditIntegrity1764040400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_row_matches_leaf(
        p_leaf text, p_leaf_hash bytea, p_event_id text, p_kind text, p_organization_id uuid, p_api_key_id uuid, p_user_id uuid,
        p_model_id uuid, p_model_slug text, p_tier text, p_occurred_at timestamptz, p_client_ip text, p_user_agent text,
        p_params jsonb, p_input_tokens integer, p_output_tokens integer, p_latency_ms integer, p_status text,
        p_finish_reason text, p_flags text[], p_prompt_sha256 bytea, p_completion_sha256 bytea, p_prompt_minhash integer[],
        p_completion_minhash integer[], p_prompt_bands bigint[], p_completion_bands bigint[], p_actor_user_id uuid,
        p_action text, p_subject_type text, p_subject_id text, p_reason text, p_details jsonb)
      RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$${AUDIT_LEAF_CHECK_BODY}$fn$`);
    await q.query(
      `ALTER TABLE audit_log ADD CONSTRAINT ${AUDIT_LEAF_CONSTRAINT} CHECK (audit_row_matches_leaf(${AUDIT_CHECKED_COLUMNS.join(', ')}))`,
    );

    // A head is also a C2SP checkpoint: the signed note, its origin naming the deployment's log.
    await q.query(`ALTER TABLE audit_tree_head ADD COLUMN origin text, ADD COLUMN checkpoint text`);
    // Witness cosignatures (tlog-cosignature lines) on a head's checkpoint, append-only like the heads.
    await q.query(`
      CREATE TABLE audit_cosignature (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tree_size bigint NOT NULL,
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        witness text NOT NULL,
        signature_line text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tree_size, root_hash, witness)
      )`);
    await q.query(
      `CREATE TRIGGER audit_cosignature_no_change BEFORE UPDATE OR DELETE ON audit_cosignature FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER audit_cosignature_no_truncate BEFORE TRUNCATE ON audit_cosignature FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    );
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_cosignature FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_cosignature`);
    await q.query(
      `ALTER TABLE audit_tree_head DROP COLUMN IF EXISTS origin, DROP COLUMN IF EXISTS checkpoint`,
    );
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS ${AUDIT_LEAF_CONSTRAINT}`);
    await q.query(`DROP FUNCTION IF EXISTS audit_row_matches_leaf`);
  }
}
