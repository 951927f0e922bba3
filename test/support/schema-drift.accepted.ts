/**
 * What TypeORM's schema builder proposes on a freshly migrated database, and why each is accepted: the
 * migrations define the schema (never synchronize) and say more than entity metadata can. A proposal not
 * listed here is drift between an entity and the migrations; so is an entry listed here that is no longer
 * proposed (remove it).
 */
export const ACCEPTED_SCHEMA_DIFFERENCES: Record<string, string[]> = {
  /**
   * Foreign keys: entities hold plain id columns, not TypeORM relations, so no lib imports another lib's entity (each
   * table has one owner). The keys themselves live in the migrations.
   */
  foreignKeys: [
    'ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_organization_id_fkey"',
    'ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_created_by_fkey"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_organization_id_fkey"',
    'ALTER TABLE "invitations" DROP CONSTRAINT "invitations_organization_id_fkey"',
    'ALTER TABLE "invitations" DROP CONSTRAINT "invitations_invited_by_fkey"',
    'ALTER TABLE "refresh_tokens" DROP CONSTRAINT "refresh_tokens_user_id_fkey"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_tier_fkey"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_tier_fkey"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_updated_by_fkey"',
    'ALTER TABLE "unlock_rule_changes" DROP CONSTRAINT "unlock_rule_changes_tier_fkey"',
    'ALTER TABLE "unlock_rule_changes" DROP CONSTRAINT "unlock_rule_changes_actor_user_id_fkey"',
    'ALTER TABLE "unlock_rule_grandfathering" DROP CONSTRAINT "unlock_rule_grandfathering_change_id_fkey"',
    'ALTER TABLE "unlock_rule_grandfathering" DROP CONSTRAINT "unlock_rule_grandfathering_organization_id_fkey"',
    'ALTER TABLE "unlock_rule_grandfathering" DROP CONSTRAINT "unlock_rule_grandfathering_tier_fkey"',
    'ALTER TABLE "unlock_rule_grandfathering" DROP CONSTRAINT "unlock_rule_grandfathering_contract_id_fkey"',
    'ALTER TABLE "organization_suspensions" DROP CONSTRAINT "organization_suspensions_organization_id_fkey"',
    'ALTER TABLE "organization_suspensions" DROP CONSTRAINT "organization_suspensions_suspended_by_fkey"',
    'ALTER TABLE "organization_suspensions" DROP CONSTRAINT "organization_suspensions_restored_by_fkey"',
    'ALTER TABLE "organization_entitlements" DROP CONSTRAINT "organization_entitlements_organization_id_fkey"',
    'ALTER TABLE "organization_entitlements" DROP CONSTRAINT "organization_entitlements_tier_fkey"',
    'ALTER TABLE "entitlement_evaluations" DROP CONSTRAINT "entitlement_evaluations_organization_id_fkey"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_organization_id_fkey"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_api_key_id_fkey"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_model_id_fkey"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_organization_id_fkey"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_api_key_id_fkey"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_organization_id_fkey"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_tier_fkey"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_requested_by_fkey"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_amended_by_fkey"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_replaces_contract_id_fkey"',
    'ALTER TABLE "contract_approvals" DROP CONSTRAINT "contract_approvals_contract_id_fkey"',
    'ALTER TABLE "contract_approvals" DROP CONSTRAINT "contract_approvals_approver_id_fkey"',
    'ALTER TABLE "contract_transitions" DROP CONSTRAINT "contract_transitions_contract_id_fkey"',
    'ALTER TABLE "contract_transitions" DROP CONSTRAINT "contract_transitions_organization_id_fkey"',
    'ALTER TABLE "contract_transitions" DROP CONSTRAINT "contract_transitions_actor_user_id_fkey"',
    'ALTER TABLE "alert_case_events" DROP CONSTRAINT "alert_case_events_case_id_fkey"',
    'ALTER TABLE "alert_case_events" DROP CONSTRAINT "alert_case_events_actor_user_id_fkey"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_organization_id_fkey"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_assignee_user_id_fkey"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_closed_by_fkey"',
    'ALTER TABLE "detection_suppressions" DROP CONSTRAINT "detection_suppressions_organization_id_fkey"',
    'ALTER TABLE "detection_suppressions" DROP CONSTRAINT "detection_suppressions_case_id_fkey"',
    'ALTER TABLE "detection_suppressions" DROP CONSTRAINT "detection_suppressions_created_by_fkey"',
    // Single sign-on
    'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_connections_organization_id_fkey"',
    'ALTER TABLE "sso_domains" DROP CONSTRAINT "sso_domains_organization_id_fkey"',
    'ALTER TABLE "sso_domains" DROP CONSTRAINT "sso_domains_verified_by_fkey"',
    'ALTER TABLE "sso_login_states" DROP CONSTRAINT "sso_login_states_organization_id_fkey"',
    // SCIM
    'ALTER TABLE "scim_group_members" DROP CONSTRAINT "scim_group_members_group_id_fkey"',
    'ALTER TABLE "scim_group_members" DROP CONSTRAINT "scim_group_members_user_id_fkey"',
    'ALTER TABLE "scim_groups" DROP CONSTRAINT "scim_groups_organization_id_fkey"',
    'ALTER TABLE "scim_tokens" DROP CONSTRAINT "scim_tokens_created_by_fkey"',
    'ALTER TABLE "scim_tokens" DROP CONSTRAINT "scim_tokens_organization_id_fkey"',
    'ALTER TABLE "scim_users" DROP CONSTRAINT "scim_users_organization_id_fkey"',
    'ALTER TABLE "scim_users" DROP CONSTRAINT "scim_users_user_id_fkey"',
  ],
  /**
   * Indexes made by migrations for the queries that need them (partial, composite, expression). TypeORM cannot
   * express several of them; the migrations are the one definition of them all.
   */
  migrationIndexes: [
    'DROP INDEX "public"."api_keys_organization_idx"',
    'DROP INDEX "public"."audit_log_org_time"',
    'DROP INDEX "public"."audit_log_key_time"',
    'DROP INDEX "public"."audit_log_model_time"',
    'DROP INDEX "public"."audit_log_time"',
    'DROP INDEX "public"."audit_log_flags"',
    'DROP INDEX "public"."users_organization_idx"',
    'DROP INDEX "public"."refresh_tokens_family_idx"',
    'DROP INDEX "public"."unlock_rule_changes_tier_idx"',
    'DROP INDEX "public"."unlock_rule_changes_due_idx"',
    'DROP INDEX "public"."unlock_rule_grandfathering_org_idx"',
    'DROP INDEX "public"."organization_suspensions_open_idx"',
    'DROP INDEX "public"."usage_records_org_time_idx"',
    'DROP INDEX "public"."usage_records_org_tier_time_idx"',
    'DROP INDEX "public"."rate_limits_org_uq"',
    'DROP INDEX "public"."rate_limits_key_uq"',
    'DROP INDEX "public"."contracts_org_idx"',
    'DROP INDEX "public"."contracts_due_idx"',
    'DROP INDEX "public"."contracts_request_key_idx"',
    'DROP INDEX "public"."contract_transitions_contract_idx"',
    'DROP INDEX "public"."alert_case_events_case"',
    'DROP INDEX "public"."alert_cases_one_live"',
    'DROP INDEX "public"."alert_cases_status"',
    'DROP INDEX "public"."detection_suppressions_org"',
    // Single sign-on
    'DROP INDEX "public"."sso_domains_org_idx"',
    'DROP INDEX "public"."sso_login_states_expiry_idx"',
    // SCIM
    'DROP INDEX "public"."scim_group_members_user_idx"',
    'DROP INDEX "public"."scim_tokens_org_idx"',
    'DROP INDEX "public"."scim_users_org_idx"',
  ],
  /**
   * CHECK constraints (value ranges, enum values, formats): the database's last line of defence, written in the
   * migrations; entity metadata would only repeat them.
   */
  checkConstraints: [
    'ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_seq_check"',
    'ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_kind_check"',
    'ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_leaf_hash_check"',
    'ALTER TABLE "organizations" DROP CONSTRAINT "organizations_name_check"',
    'ALTER TABLE "organizations" DROP CONSTRAINT "organizations_status_check"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_email_check"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_role_check"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_status_check"',
    'ALTER TABLE "invitations" DROP CONSTRAINT "invitations_role_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_slug_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_input_price_micros_per_mtok_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_output_price_micros_per_mtok_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_currency_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_context_window_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_max_output_tokens_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_status_check"',
    'ALTER TABLE "models" DROP CONSTRAINT "models_tokenizer_check"',
    'ALTER TABLE "model_tiers" DROP CONSTRAINT "model_tiers_name_check"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_min_qualifying_spend_micros_check"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_spend_window_days_check"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_currency_check"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_min_account_age_days_check"',
    'ALTER TABLE "unlock_rules" DROP CONSTRAINT "unlock_rules_dual_approval_above_micros_check"',
    'ALTER TABLE "unlock_rule_changes" DROP CONSTRAINT "unlock_rule_changes_reason_check"',
    'ALTER TABLE "organization_suspensions" DROP CONSTRAINT "organization_suspensions_reason_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_input_tokens_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_output_tokens_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_cost_micros_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_latency_ms_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_check"',
    'ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_status_check"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_requests_per_minute_check"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_tokens_per_minute_check"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_spend_cap_micros_check"',
    'ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_reason_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_min_spend_micros_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_period_months_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_currency_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_status_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_required_approvals_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_request_key_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_text_retention_days_check"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_relation_check"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_status_check"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_risk_score_check"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_peak_score_check"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_organization_score_check"',
    'ALTER TABLE "alert_cases" DROP CONSTRAINT "alert_cases_check"',
    'ALTER TABLE "detection_suppressions" DROP CONSTRAINT "detection_suppressions_dismissed_score_check"',
    'ALTER TABLE "detection_suppressions" DROP CONSTRAINT "detection_suppressions_reason_check"',
    // Single sign-on
    'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_connections_default_role_check"',
    'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_connections_protocol_check"',
    'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_oidc_fields"',
    'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_saml_fields"',
    'ALTER TABLE "sso_domains" DROP CONSTRAINT "sso_domains_domain_check"',
  ],
  /**
   * Named multi-column rules: the audit log's leaf CHECK (compared by the signer with the installed one), a user's
   * role matching its tenancy, a contract's replace/amend pair, and contracts' EXCLUDE (no overlapping periods).
   */
  tableRules: [
    'ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_matches_leaf"',
    'ALTER TABLE "users" DROP CONSTRAINT "users_role_matches_tenancy"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_relation_pair"',
    'ALTER TABLE "contracts" DROP CONSTRAINT "contracts_no_overlap"',
  ],
  /**
   * The audit log's MinHash signatures and LSH bands: written by the audit writer's COPY and read by detection's
   * SQL; the read-side entity does not map them (they are large and never needed as objects).
   */
  unmappedColumns: [
    'ALTER TABLE "audit_log" DROP COLUMN "prompt_minhash"',
    'ALTER TABLE "audit_log" DROP COLUMN "completion_minhash"',
    'ALTER TABLE "audit_log" DROP COLUMN "prompt_bands"',
    'ALTER TABLE "audit_log" DROP COLUMN "completion_bands"',
  ],
  /**
   * Column defaults supplied by the database (timestamps, amounts, lists, versions): inserts that leave the field undefined get them
   * either way; the entities never create the schema (never synchronize).
   */
  databaseDefaults: [
    'ALTER TABLE "audit_log" ALTER COLUMN "recorded_at" DROP DEFAULT',
    'ALTER TABLE "audit_log" ALTER COLUMN "flags" DROP DEFAULT',
    'ALTER TABLE "unlock_rules" ALTER COLUMN "min_qualifying_spend_micros" DROP DEFAULT',
    'ALTER TABLE "unlock_rules" ALTER COLUMN "dual_approval_above_micros" DROP DEFAULT',
    'ALTER TABLE "unlock_rule_changes" ALTER COLUMN "effective_at" DROP DEFAULT',
    'ALTER TABLE "unlock_rule_changes" ALTER COLUMN "applied_at" DROP DEFAULT',
    'ALTER TABLE "organization_suspensions" ALTER COLUMN "suspended_at" DROP DEFAULT',
    'ALTER TABLE "organization_entitlements" ALTER COLUMN "unlocked_at" DROP DEFAULT',
    'ALTER TABLE "entitlement_evaluations" ALTER COLUMN "evaluated_at" DROP DEFAULT',
    'ALTER TABLE "contracts" ALTER COLUMN "version" DROP DEFAULT',
    'ALTER TABLE "alert_cases" ALTER COLUMN "drivers" DROP DEFAULT',
    'ALTER TABLE "alert_cases" ALTER COLUMN "flagged_keys" DROP DEFAULT',
    'ALTER TABLE "alert_cases" ALTER COLUMN "version" DROP DEFAULT',
    // Single sign-on
    'ALTER TABLE "sso_connections" ALTER COLUMN "default_role" DROP DEFAULT',
    'ALTER TABLE "sso_connections" ALTER COLUMN "group_roles" DROP DEFAULT',
  ],
  /**
   * Teams, customer limits and budget alerts: foreign keys, checks, unique constraints and partial
   * indexes (one limit row per organisation, team or key) that the migration states and the
   * entities, plain id columns, do not.
   */
  teamsAndLimits: [
    'ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_team_id_fkey"',
    'ALTER TABLE "budget_alert_settings" DROP CONSTRAINT "budget_alert_settings_organization_id_fkey"',
    'ALTER TABLE "budget_alert_settings" DROP CONSTRAINT "budget_alert_settings_updated_by_fkey"',
    'ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_once"',
    'ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_organization_id_fkey"',
    'ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_scope_check"',
    'ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_threshold_check"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_api_key_id_fkey"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_one_scope"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_organization_id_fkey"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_requests_per_minute_check"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_spend_cap_micros_check"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_team_id_fkey"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_tokens_per_minute_check"',
    'ALTER TABLE "customer_limits" DROP CONSTRAINT "customer_limits_updated_by_fkey"',
    'ALTER TABLE "teams" DROP CONSTRAINT "teams_name_unique"',
    'ALTER TABLE "teams" DROP CONSTRAINT "teams_organization_id_fkey"',
    'DROP INDEX "public"."api_keys_team_idx"',
    'DROP INDEX "public"."budget_alerts_org_idx"',
    'DROP INDEX "public"."customer_limits_key_unique"',
    'DROP INDEX "public"."customer_limits_org_unique"',
    'DROP INDEX "public"."customer_limits_team_unique"',
  ],
  /**
   * SCIM groups mapped to teams: the composite key (team_id, organization_id) keeps a group's team in
   * its organisation, and needs the unique (id, organization_id) on teams it refers to.
   */
  scimGroupTeams: [
    'ALTER TABLE "scim_groups" DROP CONSTRAINT "scim_groups_team_fkey"',
    'ALTER TABLE "teams" DROP CONSTRAINT "teams_id_org_unique"',
    'DROP INDEX "public"."scim_groups_team_idx"',
  ],
};
