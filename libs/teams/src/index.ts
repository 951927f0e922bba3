export { BudgetAlertScanner } from './budget-alerts/budget-alert-scanner';
export { BudgetAlertSettingsService } from './budget-alerts/budget-alert-settings.service';
export { BudgetAlertsModule } from './budget-alerts/budget-alerts.module';
export { WebhookTargets } from './budget-alerts/webhook-target';
export { TEAMS_RELATION_SQL } from './team-ports.module';
export { TEAM_ENTITIES, TeamsModule } from './teams.module';
export { TeamsService } from './teams.service';
