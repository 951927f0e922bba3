import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Detection: risk scores per subject and window, alert cases for security reviewers with their
 * history, and the suppressions a "false positive" dismissal leaves behind. Provenance needs no
 * table of its own: it queries the audit log's GIN index on completion LSH bands.
 */
export class Detection1764036000000 implements MigrationInterface {
  name = 'Detection1764036000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE detection_risk_scores (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subject_type text NOT NULL CHECK (subject_type IN ('organization', 'api_key')),
        subject_id uuid NOT NULL,
        organization_id uuid NOT NULL,
        api_key_id uuid,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        calls integer NOT NULL CHECK (calls >= 0),
        score double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
        level text NOT NULL,
        drivers text[] NOT NULL DEFAULT '{}',
        detectors jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- a re-run of the same window (a redelivered job) writes nothing new
        UNIQUE (subject_type, subject_id, window_end)
      )`);
    await q.query(
      `CREATE INDEX detection_risk_scores_org ON detection_risk_scores (organization_id, window_end DESC)`,
    );
    await q.query(
      `CREATE INDEX detection_risk_scores_alerting ON detection_risk_scores (window_end) WHERE score >= 0.5`,
    );

    await q.query(`
      CREATE TABLE alert_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'escalated', 'dismissed', 'resolved')),
        level text NOT NULL,
        risk_score double precision NOT NULL CHECK (risk_score BETWEEN 0 AND 1),
        peak_score double precision NOT NULL CHECK (peak_score BETWEEN 0 AND 1),
        organization_score double precision NOT NULL CHECK (organization_score BETWEEN 0 AND 1),
        drivers text[] NOT NULL DEFAULT '{}',
        evidence jsonb NOT NULL,
        flagged_keys jsonb NOT NULL DEFAULT '[]',
        first_detected_at timestamptz NOT NULL,
        last_detected_at timestamptz NOT NULL,
        assignee_user_id uuid REFERENCES users(id),
        closed_by uuid REFERENCES users(id),
        closed_at timestamptz,
        resolution_reason text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status IN ('dismissed', 'resolved')) = (closed_at IS NOT NULL))
      )`);
    // One live case per organisation: later detections refresh it instead of piling up duplicates.
    await q.query(`
      CREATE UNIQUE INDEX alert_cases_one_live ON alert_cases (organization_id)
      WHERE status IN ('open', 'acknowledged', 'escalated')`);
    await q.query(`CREATE INDEX alert_cases_status ON alert_cases (status, last_detected_at DESC)`);

    await q.query(`
      CREATE TABLE alert_case_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES alert_cases(id),
        kind text NOT NULL,
        actor_user_id uuid REFERENCES users(id),
        reason text,
        details jsonb,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_case_events_case ON alert_case_events (case_id, id)`);

    await q.query(`
      CREATE TABLE detection_suppressions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        api_key_id uuid,
        detector text NOT NULL,
        dismissed_score double precision NOT NULL CHECK (dismissed_score BETWEEN 0 AND 1),
        reason text NOT NULL CHECK (length(reason) >= 10),
        case_id uuid NOT NULL REFERENCES alert_cases(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX detection_suppressions_org ON detection_suppressions (organization_id, expires_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'detection_suppressions',
      'alert_case_events',
      'alert_cases',
      'detection_risk_scores',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
