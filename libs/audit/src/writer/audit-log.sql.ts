/** Texts kept under a retention policy: few rows, passed as one JSON document. */
export const INSERT_TEXTS_SQL = `
  INSERT INTO audit_text (event_id, seq, organization_id, prompt_text, completion_text, expires_at)
  SELECT r.event_id, r.seq, r.organization_id, r.prompt_text, r.completion_text,
    r.occurred_at + make_interval(days => p.retention_days)
  FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, seq bigint, organization_id uuid, occurred_at timestamptz,
    prompt_text text, completion_text text)
  JOIN audit_retention_policy p ON p.organization_id = r.organization_id
  -- audit_text is partitioned by expires_at (docs/scaling.md): its key is (event_id, expires_at), so a
  -- retry after a policy change would not conflict; the one writer (tree lock) checks the event instead
  WHERE NOT EXISTS (SELECT 1 FROM audit_text t WHERE t.event_id = r.event_id)
  ON CONFLICT (event_id, expires_at) DO NOTHING`;
