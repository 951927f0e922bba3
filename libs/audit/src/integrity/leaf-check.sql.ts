/**
 * The database's check that an audit_log row says nothing its leaf does not (see migration
 * 1764040400000-audit-integrity, which installs it as CHECK audit_log_matches_leaf). Kept here so
 * IntegrityGuard can compare what is installed with what should be: a superuser who replaces the
 * function or drops the constraint to rewrite columns is caught before the next head is signed.
 * Changing the body needs a new migration that replaces the function (the test template's name
 * hashes this file with the migrations, so tests pick the change up).
 */
export const AUDIT_LEAF_CONSTRAINT = 'audit_log_matches_leaf';
export const AUDIT_LEAF_FUNCTION = 'audit_row_matches_leaf';

/** Every column a reader sees, in the order of audit_row_matches_leaf's parameters. */
export const AUDIT_CHECKED_COLUMNS = [
  'leaf',
  'leaf_hash',
  'event_id',
  'kind',
  'organization_id',
  'api_key_id',
  'user_id',
  'model_id',
  'model_slug',
  'tier',
  'occurred_at',
  'client_ip',
  'user_agent',
  'params',
  'input_tokens',
  'output_tokens',
  'latency_ms',
  'status',
  'finish_reason',
  'flags',
  'prompt_sha256',
  'completion_sha256',
  'prompt_minhash',
  'completion_minhash',
  'prompt_bands',
  'completion_bands',
  'actor_user_id',
  'action',
  'subject_type',
  'subject_id',
  'reason',
  'details',
] as const;

/** The plpgsql body (between the $fn$ quotes) exactly as installed: `md5(prosrc)` must match it. */
export const AUDIT_LEAF_CHECK_BODY = `
      DECLARE
        bytes bytea := convert_to(p_leaf, 'UTF8');
        j jsonb;
        v integer;
      BEGIN
        -- jsonb cannot hold NUL; the columns store U+FFFD for it (pgText), so parse the leaf the same way.
        -- Only an unescaped \\u0000 is a NUL: an even run of backslashes before it escapes nothing.
        j := CASE WHEN position('\\u0000' IN p_leaf) > 0
                  THEN regexp_replace(p_leaf, '(?<![\\\\])((?:\\\\\\\\)*)\\\\u0000', '\\1\\\\ufffd', 'g')
                  ELSE p_leaf END::jsonb;
        v := coalesce((j->>'v')::integer, 1);
        IF p_leaf_hash IS DISTINCT FROM sha256('\\x00'::bytea || CASE WHEN v >= 2 THEN sha256(bytes) ELSE bytes END) THEN
          RETURN false;
        END IF;
        IF v < 2 THEN RETURN true; END IF;
        IF NOT (j->>'eventId' IS NOT DISTINCT FROM p_event_id AND j->>'kind' IS NOT DISTINCT FROM p_kind
                AND (j->>'organizationId')::uuid IS NOT DISTINCT FROM p_organization_id
                AND (j->>'occurredAt')::timestamptz IS NOT DISTINCT FROM p_occurred_at) THEN
          RETURN false;
        END IF;
        IF p_kind = 'admin_action' THEN
          RETURN coalesce(
            (j->>'actorUserId')::uuid IS NOT DISTINCT FROM p_actor_user_id
            AND j->>'action' IS NOT DISTINCT FROM p_action
            AND j->>'subjectType' IS NOT DISTINCT FROM p_subject_type
            AND j->>'subjectId' IS NOT DISTINCT FROM p_subject_id
            AND j->>'reason' IS NOT DISTINCT FROM p_reason
            AND nullif(j->'details', 'null'::jsonb) IS NOT DISTINCT FROM p_details
            AND num_nonnulls(p_api_key_id, p_user_id, p_model_id, p_model_slug, p_tier, p_client_ip, p_user_agent, p_params,
                             p_input_tokens, p_output_tokens, p_latency_ms, p_status, p_finish_reason, p_prompt_sha256,
                             p_completion_sha256, p_prompt_minhash, p_completion_minhash, p_prompt_bands, p_completion_bands) = 0
            AND cardinality(p_flags) = 0, false);
        END IF;
        RETURN coalesce(
          (j->>'apiKeyId')::uuid IS NOT DISTINCT FROM p_api_key_id
          AND (j->>'userId')::uuid IS NOT DISTINCT FROM p_user_id
          AND (j->>'modelId')::uuid IS NOT DISTINCT FROM p_model_id
          AND j->>'modelSlug' IS NOT DISTINCT FROM p_model_slug
          AND j->>'tier' IS NOT DISTINCT FROM p_tier
          AND j->>'clientIp' IS NOT DISTINCT FROM p_client_ip
          AND j->>'userAgent' IS NOT DISTINCT FROM p_user_agent
          AND j->'params' IS NOT DISTINCT FROM p_params
          AND (j->>'inputTokens')::integer IS NOT DISTINCT FROM p_input_tokens
          AND (j->>'outputTokens')::integer IS NOT DISTINCT FROM p_output_tokens
          AND (j->>'latencyMs')::integer IS NOT DISTINCT FROM p_latency_ms
          AND j->>'status' IS NOT DISTINCT FROM p_status
          AND j->>'finishReason' IS NOT DISTINCT FROM p_finish_reason
          AND coalesce(j->'flags', '[]'::jsonb) = to_jsonb(p_flags)
          AND decode(j->>'promptSha256', 'hex') IS NOT DISTINCT FROM p_prompt_sha256
          AND decode(j->>'completionSha256', 'hex') IS NOT DISTINCT FROM p_completion_sha256
          AND num_nonnulls(p_actor_user_id, p_action, p_subject_type, p_subject_id, p_reason, p_details) = 0
          AND j->>'fingerprintSha256' = encode(sha256(array_send(p_prompt_minhash) || array_send(p_completion_minhash)
                || array_send(p_prompt_bands) || array_send(p_completion_bands)), 'hex'), false);
      END`;
