import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@velvet/queue';
import { BudgetAlert, BudgetAlertSettings } from './budget-alert.entities';
import { BudgetAlertDelivery } from './budget-alert-delivery';
import { BudgetAlertScanner } from './budget-alert-scanner';
import { BudgetAlertSettingsService } from './budget-alert-settings.service';
import { BUDGET_ALERTS_OPTIONS, type BudgetAlertsOptions } from './budget-alerts.options';
import { BudgetAlertsProcessor, BudgetAlertsSchedule } from './budget-alerts.processor';
import { WEBHOOK_TARGETS, WebhookTargets } from './webhook-target';

export const BUDGET_ALERT_ENTITIES = [BudgetAlert, BudgetAlertSettings];

const targets = (allowPrivate: boolean) => ({
  provide: WEBHOOK_TARGETS,
  useValue: new WebhookTargets(allowPrivate),
});

/**
 * `forApi`: the org admin's settings (the portal API). `forWorker`: the scan schedule and the
 * deliveries (apps/worker), so that SMTP and outbound webhooks never run in the portal's process.
 */
@Module({})
export class BudgetAlertsModule {
  static forApi(options: { allowPrivateWebhookTargets: boolean }): DynamicModule {
    return {
      module: BudgetAlertsModule,
      imports: [TypeOrmModule.forFeature(BUDGET_ALERT_ENTITIES)],
      providers: [targets(options.allowPrivateWebhookTargets), BudgetAlertSettingsService],
      exports: [BudgetAlertSettingsService],
    };
  }

  static forWorker(options: BudgetAlertsOptions): DynamicModule {
    return {
      module: BudgetAlertsModule,
      imports: [
        TypeOrmModule.forFeature(BUDGET_ALERT_ENTITIES),
        BullModule.registerQueue({ name: QueueName.BudgetAlerts }),
      ],
      providers: [
        { provide: BUDGET_ALERTS_OPTIONS, useValue: options },
        targets(options.allowPrivateWebhookTargets),
        BudgetAlertScanner,
        BudgetAlertDelivery,
        BudgetAlertsProcessor,
        BudgetAlertsSchedule,
      ],
      exports: [BudgetAlertScanner],
    };
  }
}
