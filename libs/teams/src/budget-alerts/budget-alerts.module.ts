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

export const BUDGET_ALERT_ENTITIES = [BudgetAlert, BudgetAlertSettings];

/** Settings for the API; with `worker`, the scan schedule and the deliveries too. */
@Module({})
export class BudgetAlertsModule {
  static forRoot(options: BudgetAlertsOptions & { worker: boolean }): DynamicModule {
    return {
      module: BudgetAlertsModule,
      imports: [
        TypeOrmModule.forFeature(BUDGET_ALERT_ENTITIES),
        BullModule.registerQueue({ name: QueueName.BudgetAlerts }),
      ],
      providers: [
        { provide: BUDGET_ALERTS_OPTIONS, useValue: options },
        BudgetAlertSettingsService,
        BudgetAlertScanner,
        BudgetAlertDelivery,
        ...(options.worker ? [BudgetAlertsProcessor, BudgetAlertsSchedule] : []),
      ],
      exports: [BudgetAlertSettingsService, BudgetAlertScanner],
    };
  }
}
