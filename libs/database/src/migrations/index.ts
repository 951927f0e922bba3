import { Identity1764032400000 } from './1764032400000-identity';
import { CatalogAndUsage1764032500000 } from './1764032500000-catalog-and-usage';
import { ContractsAndEntitlements1764033000000 } from './1764033000000-contracts-and-entitlements';
import { ContractRequestKeys1764033000001 } from './1764033000001-contract-request-keys';
import { RateLimits1764034000000 } from './1764034000000-rate-limits';
import { AuditLog1764035000000 } from './1764035000000-audit-log';
import { Detection1764036000000 } from './1764036000000-detection';
import { AuditLogInlineRows1764037000000 } from './1764037000000-audit-log-inline-rows';
import { UsageCancelled1764038000000 } from './1764038000000-usage-cancelled';
import { UsageInterrupted1764040100000 } from './1764040100000-usage-interrupted';
import { ContractTextRetention1764039000000 } from './1764039000000-contract-text-retention';
import { FourEyesContributors1764040300000 } from './1764040300000-four-eyes-contributors';
import { EmailVerificationAndOutbox1764040300001 } from './1764040300001-email-verification-and-outbox';
import { ModelTokenizer1764040200000 } from './1764040200000-model-tokenizer';
import { ContractOverlapsAndRuleVersions1764040600000 } from './1764040600000-contract-overlaps-and-rule-versions';
import { AuditIntegrity1764040400000 } from './1764040400000-audit-integrity';
import { AppRoleGrants1764040400001 } from './1764040400001-app-role-grants';
import { DetectionCoverage1764040500000 } from './1764040500000-detection-coverage';
import { DetectionBandLastSeen1764050300000 } from './1764050300000-detection-band-last-seen';
import { PartitionedHistory1764050500000 } from './1764050500000-partitioned-history';
import { CompletionBandIndex1764082000000 } from './1764082000000-completion-band-index';
import { UsageIngestFunction1764083000000 } from './1764083000000-usage-ingest-function';
import { OrganizationCorsOrigins1764050400000 } from './1764050400000-organization-cors-origins';
import { Sso1764050700000 } from './1764050700000-sso';
import { Scim1764050700001 } from './1764050700001-scim';
import { TeamsAndCustomerLimits1764060300000 } from './1764060300000-teams-and-customer-limits';
import { BudgetAlerts1764060300001 } from './1764060300001-budget-alerts';
import { UsageRollups1764060400000 } from './1764060400000-usage-rollups';
import { UsageRollupsByKey1764070000000 } from './1764070000000-usage-rollups-by-key';
import { ScimGroupTeams1764070000001 } from './1764070000001-scim-group-teams';

/** Every migration, in order. Explicit, because globs break under bundling. */
export const MIGRATIONS = [
  Identity1764032400000,
  CatalogAndUsage1764032500000,
  ContractsAndEntitlements1764033000000,
  ContractRequestKeys1764033000001,
  RateLimits1764034000000,
  AuditLog1764035000000,
  Detection1764036000000,
  AuditLogInlineRows1764037000000,
  UsageCancelled1764038000000,
  ContractTextRetention1764039000000,
  FourEyesContributors1764040300000,
  EmailVerificationAndOutbox1764040300001,
  ModelTokenizer1764040200000,
  ContractOverlapsAndRuleVersions1764040600000,
  UsageInterrupted1764040100000,
  AuditIntegrity1764040400000,
  // grants on every table so far; tables of later migrations get the default privileges it sets
  AppRoleGrants1764040400001,
  DetectionCoverage1764040500000,
  DetectionBandLastSeen1764050300000,
  PartitionedHistory1764050500000,
  OrganizationCorsOrigins1764050400000,
  Sso1764050700000,
  Scim1764050700001,
  TeamsAndCustomerLimits1764060300000,
  BudgetAlerts1764060300001,
  UsageRollups1764060400000,
  UsageRollupsByKey1764070000000,
  ScimGroupTeams1764070000001,
  CompletionBandIndex1764082000000,
  UsageIngestFunction1764083000000,
];
