/**
 * Who owns each table: the one lib that declares it (entity, migration-level invariants) and
 * writes it. Any other lib reads it through the owner's read port (docs/architecture.md, "Read
 * ports"); table-owners.spec.ts fails when a lib's SQL names a table it does not own, when a
 * migration creates a table missing here, and when the document's "owns tables" column differs.
 */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  api_keys: 'api-keys',

  audit_log: 'audit',
  audit_text: 'audit',
  audit_completion_bands: 'audit',
  audit_tree_state: 'audit',
  audit_tree_node: 'audit',
  audit_tree_head: 'audit',
  audit_cosignature: 'audit',
  audit_retention_policy: 'audit',

  refresh_tokens: 'auth',
  sso_connections: 'auth',
  sso_domains: 'auth',
  sso_login_states: 'auth',
  scim_tokens: 'auth',
  scim_users: 'auth',
  scim_groups: 'auth',
  scim_group_members: 'auth',

  models: 'catalog',
  model_tiers: 'catalog',

  contracts: 'contracts',
  contract_approvals: 'contracts',
  contract_transitions: 'contracts',

  history_partitioning: 'database',

  alert_cases: 'detection',
  alert_case_events: 'detection',
  detection_suppressions: 'detection',
  detection_risk_scores: 'detection',
  detection_prompt_bands: 'detection',
  detection_band_hours: 'detection',

  organization_entitlements: 'entitlements',
  entitlement_evaluations: 'entitlements',
  organization_suspensions: 'entitlements',
  unlock_rules: 'entitlements',
  unlock_rule_changes: 'entitlements',
  unlock_rule_grandfathering: 'entitlements',

  usage_records: 'metering',
  rate_limits: 'metering',
  customer_limits: 'metering',
  usage_hourly: 'metering',
  usage_daily: 'metering',
  usage_daily_models: 'metering',
  usage_daily_keys: 'metering',
  usage_hourly_models: 'metering',
  usage_monthly: 'metering',
  usage_refusals_hourly: 'metering',

  organizations: 'organizations',
  users: 'organizations',
  invitations: 'organizations',
  email_verifications: 'organizations',
  mail_outbox: 'organizations',

  teams: 'teams',
  budget_alert_settings: 'teams',
  budget_alerts: 'teams',
};
