export { BudgetAlertScanner } from './budget-alerts/budget-alert-scanner';
export { BudgetAlertSettingsService } from './budget-alerts/budget-alert-settings.service';
export { BudgetAlertsModule } from './budget-alerts/budget-alerts.module';
export { WebhookTargets } from './budget-alerts/webhook-target';
export { CustomerLimitsService } from './customer-limits.service';
export { limitValues } from './limit-values';
export type { LimitTarget } from './limit-values';
export { TEAM_ENTITIES, TeamsModule } from './teams.module';
export { TeamsService } from './teams.service';
