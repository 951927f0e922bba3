/** Batched inserts: one statement per table per batch, rows passed as one JSON document. */
const LOG_COLUMNS = `seq bigint, event_id text, kind text, organization_id uuid, api_key_id uuid, user_id uuid, model_id uuid,
  model_slug text, tier text, occurred_at timestamptz, enqueued_at timestamptz, client_ip text, user_agent text, params jsonb,
  input_tokens integer, output_tokens integer, latency_ms integer, status text, finish_reason text, flags text[],
  prompt_sha256 text, completion_sha256 text, prompt_minhash integer[], completion_minhash integer[],
  prompt_bands bigint[], completion_bands bigint[], actor_user_id uuid, action text, subject_type text, subject_id text,
  reason text, details jsonb, leaf text, leaf_hash text`;

export const INSERT_LOG_SQL = `
  INSERT INTO audit_log (seq, event_id, kind, organization_id, api_key_id, user_id, model_id, model_slug, tier, occurred_at,
    enqueued_at, client_ip, user_agent, params, input_tokens, output_tokens, latency_ms, status, finish_reason, flags,
    prompt_sha256, completion_sha256, prompt_minhash, completion_minhash, prompt_bands, completion_bands,
    actor_user_id, action, subject_type, subject_id, reason, details, leaf, leaf_hash)
  SELECT seq, event_id, kind, organization_id, api_key_id, user_id, model_id, model_slug, tier, occurred_at,
    enqueued_at, client_ip, user_agent, params, input_tokens, output_tokens, latency_ms, status, finish_reason,
    coalesce(flags, '{}'), decode(prompt_sha256, 'hex'), decode(completion_sha256, 'hex'), prompt_minhash, completion_minhash,
    prompt_bands, completion_bands, actor_user_id, action, subject_type, subject_id, reason, details, leaf, decode(leaf_hash, 'hex')
  FROM jsonb_to_recordset($1::jsonb) AS r(${LOG_COLUMNS})
  ORDER BY seq`;

export const INSERT_NODES_SQL = `
  INSERT INTO audit_tree_node (level, idx, hash)
  SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`;

export const INSERT_TEXTS_SQL = `
  INSERT INTO audit_text (event_id, seq, organization_id, prompt_text, completion_text, expires_at)
  SELECT r.event_id, r.seq, r.organization_id, r.prompt_text, r.completion_text,
    r.occurred_at + make_interval(days => p.retention_days)
  FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, seq bigint, organization_id uuid, occurred_at timestamptz,
    prompt_text text, completion_text text)
  JOIN audit_retention_policy p ON p.organization_id = r.organization_id
  ON CONFLICT (event_id) DO NOTHING`;
